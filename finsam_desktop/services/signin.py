"""Opening the database as a person: first start, login, recovery key, demo.

The window and the command line both start here:

- ``database_state(path)``: NEW (no file), PLAIN (an unencrypted file from before
  encryption, or a test database) or ENCRYPTED (an SQLCipher file with its sidecar).
- NEW or PLAIN → ``first_start``: the first administrator is created, a random
  database key and a recovery key are made, a plain file is encrypted in place (after
  an encrypted backup), and the recovery key is returned once, to be printed.
- ENCRYPTED → ``log_in``: the password unwraps the key (``db/keys.py``), the file is
  opened and the login is recorded in the access log.
- ``open_with_recovery_key``: the administrator who forgot the password opens the file
  with the recovery key and sets a new password (``accounts.recover_account``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from finsam_desktop.db.engine import Database
from finsam_desktop.db.keys import (
    AccountWaiting,
    KeyFile,
    WrongSecret,
    new_database_key,
    new_recovery_key,
    sidecar_path,
)
from finsam_desktop.db.migrate import encrypt_in_place, is_plain_sqlite, open_database
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _
from finsam_desktop.services import accounts
from finsam_desktop.services.access import BEFORE_LOGIN, Role, User

# Every function here runs before anyone is signed in: the password (or the recovery key)
# is what admits, and the role comes from the account it opens.
MODULE_ACCESS = BEFORE_LOGIN

DEMO_PASSWORD = "demo-lösenord-2026"
DEMO_ACCOUNTS = (
    ("demo", "Demo Administratör", Role.ADMIN),
    ("samordnare", "Demo Samordnare", Role.COORDINATOR),
    ("statistik", "Demo Statistik", Role.STATISTICS),
)


class DatabaseState(enum.Enum):
    NEW = "new"
    PLAIN = "plain"
    ENCRYPTED = "encrypted"


class KeyFileMissing(RuntimeError):
    def __init__(self, path: Path):
        super().__init__(
            _(
                "The key file {name} next to the database is missing. Without it the "
                "encrypted database cannot be opened: restore it from the backup folder."
            ).format(name=sidecar_path(path).name)
        )


class SignInRefused(Exception):
    """Wrong password, unknown account or an account that has to wait."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def database_state(path: Path) -> DatabaseState:
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return DatabaseState.NEW
    if is_plain_sqlite(path):
        return DatabaseState.PLAIN
    if not sidecar_path(path).exists():
        raise KeyFileMissing(path)
    return DatabaseState.ENCRYPTED


@dataclass
class Started:
    db: Database
    user: User
    recovery_key: str
    backup: Path | None  # the encrypted copy made before a plain file was converted
    plain_copies: list[Path] = field(default_factory=list)  # older unencrypted backups


def plain_copies_beside(path: Path) -> list[Path]:
    """Unencrypted copies of the database left in its backup folder from before the
    encryption: they would still reveal everything, so the administrator is told."""
    folder = Path(path).parent / "backups"
    if not folder.is_dir():
        return []
    found = []
    for candidate in sorted(folder.iterdir()):
        if candidate.is_file() and candidate.name.startswith(Path(path).stem):
            try:
                if is_plain_sqlite(candidate):
                    found.append(candidate)
            except OSError:
                continue
    return found


def _check_new_account(username: str, display_name: str, password: str, repeat: str) -> None:
    problems: dict[str, str] = {}
    name = accounts.normalise_username(username)
    if not name:
        problems["username"] = _("Enter a username.")
    elif not set(name) <= accounts.USERNAME_CHARS:
        problems["username"] = _("Use only letters, digits, dot, dash and underscore (no spaces).")
    if not display_name.strip():
        problems["display_name"] = _("Enter the person's name.")
    problems.update(accounts.password_problems(password, repeat))
    if problems:
        raise ValidationError(problems)


