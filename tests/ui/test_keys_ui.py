"""The window's ways back and forward with the database key (issue 9 §1, §2, §4)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from finsam_desktop.db import safe_file
from finsam_desktop.db.keys import key_from_recovery_key, sidecar_path
from finsam_desktop.services import signin
from finsam_desktop.ui import login
from finsam_desktop.ui.login import LoginDialog, RecoverDialog, RecoveryKeyDialog
from finsam_desktop.ui.operations import OperationRunner

PASSWORD = "correct horse 42"


def _started(tmp_path):
    started = signin.first_start(tmp_path / "finsam.sqlite", "admin", "Anna", PASSWORD, PASSWORD)
    started.db.close()
    return started


def test_login_without_key_file_offers_the_recovery_key_and_rebuilds_it(tmp_path, qtbot):
    started = _started(tmp_path)
    path = started.db.path
    sidecar_path(path).write_bytes(b"")  # cut off: the old program showed a traceback
    safe_file.previous_path(sidecar_path(path)).unlink(missing_ok=True)
    dialog = LoginDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.forgot.text() == "Öppna med återställningsnyckeln…"
    dialog.username.setText("admin")
    dialog.password.setText(PASSWORD)
    dialog.accept()
    assert "återställningsnyckeln" in dialog.fields.banner.text() and dialog.db is None
    recover = RecoverDialog(path, dialog)
    qtbot.addWidget(recover)
    recover.key.setText(started.recovery_key.lower())
    recover.username.setText("admin")
    recover.password.setText("a-new-password-1")
    recover.repeat.setText("a-new-password-1")
    recover.accept()
    assert recover.recovered.rebuilt
    assert "byggts upp" in recover.outcome_text()
    dialog.password.setText("a-new-password-1")
    dialog.accept()
    assert dialog.user.username == "admin"
    dialog.db.close()


def test_an_unconfirmed_recovery_key_makes_the_admin_print_a_new_one(tmp_path, qtbot, monkeypatch):
    started = _started(tmp_path)  # the recovery key was never confirmed as printed
    db, _admin = signin.log_in(started.db.path, "admin", PASSWORD)
    assert signin.needs_new_recovery_key(db)
    shown = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self.recovery_key))
    login.offer_new_recovery_key(OperationRunner(db))
    assert len(shown) == 1 and key_from_recovery_key(shown[0]) == db.key
    assert not signin.needs_new_recovery_key(db)
    db.close()


def test_change_database_key_button(sign_in, qtbot, monkeypatch):
    from finsam_desktop.ui.pages.admin.accounts import AccountsPage

    ctx = sign_in("demo")
    page = AccountsPage(ctx)
    qtbot.addWidget(page)
    before = ctx.db.key
    shown = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self.recovery_key))
    assert page.change_key_button.text() == "Byt databasnyckel…"
    page.change_key_button.click()
    assert ctx.db.key != before and key_from_recovery_key(shown[0]) == ctx.db.key
    assert page.panel.model.rowCount() == 3  # the page still reads with the new key
    ctx.db.close()
