"""Long work beside the window: the window keeps running its events and says what it
waits for, and the result or the error comes back as from a direct call."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from finsam_desktop.db.migrate import is_plain_sqlite, open_database
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import signin
from finsam_desktop.services.signin import DatabaseState
from finsam_desktop.ui.login import FirstStartDialog
from finsam_desktop.ui.widgets.busy import WaitDialog, wait_for

PASSWORD = "correct horse 42"


def shown_wait_dialogs() -> list[WaitDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, WaitDialog) and w.isVisible()
    ]


def test_the_window_runs_its_events_while_the_work_goes_on(qtbot):
    """The work waits for something only the window's thread can do (a timer): were it
    run in the window's thread, it would wait ten seconds and return False."""
    release = threading.Event()
    seen: list[str] = []

    def in_the_window():
        seen.extend(d.label.text() for d in shown_wait_dialogs())
        release.set()

    QTimer.singleShot(0, in_the_window)
    assert wait_for(None, "Databasen krypteras", lambda: release.wait(10) and 42) == 42
    assert seen == ["Databasen krypteras"]
    assert not shown_wait_dialogs()

    def refused():
        raise ValidationError.single("username", "Upptaget")

    with pytest.raises(ValidationError) as caught:
        wait_for(None, "x", refused)
    assert caught.value.problems == {"username": "Upptaget"}
    assert not shown_wait_dialogs()


def test_the_wait_can_not_be_closed_half_way(qtbot):
    dialog = WaitDialog("Databasen krypteras")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()


def test_converting_a_plain_database_says_so_while_it_works(tmp_path, qtbot, monkeypatch):
    path = tmp_path / "finsam.sqlite"
    open_database(path).close()
    assert signin.database_state(path) is DatabaseState.PLAIN
    release = threading.Event()
    converting = signin.first_start

    def after_release(*args):
        assert release.wait(10)
        return converting(*args)

    monkeypatch.setattr(signin, "first_start", after_release)
    seen: list[str] = []

    def in_the_window():
        seen.extend(d.label.text() for d in shown_wait_dialogs())
        release.set()

    dialog = FirstStartDialog(path, DatabaseState.PLAIN)
    qtbot.addWidget(dialog)
    dialog.username.setText("anna")
    dialog.display_name.setText("Anna Admin")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    QTimer.singleShot(0, in_the_window)
    dialog.accept()
    assert len(seen) == 1 and "krypteras" in seen[0], seen
    dialog.started.db.close()
    assert not is_plain_sqlite(path)
    assert signin.database_state(path) is DatabaseState.ENCRYPTED
