"""Shared fixtures: a real SQLite database per test, the demo organisation, the window."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from finsam_desktop.i18n import set_language  # noqa: E402


@pytest.fixture(autouse=True)
def swedish():
    """Tests read what a Swedish user reads."""
    set_language("sv")
    yield
    set_language("sv")


PINNED_DAY = date(2026, 11, 22)


@pytest.fixture
def clock():
    """Pin the program's one clock (domain/clock.py) on PINNED_DAY at noon, for every
    service and screen at once; ``clock.set(day)`` moves it. The system clock is put
    back afterwards."""
    from finsam_desktop.domain.clock import FixedClock, install

    fixed = FixedClock(PINNED_DAY)
    previous = install(fixed)
    yield fixed
    install(previous)


@pytest.fixture
def db(tmp_path: Path):
    from finsam_desktop.db.migrate import open_database

    database = open_database(tmp_path / "finsam.sqlite")
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    """The database with the fictitious demo organisation and 60 persons."""
    from finsam_desktop.services import demo

    demo.fill(db, participants=60)
    return db


def app_context(db, tmp_path: Path):
    """What the window gets: the database, a runner and settings in a file of the test's own."""
    from PySide6.QtCore import QSettings

    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return AppContext(db, OperationRunner(db), settings, demo=True)


@pytest.fixture
def ctx(demo_db, tmp_path, qapp):
    return app_context(demo_db, tmp_path)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """An encrypted demo database with the demo accounts (one per role)."""
    from finsam_desktop.services import demo

    path = tmp_path / "demo.sqlite"
    demo.create_demo_database(path, participants=10, lots=5)
    return path


@pytest.fixture
def sign_in(demo_path, tmp_path, qapp):
    """``sign_in(username)``: an AppContext for that demo account, as after the login."""
    from finsam_desktop.services import signin

    def as_user(username: str):
        db, _user = signin.log_in(demo_path, username, signin.DEMO_PASSWORD)
        return app_context(db, tmp_path)

    return as_user


@pytest.fixture
def window(ctx, qtbot):
    from finsam_desktop.ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def type_text(qtbot):
    """Type any text, å ä ö included, as key events (QTest.keyClicks takes ASCII only)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def type_into(widget, text: str) -> None:
        widget.setFocus()
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                )

    return type_into


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """A test that failed half-way can leave a form with typed text open; pytest-qt then
    closes it, the form may ask (a modal question) and the whole run would hang. Forget
    what was typed before pytest-qt closes the widgets, so a failure stays one failure."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        from finsam_desktop.ui.widgets.forms import FieldForm

        for widget in app.topLevelWidgets():
            for form in widget.findChildren(FieldForm):
                form.dirty = False
    return (yield)
