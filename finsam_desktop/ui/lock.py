"""Locking the program after inactivity (10 minutes unless the administrator chose
otherwise on the accounts page; the choice is kept in the database).

Nothing is closed or hidden when the program locks: an open form keeps what was being
typed, even a form in the middle of ``exec()`` (hiding a dialog would end its
``exec()``). Instead every open window is covered by an opaque overlay and its title is
replaced, and one application-modal dialog asks for the password. Unlocking removes
the overlays; the user continues where he was.

On a shared PC the lock screen also offers "Byt användare": every open form of the
locked user is kept as that user's draft (services/drafts.py, owner-only), the
session ends (logged as a logout) and the program asks for a sign-in again
(``SWITCH_USER_EXIT`` ends the event loop; app.py signs the next user in). The drafts
come back, filled in, when their owner opens the same form again.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop import APP_NAME, program_title
from finsam_desktop.i18n import _
from finsam_desktop.services import accounts, statistics_extract
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.login import BusyCursor, password_field
from finsam_desktop.ui.widgets.forms import FieldForm, confirm

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
OVERLAY_STYLE = "background: #1f2d3d; color: white; font-size: 18pt;"
SWITCH_USER = 3  # the lock dialog's result for "Byt användare"
SWITCH_USER_EXIT = 75  # the event loop's return code: sign in another user


def lock_minutes(ctx: AppContext) -> int:
    """The administrator's choice, stored in the database (the same on every PC)."""
    return ctx.runner.read(accounts.lock_minutes)


class Overlay(QWidget):
    """Covers one window completely while the program is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(OVERLAY_STYLE)
        layout = QVBoxLayout(self)
        label = QLabel(_("Finsam Desktop is locked"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.parent():
            self.setGeometry(self.parent().rect())
            self.raise_()
        return False


class LockDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, by_hand: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(program_title(_("Locked")))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        user = ctx.runner.user
        why = (
            _("The program is locked.")
            if by_hand
            else _("The program was locked because nobody used it for a while.")
        )
        intro = QLabel(
            why
            + " "
            + _(
                "{name}, type your password to continue where you were, or let someone "
                "else sign in with Switch user."
            ).format(name=user.display_name if user else "")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.fields = FieldForm()
        self.password = self.fields.add_field("password", _("Password"), password_field())
        layout.addWidget(self.fields)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(_("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        self.switch_button = buttons.addButton(
            _("Switch user"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.switch_button.setToolTip(
            _(
                "Keeps what {name} has open as drafts, signs out and lets another user sign in."
            ).format(name=user.display_name if user else "")
        )
        self.switch_button.setAutoDefault(False)
        self.quit_button = buttons.addButton(
            _("Quit the program"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.quit_button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        self.switch_button.clicked.connect(lambda: self.done(SWITCH_USER))
        self.quit_button.clicked.connect(self.quit_program)
        layout.addWidget(buttons)
        self.password.setFocus()

    def accept(self) -> None:
        with BusyCursor():
            attempt = self.ctx.runner.run(accounts.verify_for_unlock, self.password.text())
        self.password.clear()
        if not attempt.ok:
            self.fields.show_problems(attempt.message, {})
            return
        super().accept()

    def reject(self) -> None:
        # Escape and the close button do not unlock: back to the password.
        self.password.setFocus()

    def quit_program(self) -> None:
        if confirm(
            self, APP_NAME, _("Quit Finsam Desktop? What has been typed but not saved is lost.")
        ):
            self.done(2)
            QApplication.exit(0)


LOCK_KEY = "Ctrl+L"


def _is_lock_key(event) -> bool:
    return (
        event.key() == Qt.Key.Key_L
        and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        and not event.modifiers()
        & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    )


class InactivityLock(QObject):
    """Watches the application's input; after ``minutes`` without any, locks.

    ``minutes`` None: the setting (re-read at every timeout, so a change made on the
    accounts page applies at once)."""

    def __init__(
        self, ctx: AppContext, minutes: float | None = None, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.fixed_ms = int(minutes * 60_000) if minutes else None
        self.locked = False
        self.switch_requested = False
        self.dialog: LockDialog | None = None
        self.idle = QElapsedTimer()
        self.idle.start()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.allowed_ms())
        self.timer.timeout.connect(self._timeout)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def allowed_ms(self) -> int:
        return self.fixed_ms or lock_minutes(self.ctx) * 60_000

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.locked:
            return False
        if event.type() == QEvent.Type.KeyPress and _is_lock_key(event):
            # Ctrl+L from any window, an open form included: a shortcut of the main
            # window would not reach it while a form is open (the form is modal).
            QTimer.singleShot(0, lambda: self.lock(by_hand=True))
            return True
        if event.type() in ACTIVITY:
            self.idle.restart()
            self.timer.start()
        return False

    def _timeout(self) -> None:
        allowed = self.allowed_ms()
        self.timer.setInterval(allowed)
        idle = self.idle.elapsed()
        if idle < allowed:
            self.timer.start(allowed - idle)
            self.timer.setInterval(allowed)
            return
        self.lock()

    def lock(self, by_hand: bool = False) -> None:
        """Cover every window and ask for the password (returns once unlocked).
        ``by_hand``: Ctrl+L or the menu, not the inactivity timer."""
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        self.ctx.runner.run(accounts.record_lock)
        statistics_extract.refresh_extract_beside(self.ctx.db)  # while away, not before
        covered = []
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LockDialog):
                covered.append((window, window.windowTitle(), Overlay(window)))
                window.setWindowTitle(program_title(_("Locked")))
        try:
            self.dialog = LockDialog(self.ctx, by_hand=by_hand)
            if self.dialog.exec() == SWITCH_USER:
                self.switch_user()
        finally:
            self.dialog = None
            for window, title, overlay in covered:
                overlay.deleteLater()
                window.setWindowTitle(title)
            self.locked = False
            self.idle.restart()
            self.timer.start(self.allowed_ms())

    def switch_user(self) -> int:
        """Keep every open form of the signed-in user as their draft, close the forms,
        and end the event loop so app.py signs the next user in. Returns how many forms
        were kept."""
        from finsam_desktop.ui.widgets.forms import FormDialog

        kept = 0
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, FormDialog) and widget.isVisible():
                kept += widget.keep_as_draft()
                widget.close_for_user_switch()
        self.switch_requested = True
        QApplication.exit(SWITCH_USER_EXIT)
        return kept

    def stop(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
