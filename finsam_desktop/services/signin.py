"""Opening the database as a person: first start, login, recovery key, demo.

The window and the command line both start here:

- ``database_state(path)``: NEW (no file), PLAIN (an unencrypted file from before
  encryption, or a test database) or ENCRYPTED (an SQLCipher file). Before it looks,
  what an interrupted first start left behind is finished or cleaned up
  (``finish_interrupted_start``). Both are in services/database_state.py (files only,
  for the login and ``finsam lots summary``) and named here too.
- NEW or PLAIN → ``first_start``: the first administrator is created and a recovery
  key is made, from which the database key is derived (``db/keys.py``). The encrypted
  database is built completely beside the target, the key file is written, and only
  then is the file renamed into place: a crash at any moment leaves either the old
  state or the complete new one. The recovery key is returned to be printed; until
  that is confirmed the key file asks for a new one at the administrator's login.
- ENCRYPTED → ``log_in``: the password opens the account's private key, which opens
  its sealed database key (``db/keys.py``); the login is recorded in the access log.
- ``open_with_recovery_key`` / ``recover_with_recovery_key``: the recovery key alone
  opens the database (even with the key file missing or damaged); an administrator
  sets a new password and, when needed, the key file is rebuilt.

A database on a PostgreSQL server (``path`` a ``postgresql://`` URL; docs/postgresql.md)
has no file, no SQLCipher key and no key file: the server's credentials and TLS protect
it. Its state is NEW (no account yet: ``first_start`` creates the administrator, with no
recovery key) or SERVER (``log_in`` checks the password against the accounts table,
argon2id, as on a plain file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from finsam_desktop.db import safe_file
from finsam_desktop.db.keys import (
    STATISTICS_SCOPE,
    AccountWaiting,
    KeyFile,
    KeyFileDamaged,
    Unlocked,
    WrongSecret,
    is_plain_sqlite,
    key_file_state,
    key_from_recovery_key,
    lookup_hash,
    new_account_entry,
    new_recovery_key,
    sidecar_path,
)
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _
from finsam_desktop.paths import is_server

# The state of the database before the login and the tidying of an interrupted first
# start look at files only: services/database_state.py (also named from here).
from finsam_desktop.services.database_state import (  # noqa: F401
    DatabaseState,
    _exists,
    _finish_interrupted_start,
    _promote,
    _remove_staging,
    _set_aside,
    _staging,
    _start_lock,
    _state,
    database_state,
    finish_interrupted_start,
)

# The login dialog is painted before SQLAlchemy is imported (it takes a third of a
# second): what it asks here (``database_state``, ``key_file_problem``, the demo
# password) needs only the files. Opening the database imports the rest, in the
# functions that open it (tests/test_startup.py checks).

# typing is imported only by type checkers: finsam lots summary starts without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from finsam_desktop.db.engine import Database
    from finsam_desktop.services.access import User

DEMO_PASSWORD = "demo-lösenord-2026"
DEMO_USERNAME = "demo"


def __getattr__(name: str) -> Any:
    """``MODULE_ACCESS`` and ``DEMO_ACCOUNTS`` come from ``services.access`` (which
    imports SQLAlchemy), so they are made when first asked for."""
    if name not in ("MODULE_ACCESS", "DEMO_ACCOUNTS"):
        raise AttributeError(name)  # also what the import system asks (``__path__``)
    from finsam_desktop.services.access import BEFORE_LOGIN, Role

    if name == "MODULE_ACCESS":
        # Every function here runs before anyone is signed in: the password (or the
        # recovery key) is what admits, and the role comes from the account it opens.
        return BEFORE_LOGIN
    return (  # DEMO_ACCOUNTS
        (DEMO_USERNAME, "Demo Administratör", Role.ADMIN),
        ("samordnare", "Demo Samordnare", Role.COORDINATOR),
        ("statistik", "Demo Statistik", Role.STATISTICS),
    )


RECOVERY_COMMAND = "återställ-nycklar"


def prepare() -> None:
    """Import and set up what opening the database needs (SQLAlchemy and its SQLite
    dialect, every model with its relationships worked out, the accounts, OpenSSL's
    X25519, the SQLCipher driver): the login runs this once it is painted, while the
    user types, so that the password opens the database without that wait (about half
    a second)."""
    import cryptography.hazmat.backends.openssl  # noqa: F401 - loaded at the first unseal
    import cryptography.hazmat.primitives.asymmetric.x25519  # noqa: F401 - the unseal
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401
    import cryptography.hazmat.primitives.kdf.hkdf  # noqa: F401
    import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401 - loaded by create_engine
    from sqlalchemy.orm import configure_mappers

    import finsam_desktop.db.migrate  # noqa: F401
    import finsam_desktop.db.schema  # noqa: F401 - every model
    import finsam_desktop.services.accounts  # noqa: F401

    configure_mappers()  # otherwise done at the first query
    import sqlcipher3.dbapi2  # noqa: F401 - else imported at the first open (~10 ms)


def key_file_message(path: Path) -> str:
    return _(
        "The key file {name} next to the database is missing or damaged, so no password "
        "can open the database. The printed recovery key opens it: choose “Open with the "
        "recovery key” at the login (or run: finsam --db {db} {command}). The key file is "
        "then rebuilt and the administrator sets the passwords again."
    ).format(name=sidecar_path(path).name, db=path, command=RECOVERY_COMMAND)


class KeyFileMissing(RuntimeError):
    """The key file is missing, or it and its previous version are damaged."""

    def __init__(self, path: Path):
        super().__init__(key_file_message(Path(path)))


class SignInRefused(Exception):
    """Wrong password, unknown account or an account that has to wait."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def key_file_problem(path: Path | str) -> str | None:
    """A Swedish sentence when the key file of an encrypted database is missing or
    unreadable (the recovery key is then the way in), else None."""
    if is_server(path):
        return None  # a server has no key file
    if key_file_state(path) == "ok":
        return None
    return key_file_message(Path(path))


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
    from finsam_desktop.services import accounts

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
    """Create the first administrator and encrypt the database (new or plain).

    Crash-safe: everything is built in a staging file beside the target; the key file
    (with the administrator's key pair already in it) is written atomically; the
    staging file is renamed over the target last. See ``finish_interrupted_start``.

    On a PostgreSQL server only the administrator is created (no key, no recovery key:
    ``Started.recovery_key`` is empty).
    """
    if is_server(path):
        return _first_start_on_server(str(path), username, display_name, password, repeat)
    path = Path(path)
    _check_new_account(username, display_name, password, repeat)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _start_lock(path):
        return _first_start(path, username, display_name, password, repeat)


