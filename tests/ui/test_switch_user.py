"""A shared PC: "Byt användare" on the lock screen keeps the locked user's open forms as
their drafts, ends their session, and the drafts come back to their owner only."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.services import drafts, signin
from finsam_desktop.ui import lock as lock_module
from finsam_desktop.ui.lock import SWITCH_USER_EXIT, InactivityLock
from finsam_desktop.ui.login import ChangePasswordDialog
from finsam_desktop.ui.main_window import MainWindow
from finsam_desktop.ui.pages.lots.case_form import LotsCaseDialog


def test_switch_user_keeps_open_work_for_its_owner_only(sign_in, qtbot, monkeypatch):
    exits = []
    monkeypatch.setattr(lock_module.QApplication, "exit", lambda code=0: exits.append(code))
    first = sign_in("samordnare")
    window = MainWindow(first)
    qtbot.addWidget(window)
    window.show()
    form = LotsCaseDialog(first, parent=window)
    form.show()
    qtbot.keyClicks(form.officer, "AF-77")
    qtbot.keyClicks(form.reference, "ref Ö1")
    form.individual.setChecked(True)
    password = ChangePasswordDialog(first, parent=window)  # a password is never kept
    password.show()
    password.current.setText("half-typed password")
    lock = InactivityLock(first, minutes=0.002, parent=window)  # 120 ms for the test
    seen = {}

    def at_lock_screen():
        dialog = lock.dialog
        seen["button"] = dialog.switch_button.text()
        dialog.switch_button.click()

    QTimer.singleShot(300, at_lock_screen)
    qtbot.waitUntil(lambda: bool(exits), timeout=5000)
    lock.stop()
    QApplication.processEvents()
    assert seen["button"] == "Byt användare"
    assert exits == [SWITCH_USER_EXIT] and lock.switch_requested
    assert not form.isVisible() and not password.isVisible()  # closed without asking
    with first.db.reading() as s:
        mine = drafts.my_drafts(s)
        assert [kind for kind, *_ in mine] == ["form:LotsCaseDialog"]
        payload = str(drafts.load_draft(s, "form:LotsCaseDialog", ""))
        assert "half-typed password" not in payload
        assert list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))[-1] == "lock"
    first.db.close()

    # The next coordinator signs in: nothing of the first one's shows.
    second = sign_in("demo")
    other = LotsCaseDialog(second)
    qtbot.addWidget(other)
    other.show()
    assert other.officer.text() == "" and not other.fields.dirty
    with second.db.reading() as s:
        assert drafts.my_drafts(s) == []
    other.close()
    second.db.close()

    # The owner signs in again and opens the form: what was typed is back.
    again = sign_in("samordnare")
    back = LotsCaseDialog(again)
    qtbot.addWidget(back)
    back.show()
    assert back.officer.text() == "AF-77" and back.reference.text() == "ref Ö1"
    assert back.individual.isChecked() and back.fields.dirty
    assert "tillbaka" in back.banner.text()
    back.fields.dirty = False
    back.reject()  # discarding the form discards the draft
    with again.db.reading() as s:
        assert drafts.my_drafts(s) == []
    again.db.close()


def test_ctrl_l_locks_from_inside_an_open_form(sign_in, qtbot):
    """The coordinator leaving the shared PC presses Ctrl+L with a form open: the main
    window's own shortcut would not reach past the modal form, the lock's filter does."""
    from PySide6.QtCore import Qt

    ctx = sign_in("samordnare")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    form = LotsCaseDialog(ctx, parent=window)
    form.open()  # window-modal, as the program opens it
    lock = InactivityLock(ctx, minutes=60, parent=window)
    seen = {}

    def at_lock_screen():
        from PySide6.QtWidgets import QLabel

        seen["locked"] = lock.locked and lock.dialog is not None
        seen["text"] = " ".join(label.text() for label in lock.dialog.findChildren(QLabel))
        lock.dialog.password.setText(signin.DEMO_PASSWORD)  # unlock, as the user would
        lock.dialog.accept()

    QTimer.singleShot(200, at_lock_screen)
    qtbot.keyClick(form.officer, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "locked" in seen, timeout=5000)
    lock.stop()
    assert seen["locked"]
    assert "Programmet är låst." in seen["text"] and "en stund" not in seen["text"]
    assert form.officer.text() == ""  # the key was the lock's, not typed into the field
    form.fields.dirty = False
    form.reject()
    ctx.db.close()
