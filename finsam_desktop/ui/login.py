"""The doors into the program: first start, login, recovery key, new password.

No Session is held here: the dialogs call ``services.signin`` with the database path
(there is no open database before the login) and, once it is open, an
OperationRunner on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop import APP_NAME, program_title
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.paths import is_server, location
from finsam_desktop.services import signin
from finsam_desktop.services.signin import DatabaseState, KeyFileMissing, SignInRefused
from finsam_desktop.ui.widgets.forms import (
    BusyCursor,
    FieldForm,
    FormDialog,
    confirm,
    enter_presses,
    line,
)

# The login is painted before SQLAlchemy and the services are imported (a third of a
# second on a slow PC): what opens the database is imported when it is used, and the
# rest is imported while the user types (``warm_up``; tests/test_startup.py checks).
if TYPE_CHECKING:
    from finsam_desktop.services.access import User
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner

INFO_STYLE = "background: #e8f1fb; color: #14365d; padding: 8px; border-radius: 4px;"
KEY_STYLE = "font-size: 16pt; padding: 12px; border: 2px dashed #14365d; background: white;"


def password_field() -> QLineEdit:
    edit = line("", 200)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def info_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(INFO_STYLE)
    return label


def _open_problem(exc: BaseException) -> str:
    from finsam_desktop.db.migrate import DatabaseTooNew, NotAFinsamDatabase

    if isinstance(exc, DatabaseTooNew | NotAFinsamDatabase | KeyFileMissing):
        return str(exc)
    return _("The database could not be opened: the folder is missing or read-only.")


class _Door(QDialog):
    """A dialog with a FieldForm, an OK button named ``ok_text`` and Quit.

    ``painted`` is emitted once, just after the dialog is first on the screen."""

    painted = Signal()

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._painted = False
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.outer = QVBoxLayout(self)
        self.fields = FieldForm()
        self.outer.addWidget(self.fields)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.quit_button = self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.outer.addStretch(1)
        self.outer.addWidget(self.buttons)

    def showEvent(self, event) -> None:
        enter_presses(self, self.ok_button)
        super().showEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.painted.emit)  # once this paint is on the screen

    def accept(self) -> None:
        """Runs the subclass's ``attempt()``; problems stay in the dialog."""
        from finsam_desktop.db.migrate import DatabaseTooNew, NotAFinsamDatabase

        self.fields.clear_problems()
        try:
            with BusyCursor():
                ok = self.attempt()
        except ValidationError as exc:
            self.show_problems(_("Check the marked fields."), exc.problems)
            return
        except SignInRefused as exc:
            self.show_problems(exc.message, {})
            return
        except (DatabaseTooNew, NotAFinsamDatabase, KeyFileMissing, OSError) as exc:
            self.show_problems(_open_problem(exc), {})
            return
        if ok:
            super().accept()

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        self.fields.show_problems(message, problems)
        # Messages add lines: grow so that no field is squeezed.
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


