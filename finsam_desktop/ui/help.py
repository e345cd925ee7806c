"""The handbook in the program: F1 opens it at the section for the page in view.

The handbook is Swedish HTML shipped in the package, ``finsam_desktop/resources/help/``
(beside ``resources/fonts``, found through importlib.resources the same way in a source
tree, an installed wheel and the PyInstaller bundle), with screenshots
made by ``scripts/screens.py``. The window shows a table of contents built from the
handbook's headings, a search that narrows the contents to the sections holding the
words and jumps from one hit to the next, and the text itself.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.paths import package_data

HELP_DIRS = (package_data("resources", "help"),)
HANDBOOK = "handbok.html"

# The handbook section for each page of the main window (ui/main_window.py PAGES) and
# each tab of the case window.
PAGE_SECTIONS = {
    "overview": "oversikt",
    "referrals": "remiss",
    "participants": "deltagare",
    "lots": "lotsarenden",
    "krans": "lokal-samverkan",
    "statistics": "rapporter",
    "settings": "installningar",
    "accounts": "konton",
    "access_log": "loggen",
    "case": "inskrivning",
    "case/timeline": "inskrivning",
    "case/mapping": "kartlaggning",
    "case/plan": "handlingsplan",
    "case/insatser": "handlingsplan",
    "case/contacts": "uppfoljning",
    "case/closing": "avslut",
}

_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Section:
    anchor: str
    title: str
    level: int
    text: str  # plain text, for searching


def handbook_path() -> Path:
    for folder in HELP_DIRS:
        candidate = folder / HANDBOOK
        if candidate.exists():
            return candidate
    raise FileNotFoundError(HANDBOOK)


def read_sections(source: str) -> list[Section]:
    """The handbook's h2/h3 sections in order, each with its plain text."""
    headings = list(_HEADING.finditer(source))
    out = []
    for i, m in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(source)
        body = html.unescape(_TAG.sub(" ", source[m.start() : end]))
        title = html.unescape(_TAG.sub("", m.group(3))).strip()
        out.append(Section(m.group(2), title, int(m.group(1)), " ".join(body.split())))
    return out


class HelpWindow(QDialog):
    """Contents and search on the left, the handbook on the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Handbook"))
        self.setModal(False)
        path = handbook_path()
        self.sections = read_sections(path.read_text(encoding="utf-8"))

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search the handbook"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.find_next)
        self.hits = QLabel()
        self.contents = QTreeWidget()
        self.contents.setHeaderHidden(True)
        self.contents.itemActivated.connect(self._open_item)
        self.contents.itemClicked.connect(self._open_item)
        self._items: dict[str, QTreeWidgetItem] = {}
        parent_item = None
        for section in self.sections:
            if section.level == 3 and parent_item is not None:
                item = QTreeWidgetItem(parent_item, [section.title])
            else:
                item = QTreeWidgetItem(self.contents, [section.title])
                parent_item = item
            item.setData(0, 256, section.anchor)
            self._items[section.anchor] = item
        self.contents.expandAll()

        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(path)))

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        ll.addWidget(self.hits)
        ll.addWidget(self.contents, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 740])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.FindNext, self, activated=self.find_next)
        self.resize(1000, 680)
        self.current = ""

    def show_section(self, anchor: str) -> None:
        """Scroll to ``anchor`` and mark it in the contents (the start when unknown)."""
        if anchor not in self._items:
            anchor = self.sections[0].anchor if self.sections else ""
        self.current = anchor
        self.browser.scrollToAnchor(anchor)
        item = self._items.get(anchor)
        if item is not None:
            self.contents.setCurrentItem(item)

    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.show_section(item.data(0, 256))

    def matching(self, words: str) -> list[Section]:
        needles = words.casefold().split()
        return [
            s
            for s in self.sections
            if all(n in (s.title + " " + s.text).casefold() for n in needles)
        ]

    def _filter(self, words: str) -> None:
        found = {s.anchor for s in self.matching(words)} if words.strip() else None
        for anchor, item in self._items.items():
            children = {item.child(i).data(0, 256) for i in range(item.childCount())}
            # A chapter stays when one of its sub-sections holds the words.
            shown = found is None or anchor in found or bool(children & found)
            item.setHidden(not shown)
        if found is None:
            self.hits.clear()
        elif found:
            self.hits.setText(
                ngettext(
                    "Found in {n} section; Enter goes to the next place.",
                    "Found in {n} sections; Enter goes to the next place.",
                    len(found),
                ).format(n=format_number(len(found)))
            )
        else:
            self.hits.setText(_("Not found in the handbook."))

    def find_next(self) -> bool:
        """Select the next place the search words stand (from the top after the last)."""
        words = self.search.text().strip()
        if not words:
            return False
        if self.browser.find(words):
            return True
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(words, QTextDocument.FindFlag(0))


_window: HelpWindow | None = None


def open_help(parent: QWidget | None, section: str) -> HelpWindow:
    """Show the handbook at ``section`` (a page key of PAGE_SECTIONS or an anchor);
    one help window for the program, brought to the front when already open."""
    global _window
    owner = parent.window() if parent is not None else None
    try:
        # An open handbook is brought forward; a closed one is reused by its own window
        # (a handbook left from a window closed since then is not).
        reuse = _window is not None and (_window.isVisible() or _window.parent() is owner)
    except RuntimeError:  # deleted with its parent
        reuse = False
    if not reuse:
        _window = HelpWindow(owner)
    _window.show()
    _window.raise_()
    _window.activateWindow()
    _window.show_section(PAGE_SECTIONS.get(section, section))
    return _window