def _first_start(path: Path, username: str, display_name: str, password: str, repeat: str):
    from finsam_desktop.db.migrate import encrypt_to, open_database, write_encrypted_backup
    from finsam_desktop.services import accounts
    from finsam_desktop.services.access import Role

    _finish_interrupted_start(path)  # under the start lock already
    state = _state(path)
    if state is DatabaseState.ENCRYPTED:
        raise RuntimeError("the database is already encrypted")
    plain = state is DatabaseState.PLAIN
    if plain:
        # Bring the plain file to the current schema first, and make sure the name is free.
        old = open_database(path)
        with old.reading() as session:
            taken = accounts.username_taken(session, username)
        old.close()
        if taken:
            raise ValidationError.single("username", _("This username is already taken."))
    recovery_key = new_recovery_key()
    key = key_from_recovery_key(recovery_key)
    keys_path = sidecar_path(path)
    if keys_path.exists() or safe_file.previous_path(keys_path).exists():
        _set_aside(keys_path)  # a key file without its database wraps another key
    staging = _staging(path, plain)
    _remove_staging(staging)
    try:
        if plain:
            encrypt_to(path, staging, key)
        built = open_database(staging, key=key)
        try:
            with built.session() as session:
                user = accounts.create_user(
                    session, username, display_name, Role.ADMIN, password, repeat
                )
            built.checkpoint()
        finally:
            built.close()
        for suffix in ("-wal", "-shm"):
            Path(str(staging) + suffix).unlink(missing_ok=True)
        with open(staging, "rb") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        _remove_staging(staging)
        raise
    # From here on the staging file is complete. The key file makes it the database
    # (finish_interrupted_start renames it if we are killed before the rename).
    keyfile = KeyFile.create(
        path,
        key,
        derived=True,
        needs_new_recovery_key=True,
        accounts_for=lambda pepper: {
            lookup_hash(pepper, user.username): new_account_entry(
                lookup_hash(pepper, user.username), user.id, password, key
            )
        },
    )
    backup = None
    if plain:
        backup = write_encrypted_backup(path, key)  # the original content, new key
        from finsam_desktop.db.backup import copy_sidecar

        copy_sidecar(path, backup)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    _promote(staging, path)
    db = open_database(path, key=key, keyfile=keyfile)
    with db.session() as session:
        user = accounts.signed_in(session, user.id)
    db.user = user
    return Started(db, user, recovery_key, backup, plain_copies_beside(path))


