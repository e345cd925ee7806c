"""``finsam flytta``: a team's database file moved to an empty PostgreSQL database.

Who may: an administrator of the file, proven as every command proves it (``--user``
and the password; a plain file without accounts opens as the program) – but without
the login's writes: the move changes no byte of the file nor of its key file (the
password is checked against the key file or the accounts table read-only; a wrong
password is counted in the ``.attempts`` file beside it, as at a login).

A file from an older version of the program is first copied to a temporary folder and
the copy upgraded; the original is never upgraded in place. The copying and the
comparison are ``db/move.py``.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from finsam_desktop.db.move import Progress, TableResult
from finsam_desktop.i18n import _
from finsam_desktop.services.access import AccessDenied, Role, User, pure


@dataclass(frozen=True)
class Source:
    """The file to move, opened by nobody yet: its path, key and the mover."""

    path: Path
    key: bytes | None
    user: User | None


@pure
def check_source(path: Path, username: str | None, password: str | None) -> Source:
    """The file's key and its administrator, read without writing to the file or its key
    file; SignInRefused, KeyFileMissing or AccessDenied otherwise."""
    from finsam_desktop.services import signin

    state = signin.database_state(path)
    if state is signin.DatabaseState.NEW:
        raise signin.SignInRefused(_("There is no database file at {path}.").format(path=path))
    key = None
    user_id = None
    if state is signin.DatabaseState.ENCRYPTED:
        if signin.key_file_problem(path):
            raise signin.KeyFileMissing(path)
        if not username:
            raise signin.SignInRefused(
                _("The database is encrypted: give your username with --user NAME.")
            )
        key, user_id = _unlock(path, username, password or "")
    elif username:
        user_id = _check_plain_password(path, username, password or "")
    user = _administrator(path, key, user_id) if user_id is not None else None
    return Source(path, key, user)


def _unlock(path: Path, username: str, password: str) -> tuple[bytes, int]:
    from finsam_desktop.db.engine import raw_connect
    from finsam_desktop.db.keys import STATISTICS_SCOPE, Attempts, KeyFile
    from finsam_desktop.services import accounts, signin

    keyfile = KeyFile(path)
    attempts = Attempts(path)
    lookup = keyfile.lookup(username)
    now = time.time()
    waiting = attempts.waiting(lookup, now)
    if waiting:
        raise signin.SignInRefused(accounts.waiting_message(waiting))
    unlocked = keyfile.probe(username, password)  # writes nothing
    if unlocked is None:
        attempts.failed(lookup, None, now)
        raise signin.SignInRefused(str(accounts.LoginFailed()))
    if unlocked.scope == STATISTICS_SCOPE:
        raise AccessDenied()
    for key in unlocked.keys:
        try:
            raw_connect(path, key, readonly=True).close()
        except Exception:  # noqa: BLE001 - sqlcipher3.DatabaseError: another key
            continue
        return key, unlocked.user_id
    raise signin.SignInRefused(
        _(
            "Your account's key does not open this database (the key file belongs to "
            "another copy of it). Ask the administrator."
        )
    )


def _check_plain_password(path: Path, username: str, password: str) -> int:
    from argon2.exceptions import InvalidHashError, VerificationError

    from finsam_desktop.db.engine import raw_connect
    from finsam_desktop.services import accounts, signin

    con = raw_connect(path, readonly=True)
    try:
        row = con.execute(
            "SELECT id, password_hash FROM users WHERE username = ? AND active",
            (accounts.normalise_username(username),),
        ).fetchone()
    finally:
        con.close()
    try:
        if row is None:
            raise VerificationError()
        accounts._hasher.verify(row[1], password)
    except (VerificationError, InvalidHashError):
        raise signin.SignInRefused(str(accounts.LoginFailed())) from None
    return row[0]


def _administrator(path: Path, key: bytes | None, user_id: int) -> User:
    from finsam_desktop.db.engine import raw_connect

    con = raw_connect(path, key, readonly=True)
    try:
        row = con.execute(
            "SELECT id, username, display_name, role, active FROM users WHERE id = ?",
            (user_id,),
        ).fetchone()
    finally:
        con.close()
    if row is None or not row[4] or row[3] != Role.ADMIN:
        raise AccessDenied()
    return User(id=row[0], username=row[1], display_name=row[2], role=Role(row[3]))


@contextlib.contextmanager
def _current_schema(source: Source) -> Iterator[Path]:
    """The file to read: the original when it has the current schema, else an upgraded
    copy in a temporary folder (the original is not upgraded)."""
    from finsam_desktop.db.backup import backup_file
    from finsam_desktop.db.migrate import (
        DatabaseTooNew,
        known_revisions,
        open_database,
        schema_state,
    )

    state = schema_state(source.path, source.key)
    if not state.revisions <= known_revisions():
        raise DatabaseTooNew(state.label)
    if state.is_current:
        yield source.path
        return
    folder = Path(tempfile.mkdtemp(prefix="finsam-flytta-"))
    try:
        copy = folder / source.path.name
        backup_file(source.path, copy, key=source.key)
        open_database(copy, key=source.key, backup_dir=folder / "backups").close()
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pure
def move_to_server(source: Source, url: str, progress: Progress | None = None) -> list[TableResult]:
    """Copy the file into the empty server database at ``url`` and compare (db/move.py);
    the move is then logged in the server's access log, as the mover."""
    from sqlalchemy import create_engine

    from finsam_desktop.db import move
    from finsam_desktop.db.engine import Database, raw_connect
    from finsam_desktop.services import audit

    with _current_schema(source) as path:
        # One read-only connection in one read transaction: a consistent snapshot.
        engine = create_engine(
            "sqlite://", creator=lambda: raw_connect(path, source.key, readonly=True)
        )
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("BEGIN")
                results = move.move(connection, url, progress)
                connection.exec_driver_sql("ROLLBACK")
        finally:
            engine.dispose()
    db = Database(url)
    try:
        db.user = source.user
        with db.session() as session:
            audit.log_output(session, "move-to-server")
    finally:
        db.close()
    return results
