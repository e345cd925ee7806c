from PySide6.QtCore import QSettings, Qt

from finsam_desktop.ui.main_window import PAGES, MainWindow


def test_navigation_and_shortcuts_reach_every_area(window, qtbot):
    for number, (key, _title, _spec) in enumerate(PAGES, start=1):
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
