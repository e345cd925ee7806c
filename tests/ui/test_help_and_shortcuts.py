"""The handbook (F1 at the section for the page in view, contents, search) and the
window-level keys and menus: Ctrl+W / Esc close a case, the Språk menu is exclusive."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from test_casework_ui import case_ctx, screen  # noqa: F401  (the case screen fixtures)

from finsam_desktop.ui.help import PAGE_SECTIONS, HelpWindow, handbook_path, read_sections
from finsam_desktop.ui.main_window import PAGES

PROCESS = (
    "informationsmote",
    "remiss",
    "beslut",
    "inskrivning",
    "kartlaggning",
    "handlingsplan",
    "uppfoljning",
    "avslut",
    "lotsarenden",
    "rapporter",
    "sakerhetskopior",
    "losenord",
    "delad-dator",
    "kommande",
)


def test_the_handbook_covers_every_step_and_page_and_its_pictures_exist():
    source = handbook_path().read_text(encoding="utf-8")
    anchors = {s.anchor for s in read_sections(source)}
    for anchor in PROCESS:
        assert anchor in anchors, anchor
    for key, *_rest in PAGES:
        assert PAGE_SECTIONS[key] in anchors, key
    assert set(PAGE_SECTIONS.values()) <= anchors
    pictures = re.findall(r'<img src="([^"]+)"', source)
    assert len(pictures) >= 6
    for picture in pictures:
        assert (handbook_path().parent / picture).is_file(), picture
    lost = next(s for s in read_sections(source) if s.anchor == "losenord")
    assert "återställningsnyckeln" in lost.text and "nyckelfil" in lost.text.casefold()


def test_f1_opens_the_handbook_at_the_page_in_view(window, qtbot):
    window.show_page("lots")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = next(w for w in window.findChildren(HelpWindow) if w.isVisible())
    assert help_window.current == "lotsarenden"
    assert help_window.contents.currentItem().text(0) == "Lotsärenden"
    assert help_window.width() <= 1264 and help_window.height() <= 720
    window.show_page("overview")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert help_window.current == "oversikt"
    # Om is still in the Hjälp menu, without F1.
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [a.text() for a in help_menu.actions()]
    assert "&Handbok" in texts and "&Om Finsam Desktop" in texts
    help_window.close()


def test_search_narrows_the_contents_and_finds_the_words(qtbot):
    help_window = HelpWindow()
    qtbot.addWidget(help_window)
    help_window.show()
    qtbot.keyClicks(help_window.search, "nyckelfil")
    shown = [a for a, item in help_window._items.items() if not item.isHidden()]
    assert "losenord" in shown and "informationsmote" not in shown
    assert help_window.find_next()
    assert help_window.browser.textCursor().selectedText().casefold() == "nyckelfil"
    help_window.search.setText("ordsomintefinns")
    assert "Hittades inte" in help_window.hits.text()
    help_window.search.clear()
    assert all(not item.isHidden() for item in help_window._items.values())


def test_ctrl_w_and_esc_close_a_case_window(screen, qtbot):  # noqa: F811
    qtbot.waitExposed(screen)
    screen.activateWindow()
    help_window = screen.show_help()
    assert help_window.current == "inskrivning"
    help_window.close()
    screen.tabs.setCurrentWidget(screen.closing)
    assert screen.show_help().current == "avslut"
    help_window.close()
    screen.activateWindow()
    screen.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # the fixture closes it
    qtbot.keyClick(screen.tabs, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not screen.isVisible(), timeout=2000)


def test_esc_closes_a_case_window(screen, qtbot):  # noqa: F811
    qtbot.waitExposed(screen)
    screen.activateWindow()
    screen.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # the fixture closes it
    qtbot.keyClick(screen.tabs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not screen.isVisible(), timeout=2000)


def test_the_language_menu_is_exclusive(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    group = window.language_group
    assert group.isExclusive()
    english = next(a for a in group.actions() if a.data() == "en")
    english.trigger()
    assert [a.data() for a in group.actions() if a.isChecked()] == ["en"]
