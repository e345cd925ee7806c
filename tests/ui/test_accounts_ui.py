"""First start, login, roles in the main window, the lock and the accounts page."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from sqlalchemy import select

from finsam_desktop.db.keys import key_from_recovery_key
from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.reports.recovery_key import write_recovery_key_pdf
from finsam_desktop.services import signin
from finsam_desktop.services.access import Role
from finsam_desktop.services.signin import DatabaseState
from finsam_desktop.ui.lock import InactivityLock, Overlay
from finsam_desktop.ui.login import (
    ChangePasswordDialog,
    FirstStartDialog,
    LoginDialog,
    RecoveryKeyDialog,
)
from finsam_desktop.ui.main_window import MainWindow

PASSWORD = "correct horse 42"


def test_first_start_keeps_typed_text_on_error_and_creates_the_admin(tmp_path, qtbot):
    path = tmp_path / "finsam.sqlite"
    dialog = FirstStartDialog(path, DatabaseState.NEW)
    qtbot.addWidget(dialog)
    dialog.username.setText("anna")
    dialog.display_name.setText("Anna Admin")
    dialog.password.setText("kort")
    dialog.repeat.setText("kort")
    dialog.accept()
    assert "minst 10 tecken" in dialog.fields.error_text("password")
    assert dialog.username.text() == "anna" and not path.exists()
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.accept()
    assert dialog.started.user.role is Role.ADMIN
    dialog.started.db.close()
    assert signin.database_state(path) is DatabaseState.ENCRYPTED


def test_recovery_key_must_be_confirmed_and_prints_to_pdf(tmp_path, qtbot):
    dialog = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", tmp_path / "f.sqlite")
    qtbot.addWidget(dialog)
    assert not dialog.continue_button.isEnabled()
    dialog.reject()  # closing without confirming keeps the key on screen
    assert not dialog.kept.isChecked()
    dialog.kept.setChecked(True)
    assert dialog.continue_button.isEnabled()
    pdf = write_recovery_key_pdf(tmp_path / "key.pdf", dialog.recovery_key, tmp_path / "f.sqlite")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567" in text and "kassaskåp" in text


def test_login_dialog_refuses_then_opens(demo_path, qtbot):
    dialog = LoginDialog(demo_path, demo=True)
    qtbot.addWidget(dialog)
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    dialog.username.setText("demo")
    dialog.password.setText("wrong password")
    dialog.accept()
    assert "Fel användarnamn eller lösenord" in dialog.fields.banner.text()
    assert dialog.db is None
    dialog.password.setText(signin.DEMO_PASSWORD)
    dialog.accept()
    assert dialog.user.username == "demo" and dialog.db.user == dialog.user
    dialog.db.close()


def test_statistics_role_sees_only_statistics(sign_in, qtbot):
    ctx = sign_in("statistik")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    shown = [
        window.nav.item(i).text()
        for i in range(window.nav.count())
        if not window.nav.item(i).isHidden()
    ]
    assert shown == ["Statistik"]
    # A shortcut or a remembered page does not open a hidden page either.
    assert window.show_page("participants") is window.page("statistics")
    ctx.db.close()


def test_coordinator_does_not_see_settings_accounts_or_log(sign_in, qtbot):
    ctx = sign_in("samordnare")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    hidden = {
        window.nav.item(i).text()
        for i in range(window.nav.count())
        if window.nav.item(i).isHidden()
    }
    assert hidden == {"Inställningar", "Konton", "Logguppföljning"}
    ctx.db.close()


def test_lock_covers_windows_and_keeps_what_was_typed(sign_in, qtbot):
    ctx = sign_in("demo")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    form = ChangePasswordDialog(ctx, parent=window)
    form.show()
    form.current.setText("half-typed text")
    lock = InactivityLock(ctx, minutes=0.002, parent=window)  # 120 ms for the test
    seen = {}

    def at_lock_screen():
        dialog = lock.dialog
        seen["covered"] = window.findChildren(Overlay) != [] and form.findChildren(Overlay) != []
        seen["title"] = window.windowTitle()
        dialog.password.setText("wrong password")
        dialog.accept()
        seen["message"] = dialog.fields.banner.text()
        dialog.password.setText(signin.DEMO_PASSWORD)
        dialog.accept()

    QTimer.singleShot(300, at_lock_screen)
    qtbot.waitUntil(lambda: "message" in seen, timeout=5000)
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)
    lock.stop()
    QApplication.processEvents()
    assert seen["covered"] and seen["title"] == "Låst — Finsam Desktop"
    assert "Fel användarnamn eller lösenord" in seen["message"]
    assert form.isVisible() and form.current.text() == "half-typed text"
    assert not [o for o in form.findChildren(Overlay) if o.isVisible()]
    with ctx.db.reading() as s:
        actions = list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))
    assert actions[-3:] == ["lock", "unlock_failed", "unlock"]
    form.fields.dirty = False
    form.close()
    ctx.db.close()


def test_accounts_page_creates_resets_and_deactivates(sign_in, demo_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from finsam_desktop.ui.pages.admin.accounts import (
        AccountsPage,
        NewAccountDialog,
        ResetPasswordDialog,
    )

    ctx = sign_in("demo")
    page = AccountsPage(ctx)
    qtbot.addWidget(page)
    assert page.panel.model.rowCount() == 3
    dialog = NewAccountDialog(ctx, page)
    dialog.display_name.setText("Åsa Öberg")
    dialog.username.setText("asa")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.STATISTICS))
    dialog.password.setText("temporary-1234")
    dialog.repeat.setText("temporary-1234")
    dialog.accept()
    assert dialog.result_value.must_change_password
    assert page.panel.model.rowCount() == 4
    user = dialog.result_value
    reset = ResetPasswordDialog(ctx, user, page)
    reset.password.setText("short")
    reset.repeat.setText("short")
    reset.accept()
    assert "minst 10 tecken" in reset.fields.error_text("password")
    model = page.panel.model
    rows = [model.row_at(i) for i in range(model.rowCount())]
    page.panel.view.selectRow([r.id for r in rows].index(user.id))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    shown = []  # the deactivation changes the database key: a new recovery key is shown
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self.recovery_key))
    page.deactivate()
    assert len(shown) == 1 and key_from_recovery_key(shown[0]) == ctx.db.key
    rows = [model.row_at(i) for i in range(model.rowCount())]
    assert next(r for r in rows if r.id == user.id).values[3] == "Inaktiverat"
    ctx.db.close()
    with pytest.raises(signin.SignInRefused):
        signin.log_in(demo_path, "asa", "temporary-1234")


def test_about_reads_the_schema_of_an_encrypted_database(sign_in, qtbot):
    from finsam_desktop.db.migrate import head_revisions
    from finsam_desktop.ui.dialogs.about import AboutDialog

    ctx = sign_in("demo")
    dialog = AboutDialog(ctx)  # opened the file without its key before, and failed
    qtbot.addWidget(dialog)
    shown = [label.text() for label in dialog.findChildren(QLabel)]
    assert "+".join(sorted(head_revisions())) in shown
    ctx.db.close()


def test_an_accounts_insatser_are_ticked_on_the_konton_page_and_saved(sign_in, qtbot):
    """The insatser an account works in (on a server a coordinator reaches only theirs)."""
    from PySide6.QtCore import Qt

    from finsam_desktop.services import accounts
    from finsam_desktop.ui.pages.admin.accounts import EditAccountDialog, NewAccountDialog

    ctx = sign_in("demo")
    new = NewAccountDialog(ctx)
    qtbot.addWidget(new)
    new.display_name.setText("Åsa Öberg")
    new.username.setText("asa")
    new.password.setText("temporary-1234")
    new.repeat.setText("temporary-1234")
    first = new.insatser.item(0)
    assert new.insatser.count() >= 2
    first.setCheckState(Qt.CheckState.Checked)
    new.accept()
    user = new.result_value
    insats_ids = [new.insatser.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)]
    assert ctx.runner.read(accounts.insatser_of, user.id) == [insats_ids[0]]
    edit = EditAccountDialog(ctx, ctx.runner.read(accounts.get_user, user.id))
    qtbot.addWidget(edit)
    shown = {
        edit.insatser.item(i).data(Qt.ItemDataRole.UserRole): edit.insatser.item(i).checkState()
        for i in range(edit.insatser.count())
    }
    assert shown[insats_ids[0]] == Qt.CheckState.Checked
    assert shown[insats_ids[1]] == Qt.CheckState.Unchecked
    edit.insatser.set_checked([insats_ids[1]])
    edit.accept()
    assert ctx.runner.read(accounts.insatser_of, user.id) == [insats_ids[1]]
    ctx.db.close()