def _first_start_on_server(
    url: str, username: str, display_name: str, password: str, repeat: str
) -> Started:
    from sqlalchemy import func, select

    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.db.security_models import UserRow
    from finsam_desktop.db.server import MIGRATION_LOCK, hold_lock
    from finsam_desktop.services import accounts
    from finsam_desktop.services.access import Role

    _check_new_account(username, display_name, password, repeat)
    db = open_database(url)
    try:
        with db.session() as session:
            # Two workstations making the first administrator at once: one waits here
            # and then finds the other's account.
            hold_lock(session.connection(), MIGRATION_LOCK)
            if session.scalar(select(func.count()).select_from(UserRow)):
                raise ValidationError.single(
                    "username",
                    _("The database already has accounts: log in instead."),
                )
            user = accounts.create_user(
                session, username, display_name, Role.ADMIN, password, repeat
            )
        with db.session() as session:
            user = accounts.signed_in(session, user.id)
    except BaseException:
        db.close()
        raise
    db.user = user
    return Started(db, user, "", None)


def recovery_key_shown(db: Database) -> None:
    """The administrator confirmed that the recovery key is printed and kept."""
    if db.keyfile is not None and db.key is not None:
        db.keyfile.mark_recovery_key_shown(db.key)


def needs_new_recovery_key(db: Database) -> bool:
    """True when the database's key has no printed recovery key (a first start or a
    change of key interrupted before it was shown, or a database from before format 2
    whose key is not derived from one): the administrator is asked to make one."""
    if db.keyfile is None or db.key is None:
        return False
    try:
        db.keyfile.reload()
    except KeyFileDamaged:
        return False
    return db.keyfile.exists and (db.keyfile.needs_new_recovery_key or db.keyfile.rekey_pending)


def _open_with_keys(path: Path, keys: list[bytes], keyfile: KeyFile | None) -> Database:
    """The database opened with the first of ``keys`` that fits."""
    from finsam_desktop.db.migrate import NotAFinsamDatabase, open_database

    for key in keys:
        try:
            return open_database(path, key=key, keyfile=keyfile)
        except NotAFinsamDatabase:
            continue
    raise WrongSecret()


def _keyfile(path: Path) -> KeyFile:
    try:
        keyfile = KeyFile(path)
    except KeyFileDamaged:
        raise KeyFileMissing(path) from None
    if not keyfile.exists:
        raise KeyFileMissing(path)
    return keyfile


def log_in(path: Path | str, username: str, password: str) -> tuple[Database, User]:
    """Open an encrypted database (or one on a server) as ``username``; raises
    SignInRefused."""
    from finsam_desktop.services import accounts

    if is_server(path):
        return _log_in_on_server(str(path), username, password)
    path = Path(path)
    keyfile = _keyfile(path)
    try:
        unlocked = keyfile.unlock(username, password)
    except AccountWaiting as exc:
        raise SignInRefused(accounts.waiting_message(exc.seconds)) from None
    except WrongSecret:
        raise SignInRefused(str(accounts.LoginFailed())) from None
    if unlocked.scope == STATISTICS_SCOPE:
        return _open_extract(path, unlocked, keyfile)
    try:
        db = _open_with_keys(path, unlocked.keys, keyfile)
    except WrongSecret:
        raise SignInRefused(
            _(
                "Your account's key does not open this database (the key file belongs to "
                "another copy of it). Ask the administrator."
            )
        ) from None
    _remember(db, unlocked)
    try:
        with db.session() as session:
            user = accounts.signed_in(session, unlocked.user_id, keyfile.take_pending_failures())
    except accounts.LoginFailed as exc:
        db.close()
        raise SignInRefused(str(exc)) from None
    if unlocked.legacy:
        # A wrap from before format 2: the account gets its key pair now.
        keyfile.set_password(db.key, user.id, username, password)
    db.user = user
    return db, user


def _open_extract(path: Path, unlocked: Unlocked, keyfile: KeyFile) -> tuple[Database, User]:
    """A statistics account holds only the key of the de-identified extract: that is
    the database it works in (``db/extract.py``). Its login is recorded there."""
    from finsam_desktop.db import extract
    from finsam_desktop.db.engine import Database, raw_connect
    from finsam_desktop.db.migrate import schema_state
    from finsam_desktop.services import accounts

    target = extract.extract_path(path)
    if not target.exists():
        raise SignInRefused(
            _(
                "The statistics extract has not been made yet. It is made when a "
                "coordinator or administrator logs out; try again after that."
            )
        )
    for key in unlocked.keys:
        try:
            con = raw_connect(target, key, readonly=True)
        except Exception:  # noqa: BLE001 - sqlcipher3.DatabaseError: another key
            continue
        try:
            made = extract.made_at(con)
        finally:
            con.close()
        if made is None or not schema_state(target, key).is_current:
            break
        db = Database(target, key=key, keyfile=keyfile)
        db.extract_made_at = made
        with db.session() as session:
            user = accounts.signed_in(session, unlocked.user_id)
        db.user = user
        return db, user
    raise SignInRefused(
        _(
            "The statistics extract is out of date. It is renewed when a coordinator or "
            "administrator logs out; try again after that."
        )
    )