class FirstStartDialog(_Door):
    """Create the first administrator; the database is created (or converted) encrypted."""

    def __init__(self, path: Path, state: DatabaseState, parent: QWidget | None = None):
        super().__init__(program_title(_("Welcome")), _("Create account"), parent)
        self.path = location(path)
        self.started: signin.Started | None = None
        self.plain = state is DatabaseState.PLAIN
        if self.plain:
            text = _(
                "This database is not encrypted yet. Create the administrator's account: the "
                "database will then be encrypted so that only people with an account can read "
                "it. An encrypted copy of it is first saved in the folder “backups”."
            )
        else:
            text = _(
                "This is the first start. Create the administrator's account. The "
                "administrator creates accounts for the others, chooses their roles and "
                "reviews the access log. Everyone has an account of their own."
            )
        self.outer.insertWidget(0, info_label(text))
        self.username = self.fields.add_field("username", _("Username"), line("", 64))
        self.display_name = self.fields.add_field("display_name", _("Your name"), line())
        self.password = self.fields.add_field("password", _("Password"), password_field())
        self.repeat = self.fields.add_field("repeat", _("Repeat the password"), password_field())
        from finsam_desktop.services import accounts

        hint = QLabel(
            _("At least {n} characters. A sentence of a few words is easy to remember.").format(
                n=accounts.MIN_PASSWORD_LENGTH
            )
        )
        hint.setWordWrap(True)
        self.fields.layout_form.addRow("", hint)
        self.username.setFocus()

    def attempt(self) -> bool:
        from finsam_desktop.ui.widgets.busy import wait_for

        if self.plain:
            text = _(
                "The database is being encrypted and an encrypted copy saved in “backups”. "
                "A large database takes a few minutes."
            )
        else:
            text = _("The database is being created…")
        self.started = wait_for(
            self,
            text,
            signin.first_start,
            self.path,
            self.username.text(),
            self.display_name.text(),
            self.password.text(),
            self.repeat.text(),
        )
        return True


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key once, with Print and Save as PDF; Continue needs a tick."""

    def __init__(self, recovery_key: str, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.recovery_key = recovery_key
        self.db_path = Path(db_path)
        self.setWindowTitle(_("Recovery key"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.addWidget(
            info_label(
                _(
                    "This is the database's recovery key. It is shown only now. If every "
                    "administrator forgets the password, the key is the only way to open "
                    "the database. Print it (or save it as a PDF and print that), and keep "
                    "the paper in a safe, not next to the computer."
                )
            )
        )
        self.key_label = QLabel(recovery_key)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.key_label.setFont(font)
        self.key_label.setStyleSheet(KEY_STYLE)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key_label)
        row = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_key)
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.kept = QCheckBox(_("I have printed the recovery key and will keep it in a safe"))
        layout.addWidget(self.kept)
        self.buttons = QDialogButtonBox()
        self.continue_button = self.buttons.addButton(
            _("Continue"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setEnabled(False)
        self.kept.toggled.connect(self.continue_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)

    def print_key(self) -> None:
        """The same one-page PDF as "Save as PDF", sent to the printer as vector pages."""
        from finsam_desktop.reports.recovery_key import recovery_key_pdf
        from finsam_desktop.ui.widgets.pdf_view import print_pdf

        try:
            print_pdf(recovery_key_pdf(self.recovery_key, self.db_path), self, _("Recovery key"))
        except OSError as exc:
            QMessageBox.warning(self, _("Recovery key"), str(exc))

    def save_pdf(self) -> None:
        from finsam_desktop.reports.recovery_key import write_recovery_key_pdf

        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), str(Path.home() / "finsam-recovery-key.pdf"), "PDF (*.pdf)"
        )
        if name:
            write_recovery_key_pdf(Path(name), self.recovery_key, self.db_path)

    def reject(self) -> None:
        # Closing without confirming would lose the only copy of the key.
        if self.kept.isChecked():
            super().reject()


class LoginDialog(_Door):
    """Username and password open the database. ``db`` and ``user`` after success."""

    def __init__(self, path: Path, parent: QWidget | None = None, demo: bool = False):
        super().__init__(program_title(_("Log in")), _("Log in"), parent)
        self.path = location(path)
        self.db = None
        self.user: User | None = None
        if demo:
            self.outer.insertWidget(
                0,
                info_label(
                    _("Demo database: log in as “{user}” with the password “{password}”.").format(
                        user=signin.DEMO_USERNAME, password=signin.DEMO_PASSWORD
                    )
                ),
            )
        self.key_problem = signin.key_file_problem(self.path)
        if self.key_problem:
            # The key file is missing or damaged: no password can work; say so first.
            self.outer.insertWidget(0, info_label(self.key_problem))
        self.username = self.fields.add_field("username", _("Username"), line("", 64))
        self.password = self.fields.add_field("password", _("Password"), password_field())
        self.forgot = QPushButton(
            _("Open with the recovery key…")
            if self.key_problem
            else _("Forgot the password? Use the recovery key…")
        )
        self.forgot.setFlat(True)
        self.forgot.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot.clicked.connect(self.recover)
        self.forgot.setVisible(not is_server(self.path))  # a server has no recovery key
        self.outer.insertWidget(self.outer.count() - 1, self.forgot)
        self.username.setFocus()

    def attempt(self) -> bool:
        self.db, self.user = signin.log_in(self.path, self.username.text(), self.password.text())
        self.password.clear()
        return True

    def recover(self) -> None:
        dialog = RecoverDialog(self.path, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.username.setText(dialog.username.text())
            self.password.setFocus()
            self.show_problems(dialog.outcome_text(), {})


class RecoverDialog(_Door):
    """The recovery key opens the database to give an administrator a new password."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(_("Use the recovery key"), _("Set the new password"), parent)
        self.quit_button.setText(_("Cancel"))
        self.path = Path(path)
        self.outer.insertWidget(
            0,
            info_label(
                _(
                    "Type the recovery key from the paper kept in the safe, the username of "
                    "an administrator and a new password for that account."
                )
            ),
        )
        self.key = self.fields.add_field("key", _("Recovery key"), line("", 60))
        self.key.setPlaceholderText("••••-••••-••••-••••-••••-••••-••••-••••")
        self.username = self.fields.add_field("username", _("Administrator"), line("", 64))
        self.password = self.fields.add_field("password", _("New password"), password_field())
        self.repeat = self.fields.add_field("repeat", _("Repeat the password"), password_field())

        self.recovered: signin.Recovered | None = None

    def attempt(self) -> bool:
        # Also works with the key file missing or damaged: it is then rebuilt.
        self.recovered = signin.recover_with_recovery_key(
            self.path,
            self.key.text(),
            self.username.text(),
            self.password.text(),
            self.repeat.text(),
        )
        return True

    def outcome_text(self) -> str:
        lines = []
        if self.recovered is not None and self.recovered.rebuilt:
            lines.append(_("The key file was rebuilt from the recovery key."))
        lines.append(_("The new password is set. Log in with it."))
        if self.recovered is not None and self.recovered.need_new_password:
            lines.append(
                _(
                    "These accounts need a temporary password from the administrator "
                    "(Accounts page, “New password…”): {names}"
                ).format(names=", ".join(self.recovered.need_new_password))
            )
        return "\n".join(lines)


