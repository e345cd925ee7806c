from PySide6.QtCore import QSettings, Qt

from finsam_desktop.ui.main_window import PAGES, MainWindow


def test_navigation_and_shortcuts_reach_every_area(window, qtbot):
    for number, (key, _title, _load) in enumerate(PAGES, start=1):
        qtbot.keyClick(window, str(number), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.page(key)
        assert window.nav.currentRow() == number - 1


def test_navigation_is_swedish(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [
        "Översikt",
        "Remisser",
        "Deltagare",
        "Lotsärenden",
        "Lokal samverkan",
        "Statistik",
        "Inställningar",
        "Konton",
        "Logguppföljning",
    ]


def test_size_and_page_are_remembered(ctx, qtbot):
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)
    first.show_page("settings")
    first.close()
    ctx.settings = QSettings(ctx.settings.fileName(), QSettings.Format.IniFormat)
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (720, 520)
    assert second.stack.currentWidget() is second.page("settings")


def test_about_shows_where_the_database_is(window, ctx):
    from finsam_desktop.ui.dialogs.about import AboutDialog

    dialog = AboutDialog(ctx, window)
    assert dialog.db_label.text() == str(ctx.db_path)


def test_every_page_and_settings_tab_lives_where_the_readme_says():
    """A page of the navigation is under ui/pages/, the administrator's own pages under
    ui/pages/admin/, and every tab of Inställningar under ui/pages/settings/: the
    registries name the classes by import, so this reads where each really is."""
    from finsam_desktop.ui.pages.settings import SETTINGS_TABS

    pages = {key: load().__module__ for key, _title, load in PAGES}
    assert all(m.startswith("finsam_desktop.ui.pages.") for m in pages.values()), pages
    admin = {key for key, module in pages.items() if ".pages.admin." in module}
    assert admin == {"accounts", "access_log"}
    tabs = {key: load().__module__ for key, _title, load in SETTINGS_TABS}
    assert len(tabs) == 9
    assert all(m.startswith("finsam_desktop.ui.pages.settings.") for m in tabs.values()), tabs


def test_the_registries_import_no_page_until_it_is_shown():
    """Reading PAGES and SETTINGS_TABS imports no page: each is imported when first shown."""
    import subprocess
    import sys

    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "import finsam_desktop.ui.main_window, finsam_desktop.ui.pages.settings;"
        "print(sorted(m for m in sys.modules if m.startswith('finsam_desktop.ui.pages.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['finsam_desktop.ui.pages.settings']"
