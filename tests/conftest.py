"""Shared fixtures: a real SQLite database per test, the demo organisation, the window.

With ``FINSAM_TEST_PG_URL`` set (a PostgreSQL server on which the URL's user may create
databases, e.g. ``postgresql://finsam@127.0.0.1:5432/postgres``; ``./dev.sh test`` starts
a throwaway one with scripts/pg_cluster.sh), the ``db`` fixture and ``db_location`` give a
fresh PostgreSQL database per test instead, copied (CREATE DATABASE … TEMPLATE) from one
the migrations built once per run; tests marked ``sqlite_only`` are skipped.
"""

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


PG_URL = os.environ.get("FINSAM_TEST_PG_URL")


def pytest_collection_modifyitems(config, items):
    if not PG_URL:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


class PostgresDatabases:
    """Fresh databases on the test server, each a copy of one migrated template."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from finsam_desktop.db.migrate import open_database
        from finsam_desktop.db.server import engine_url

        self.url = make_url(url)
        self.admin = create_engine(engine_url(url), isolation_level="AUTOCOMMIT")
        self.count = 0
        self.template = f"finsam_template_{os.getpid()}"
        self._run(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._run(f'CREATE DATABASE "{self.template}"')
        open_database(self.location(self.template)).close()

    def _run(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def location(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def new(self, template: str | None = None) -> str:
        """A new database at the current schema (a copy of the template)."""
        self.count += 1
        name = f"finsam_test_{os.getpid()}_{self.count}"
        self._run(f'DROP DATABASE IF EXISTS "{name}"')
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{template or self.template}"')
        return self.location(name)

    def empty(self) -> str:
        """A new database without any table."""
        return self.new(template="template0")

    def connect(self, location: str):
        """A plain psycopg connection (autocommit) to ``location``."""
        from finsam_desktop.db.server import raw_connect

        return raw_connect(location)

    def drop(self, location: str) -> None:
        from sqlalchemy.engine import make_url

        self._run(f'DROP DATABASE IF EXISTS "{make_url(location).database}" WITH (FORCE)')

    def close(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres():
    """The test server's database factory (None when the tests run on SQLite)."""
    if not PG_URL:
        yield None
        return
    databases = PostgresDatabases(PG_URL)
    yield databases
    databases.close()


@pytest.fixture
def db_location(tmp_path: Path, postgres):
    """Where a test's database lives: a new file, or a fresh PostgreSQL database's URL."""
    if postgres is None:
        yield tmp_path / "finsam.sqlite"
        return
    location = postgres.new()
    yield location
    postgres.drop(location)


@pytest.fixture
def db(db_location):
    from finsam_desktop.db.migrate import open_database

    database = open_database(db_location)
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