def first_start(
    path: Path, username: str, display_name: str, password: str, repeat: str
) -> Started:
    """Create the first administrator and encrypt the database (new or plain)."""
    path = Path(path)
    _check_new_account(username, display_name, password, repeat)
    state = database_state(path)
    if state is DatabaseState.ENCRYPTED:
        raise RuntimeError("the database is already encrypted")
    backup = None
    if state is DatabaseState.PLAIN:
        # Bring the plain file to the current schema first, and make sure the name is free.
        plain = open_database(path)
        with plain.reading() as session:
            taken = accounts.username_taken(session, username)
        plain.close()
        if taken:
            raise ValidationError.single("username", _("This username is already taken."))
    key, recovery_key = new_database_key(), new_recovery_key()
    keyfile = KeyFile(path)
    if keyfile.exists:
        # A sidecar without its database (left from a removed file) wraps another key.
        keyfile.path.unlink()
        keyfile = KeyFile(path)
    keyfile.set_recovery_key(key, recovery_key)
    created = state is DatabaseState.NEW
    try:
        if state is DatabaseState.PLAIN:
            backup = encrypt_in_place(path, key)
        db = open_database(path, key=key, keyfile=keyfile)
        with db.session() as session:
            user = accounts.create_user(
                session, username, display_name, Role.ADMIN, password, repeat
            )
            user = accounts.signed_in(session, user.id)
    except BaseException:
        if created:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            keyfile.path.unlink(missing_ok=True)
        raise
    db.user = user
    return Started(db, user, recovery_key, backup, plain_copies_beside(path))


def log_in(path: Path, username: str, password: str) -> tuple[Database, User]:
    """Open an encrypted database as ``username``; raises SignInRefused."""
    path = Path(path)
    keyfile = KeyFile(path)
    if not keyfile.exists:
        raise KeyFileMissing(path)
    try:
        user_id, key = keyfile.unlock(username, password)
    except AccountWaiting as exc:
        raise SignInRefused(accounts.waiting_message(exc.seconds)) from None
    except WrongSecret:
        raise SignInRefused(str(accounts.LoginFailed())) from None
    db = open_database(path, key=key, keyfile=keyfile)
    try:
        with db.session() as session:
            user = accounts.signed_in(session, user_id, keyfile.take_pending_failures())
    except accounts.LoginFailed as exc:
        db.close()
        raise SignInRefused(str(exc)) from None
    db.user = user
    return db, user


def log_in_plain(path: Path, username: str, password: str) -> tuple[Database, User]:
    """Open a plain database that has accounts (tests, the command line)."""
    db = open_database(Path(path))
    with db.session() as session:
        attempt = accounts.sign_in(session, username, password)
    if not attempt.ok:
        db.close()
        raise SignInRefused(attempt.message)
    db.user = attempt.user
    return db, attempt.user


def open_with_recovery_key(path: Path, recovery_key: str) -> Database:
    """The database opened without a user, only to set an administrator's password."""
    keyfile = KeyFile(path)
    try:
        key = keyfile.unlock_with_recovery_key(recovery_key)
    except WrongSecret:
        raise SignInRefused(_("The recovery key is not right.")) from None
    return open_database(Path(path), key=key, keyfile=keyfile)


def create_demo_database(path: Path, participants: int = 60, **fill_options) -> Database:
    """An encrypted demo database with fictitious data and the three demo accounts,
    all with the password ``DEMO_PASSWORD`` (printed in the README). A plain demo
    database from before encryption is converted and gets the accounts instead."""
    from finsam_desktop.services import demo

    fill = database_state(path) is DatabaseState.NEW
    started = first_start(path, "demo", DEMO_ACCOUNTS[0][1], DEMO_PASSWORD, DEMO_PASSWORD)
    db = started.db
    for username, display_name, role in DEMO_ACCOUNTS[1:]:
        with db.session() as session:
            if not accounts.username_taken(session, username):
                accounts.create_user(
                    session, username, display_name, role, DEMO_PASSWORD, DEMO_PASSWORD
                )
    db.user = None  # the demo generator writes as the program
    if fill:
        demo.fill(db, participants=participants, **fill_options)
    db.close()
    return db


def open_for_command_line(path: Path, username: str | None) -> Database:
    """The command line's way in. An encrypted database needs ``--user``; the password
    comes from FINSAM_PASSWORD (scripts) or is asked without echo. A plain database
    opens as the program unless a user is named."""
    import getpass
    import os

    state = database_state(path)
    if state is not DatabaseState.ENCRYPTED and not username:
        return open_database(Path(path))
    if not username:
        raise SignInRefused(_("The database is encrypted: give your username with --user NAME."))
    password = os.environ.get("FINSAM_PASSWORD")
    if password is None:
        password = getpass.getpass(_("Password for {user}: ").format(user=username))
    if state is DatabaseState.ENCRYPTED:
        db, _user = log_in(path, username, password)
    else:
        db, _user = log_in_plain(path, username, password)
    return db
