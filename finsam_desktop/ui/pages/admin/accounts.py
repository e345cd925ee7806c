"""Konton: who may sign in, with which role; new accounts, password resets, deactivation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop import APP_NAME
from finsam_desktop.domain.changes import Change
from finsam_desktop.i18n import _
from finsam_desktop.services import accounts, database_key, organisation
from finsam_desktop.services.access import Role, User
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.login import (
    BusyCursor,
    change_key_and_show,
    password_field,
    show_new_recovery_key,
)
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.lots.case_form import OutcomeList
from finsam_desktop.ui.widgets.forms import FormDialog, choice, confirm, line
from finsam_desktop.ui.widgets.list_panel import ListPanel


def role_choice(current: Role = Role.COORDINATOR):
    return choice([(r.label, r) for r in Role], current)


def role_help() -> str:
    return _(
        "Administrator: settings, accounts, access log, gallring and case work. "
        "Coordinator: the team's case work and statistics. "
        "Statistics: reports and exports only, never a name or a personnummer."
    )


def insats_help() -> str:
    return _(
        "The insatser the person works in. In a database on a PostgreSQL server a "
        "coordinator reaches only the persons and cases of these insatser; in a database "
        "file the whole team sees everything."
    )


def insats_checklist(ctx: AppContext, chosen: list[int]) -> OutcomeList:
    """Every active insats (and a retired one still chosen) with a tick box."""
    insatser = ctx.runner.read(organisation.list_insatser, True)
    return OutcomeList([(i.name, i.id) for i in insatser if i.active or i.id in chosen], chosen)


def add_insatser(dialog: FormDialog, ctx: AppContext, chosen: list[int]) -> OutcomeList:
    checklist = dialog.add_field("insatser", _("Insatser"), insats_checklist(ctx, chosen))
    help_label = QLabel(insats_help())
    help_label.setWordWrap(True)
    dialog.fields.layout_form.addRow("", help_label)
    return checklist


class NewAccountDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(_("New account"), parent)
        self.ctx = ctx
        self.display_name = self.add_field("display_name", _("Name"), line())
        self.username = self.add_field("username", _("Username"), line("", 64))
        self.role = self.add_field("role", _("Role"), role_choice())
        help_label = QLabel(role_help())
        help_label.setWordWrap(True)
        self.fields.layout_form.addRow("", help_label)
        self.insatser = add_insatser(self, ctx, [])
        self.password = self.add_field("password", _("Temporary password"), password_field())
        self.repeat = self.add_field("repeat", _("Repeat the password"), password_field())

    def save(self) -> User:
        with BusyCursor():
            # The person chooses a password of his own at the first login.
            user = self.ctx.runner.run(
                accounts.create_user,
                self.username.text(),
                self.display_name.text(),
                self.role.currentData(),
                self.password.text(),
                self.repeat.text(),
                True,
            )
            if self.insatser.checked():
                self.ctx.runner.run(accounts.set_insatser, user.id, self.insatser.checked(), [])
            return user


class EditAccountDialog(FormDialog):
    """Name and role of an account."""

    def __init__(self, ctx: AppContext, user: User, parent=None):
        super().__init__(_("Account {username}").format(username=user.username), parent)
        self.ctx, self.user = ctx, user
        self.display_name = self.add_field("display_name", _("Name"), line(user.display_name))
        self.role = self.add_field("role", _("Role"), role_choice(Role(user.role)))
        help_label = QLabel(role_help())
        help_label.setWordWrap(True)
        self.fields.layout_form.addRow("", help_label)
        self.chosen = ctx.runner.read(accounts.insatser_of, user.id)
        self.insatser = add_insatser(self, ctx, self.chosen)

    def save(self) -> User:
        user = self.user
        if sorted(self.insatser.checked()) != self.chosen:
            self.ctx.runner.run(
                accounts.set_insatser, user.id, self.insatser.checked(), self.chosen
            )
        if self.display_name.text().strip() != user.display_name:
            user = self.ctx.runner.run(
                accounts.set_display_name, user.id, self.display_name.text(), user.version
            )
        if self.role.currentData() != Role(user.role):
            user = self.ctx.runner.run(
                accounts.set_role, user.id, self.role.currentData(), user.version
            )
        return user


class ResetPasswordDialog(FormDialog):
    def __init__(self, ctx: AppContext, user: User, parent=None):
        super().__init__(_("New password for {name}").format(name=user.display_name), parent)
        self.ctx, self.user = ctx, user
        text = QLabel(
            _(
                "Give the person a temporary password, preferably in person. They choose a "
                "new password of their own at the next login. The reset is logged."
            )
        )
        text.setWordWrap(True)
        self.body.insertWidget(0, text)
        self.password = self.add_field("password", _("Temporary password"), password_field())
        self.repeat = self.add_field("repeat", _("Repeat the password"), password_field())

    def save(self) -> User:
        with BusyCursor():
            return self.ctx.runner.run(
                accounts.reset_password,
                self.user.id,
                self.password.text(),
                self.repeat.text(),
            )


class AccountsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.panel = ListPanel(
            accounts.user_list(ctx.db), self.new_account, self.edit_account, _("New account…")
        )
        layout.addWidget(self.panel, 1)
        row = QHBoxLayout()
        self.reset_button = QPushButton(_("New password…"))
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button = QPushButton(_("Deactivate"))
        self.deactivate_button.clicked.connect(self.deactivate)
        self.change_key_button = QPushButton(_("Change database key…"))
        self.change_key_button.clicked.connect(self.change_key)
        row.addWidget(self.reset_button)
        row.addWidget(self.deactivate_button)
        row.addWidget(self.change_key_button)
        row.addStretch(1)
        row.addWidget(QLabel(_("Lock the program after this many minutes without use:")))
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 120)
        self.lock_minutes.setKeyboardTracking(False)  # typing "15" must not save 1 first
        self.lock_minutes.setValue(ctx.runner.read(accounts.lock_minutes))
        self.lock_minutes.valueChanged.connect(self.set_lock_minutes)
        row.addWidget(self.lock_minutes)
        layout.addLayout(row)
        self.note = QLabel(
            _(
                "Accounts are never removed, because the access log names them: a person who "
                "leaves is deactivated and can no longer open the database."
            )
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        ctx.runner.changed.connect(self._changed)

    def _changed(self, kinds: frozenset) -> None:
        if Change.USERS in kinds:
            self.panel.refresh()

    def _selected(self) -> User | None:
        user_id = self.panel.current_id()
        if user_id is None:
            QMessageBox.information(self, APP_NAME, _("Choose an account in the list first."))
            return None
        return self.ctx.runner.read(accounts.get_user, user_id)

    def new_account(self) -> None:
        NewAccountDialog(self.ctx, self).exec()

    def edit_account(self, user_id: int) -> None:
        EditAccountDialog(self.ctx, self.ctx.runner.read(accounts.get_user, user_id), self).exec()

    def reset_password(self) -> None:
        user = self._selected()
        if user is not None:
            ResetPasswordDialog(self.ctx, user, self).exec()

    def deactivate(self) -> None:
        user = self._selected()
        if user is None:
            return
        if not confirm(
            self,
            APP_NAME,
            _(
                "Deactivate the account of {name}? The person can no longer log in. "
                "A new password reactivates the account."
            ).format(name=user.display_name),
        ):
            return
        try:
            with BusyCursor():
                # The database key changes too: the account's old key opens nothing.
                _user, new_key = self.ctx.runner.run_on_database(database_key.deactivate, user.id)
        except OperationFailed as exc:
            text = "\n".join([exc.message, *exc.problems.values()])
            QMessageBox.warning(self, APP_NAME, text)
            return
        if new_key is not None:
            show_new_recovery_key(self.ctx.runner, new_key, self)

    def change_key(self) -> None:
        answer = confirm(
            self,
            APP_NAME,
            _(
                "Change the database key? The database is encrypted anew and you get a new "
                "recovery key to print; the old one no longer opens it. Old backups keep "
                "their old key and their old recovery key. Everyone keeps their password."
            ),
        )
        if answer:
            change_key_and_show(self.ctx.runner, self)

    def set_lock_minutes(self, minutes: int) -> None:
        self.ctx.runner.run(accounts.set_lock_minutes, minutes)