def _remember(db: Database, unlocked: Unlocked) -> None:
    """What lets this copy of the program follow a change of key made by another."""
    if unlocked.private is not None:
        db.key_source = (unlocked.private, unlocked.user_id)


def _log_in_on_server(url: str, username: str, password: str) -> tuple[Database, User]:
    """On a server with a role per account (``db/server_roles.py``) the program connects
    as the account's own role with the typed password: the server checks it. On a server
    without account roles the program checks it against the accounts table."""
    from finsam_desktop.db import server_roles
    from finsam_desktop.db.migrate import head_revisions
    from finsam_desktop.services import accounts

    name = accounts.normalise_username(username)
    try:
        db = server_roles.open_as_account(url, name, password, head_revisions())
    except server_roles.WrongPassword:
        raise SignInRefused(str(accounts.LoginFailed())) from None
    except server_roles.NotReached:
        from finsam_desktop.db.migrate import ServerUnreachable

        raise SignInRefused(str(ServerUnreachable(url))) from None
    if db is None:
        return _log_in_with_table(url, username, password)
    try:
        with db.session() as session:
            user = accounts.server_account(session, name)
    except accounts.LoginFailed as exc:
        db.close()
        raise SignInRefused(str(exc)) from None
    except BaseException:
        db.close()
        raise
    db.user = user
    return db, user


def log_in_plain(path: Path | str, username: str, password: str) -> tuple[Database, User]:
    """Open a plain database that has accounts (tests, the command line), or one on a
    server: the password is checked against the accounts table, or by the server."""
    if is_server(path):
        return _log_in_on_server(str(path), username, password)
    return _log_in_with_table(path, username, password)


def _log_in_with_table(path: Path | str, username: str, password: str) -> tuple[Database, User]:
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import accounts

    db = open_database(path if is_server(path) else Path(path))
    with db.session() as session:
        attempt = accounts.sign_in(session, username, password)
    if not attempt.ok:
        db.close()
        raise SignInRefused(attempt.message)
    db.user = attempt.user
    return db, attempt.user


def open_with_recovery_key(path: Path, recovery_key: str) -> Database:
    """The database opened without a user, only to set an administrator's password.
    Works with the key file missing or damaged (the key is derived from the recovery
    key); ``db.keyfile`` is then None."""
    path = Path(path)
    try:
        keyfile: KeyFile | None = KeyFile(path)
        if not keyfile.exists:
            keyfile = None
    except KeyFileDamaged:
        keyfile = None
    try:
        candidates = (
            keyfile.unlock_with_recovery_key(recovery_key)
            if keyfile is not None
            else [key_from_recovery_key(recovery_key)]
        )
        return _open_with_keys(path, candidates, keyfile)
    except WrongSecret:
        raise SignInRefused(_("The recovery key is not right.")) from None


@dataclass
class Recovered:
    user: User
    rebuilt: bool  # the key file was rebuilt
    need_new_password: list[str]  # display names of accounts that need one from the admin


def recover_with_recovery_key(
    path: Path, recovery_key: str, username: str, password: str, repeat: str
) -> Recovered:
    """The recovery key opens the database; ``username`` (an administrator) gets the new
    password. When the key file is missing or damaged it is rebuilt first, and every
    other active account is marked to get a new password from the administrator."""
    from finsam_desktop.services import accounts

    path = Path(path)
    problems = accounts.password_problems(password, repeat)
    if problems:
        raise ValidationError(problems)
    db = open_with_recovery_key(path, recovery_key)
    try:
        with db.reading() as session:
            accounts.check_recoverable_admin(session, username)
        rebuilt = db.keyfile is None
        if rebuilt:
            db.keyfile = KeyFile.create(path, db.key, derived=True, needs_new_recovery_key=False)
        with db.session() as session:
            user = accounts.recover_account(session, username, password, repeat)
            others = accounts.require_new_passwords(session, keep=user.id) if rebuilt else []
    finally:
        db.close()
    return Recovered(user, rebuilt, others)


def open_for_command_line(path: Path, username: str | None) -> Database:
    """The command line's way in. An encrypted database needs ``--user``; the password
    comes from FINSAM_PASSWORD (scripts) or is asked without echo. A plain database
    opens as the program unless a user is named."""
    import getpass

    from finsam_desktop.db.migrate import open_database

    if is_server(path):
        if not username:
            return open_database(str(path))  # as the program, like a plain file
        password = os.environ.get("FINSAM_PASSWORD")
        if password is None:
            password = getpass.getpass(_("Password for {user}: ").format(user=username))
        return log_in_plain(str(path), username, password)[0]
    state = database_state(path)
    if state is not DatabaseState.ENCRYPTED and not username:
        return open_database(Path(path))
    if state is DatabaseState.ENCRYPTED and key_file_problem(path):
        raise KeyFileMissing(path)
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