class ChangePasswordDialog(FormDialog):
    """The signed-in user's own password; ``forced`` after an administrator's reset."""

    def __init__(self, ctx: AppContext, forced: bool = False, parent: QWidget | None = None):
        super().__init__(_("Change password"), parent)
        self.ctx = ctx
        if forced:
            self.body.insertWidget(
                0,
                info_label(
                    _(
                        "An administrator has given you a temporary password. Choose a new "
                        "password of your own before you continue."
                    )
                ),
            )
        self.current = self.add_field("current", _("Current password"), password_field())
        self.password = self.add_field("password", _("New password"), password_field())
        self.repeat = self.add_field("repeat", _("Repeat the password"), password_field())

    def save(self):
        from finsam_desktop.services import accounts

        with BusyCursor():
            user = self.ctx.runner.run(
                accounts.change_own_password,
                self.current.text(),
                self.password.text(),
                self.repeat.text(),
            )
        self.ctx.runner.user = user
        return user


def sign_in_or_quit(
    path: Path, demo: bool = False, warm_up_next: Callable[[], None] | None = None
) -> tuple | None:
    """Run the first-start or the login dialog; (db, user) or None when the user quits.
    ``warm_up_next`` runs while the user types the password (see ``warm_up``)."""
    try:
        state = signin.database_state(path)
    except KeyFileMissing as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return None
    if state in (DatabaseState.ENCRYPTED, DatabaseState.SERVER):
        login = LoginDialog(path, demo=demo)
        login.painted.connect(lambda: warm_up(warm_up_next))
        if login.exec() != QDialog.DialogCode.Accepted:
            return None
        from finsam_desktop.services.access import Permission
        from finsam_desktop.ui.operations import OperationRunner

        if login.user.may(Permission.ADMINISTER) and signin.needs_new_recovery_key(login.db):
            offer_new_recovery_key(OperationRunner(login.db))
        return login.db, login.user
    first = FirstStartDialog(path, state)
    if first.exec() != QDialog.DialogCode.Accepted or first.started is None:
        return None
    if first.started.recovery_key:  # none on a PostgreSQL server
        RecoveryKeyDialog(first.started.recovery_key, path).exec()
        QGuiApplication.clipboard().clear()
        signin.recovery_key_shown(first.started.db)
    if first.started.plain_copies:
        QMessageBox.warning(
            None,
            APP_NAME,
            ngettext(
                "The database is now encrypted. {n} older copy of it in the folder {folder} "
                "is not encrypted and can be read by anyone who gets hold of it. Delete it "
                "when you have checked that the program works.",
                "The database is now encrypted. {n} older copies of it in the folder {folder} "
                "are not encrypted and can be read by anyone who gets hold of them. Delete "
                "them when you have checked that the program works.",
                len(first.started.plain_copies),
            ).format(
                n=format_number(len(first.started.plain_copies)),
                folder=first.started.plain_copies[0].parent,
            ),
        )
    return first.started.db, first.started.user


def show_new_recovery_key(runner: OperationRunner, new_key, parent: QWidget | None = None) -> None:
    """After a change of key: the new recovery key, once; confirmed in the key file."""
    from finsam_desktop.services import database_key

    RecoveryKeyDialog(new_key.recovery_key, runner.db.path, parent).exec()
    QGuiApplication.clipboard().clear()
    runner.run_on_database(database_key.recovery_key_printed)
    if new_key.need_new_password:
        QMessageBox.information(
            parent,
            APP_NAME,
            _(
                "These accounts need a temporary password from the administrator "
                "(Accounts page, “New password…”): {names}"
            ).format(names=", ".join(new_key.need_new_password)),
        )


def change_key_and_show(runner: OperationRunner, parent: QWidget | None = None) -> bool:
    """ "Byt databasnyckel": re-key and show the new recovery key. False on trouble."""
    from finsam_desktop.services import database_key
    from finsam_desktop.ui.operations import OperationFailed

    try:
        with BusyCursor():
            new_key = runner.run_on_database(database_key.change_database_key)
    except OperationFailed as exc:
        QMessageBox.warning(parent, APP_NAME, exc.message)
        return False
    show_new_recovery_key(runner, new_key, parent)
    return True


def offer_new_recovery_key(runner: OperationRunner, parent: QWidget | None = None) -> None:
    """The database's key has no confirmed printed recovery key (a first start or a
    change of key was interrupted, or the database is from before keys were derived
    from the recovery key): the administrator is asked to make a new one now."""
    answer = confirm(
        parent,
        APP_NAME,
        _(
            "No printed recovery key is confirmed for this database's key (the program "
            "was perhaps closed before it was shown). Without it nobody can open the "
            "database if the key file is lost. Change the database key and print a new "
            "recovery key now?"
        ),
    )
    if answer:
        change_key_and_show(runner, parent)


def warm_up(then: Callable[[], None] | None = None) -> None:
    """What opening the database needs, imported once the login is on the screen, while
    the user types the password; ``then`` imports what the program shows next (app.py
    names the main window), so "Log in" opens the window at once. (Keys typed meanwhile
    wait in the event queue; none is lost.)"""
    signin.prepare()
    if then is not None:
        then()
