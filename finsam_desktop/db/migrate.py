"""Bring a database file up to the schema this program expects, or refuse it.

- a new file is created at the latest revision (by running every migration);
- an older file is first backed up with the SQLite backup API, then upgraded, all
  migrations inside one exclusive transaction;
- a file written by a newer program is refused and left untouched.

With a ``key`` the file is an SQLCipher database (see ``db/keys.py``); without one it is
plain SQLite, as every test of a service uses. ``encrypt_to`` writes the encrypted copy
of a plain file from before encryption (``services.signin.first_start`` puts it in place).

On a PostgreSQL server (``path`` a ``postgresql://`` URL, see ``db/server.py``) the same
migrations run in one transaction (PostgreSQL's DDL is transactional: a failed upgrade
leaves the old schema), under an advisory lock so that two workstations starting at once
do not both upgrade. The backup before an upgrade on a server (pg_dump) is not built yet.
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from finsam_desktop.db.backup import backup_file, free_path, timestamped_name
from finsam_desktop.db.engine import Database, raw_connect
from finsam_desktop.db.keys import (  # noqa: F401 - is_plain_sqlite lives with the keys
    SQLITE_MAGIC,
    is_plain_sqlite,
    sqlcipher_key,
)
from finsam_desktop.i18n import _
from finsam_desktop.paths import is_server

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer version of the program."""

    def __init__(self, revision: str):
        self.revision = revision
        super().__init__(
            _(
                "This database was created by a newer version of Finsam Desktop "
                "(schema {revision}). Install the latest version of the program to open it. "
                "The file has not been changed."
            ).format(revision=revision)
        )


class NotAFinsamDatabase(RuntimeError):
    def __init__(self, path: Path | str):
        if is_server(path):
            from finsam_desktop.db.server import shown

            message = _(
                "The database {name} is not a Finsam Desktop database. It has not been changed."
            ).format(name=shown(str(path)))
        else:
            message = _(
                "The file {name} is not a Finsam Desktop database. It has not been changed."
            ).format(name=Path(path).name)
        super().__init__(message)


@dataclass(frozen=True)
class SchemaState:
    revisions: frozenset[str]  # empty: a new, empty file
    heads: frozenset[str]

    @property
    def is_new(self) -> bool:
        return not self.revisions

    @property
    def is_current(self) -> bool:
        return self.revisions == self.heads

    @property
    def label(self) -> str:
        return "+".join(sorted(self.revisions)) or "-"


def alembic_config():
    from alembic.config import Config  # Alembic costs ~0.1 s to import: only for upgrades

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


_REVISION = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


def _revision_graph() -> dict[str, tuple[str, ...]]:
    """revision -> the revisions it builds on, read from the migration files' headers.

    Every start needs this to see whether the file is current; reading two lines per
    file keeps Alembic itself out of the start unless there is something to upgrade.
    """
    graph = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        fields = dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" not in fields:
            continue
        down = ast.literal_eval(fields.get("down_revision", "None"))
        graph[ast.literal_eval(fields["revision"])] = (
            () if down is None else (down,) if isinstance(down, str) else tuple(down)
        )
    return graph


def head_revisions() -> frozenset[str]:
    graph = _revision_graph()
    below = {d for downs in graph.values() for d in downs}
    return frozenset(set(graph) - below)


def known_revisions() -> set[str]:
    return set(_revision_graph())


def _database_errors() -> tuple[type[Exception], ...]:
    try:
        import sqlcipher3
    except ImportError:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, sqlcipher3.DatabaseError)


def schema_state(path: Path, key: bytes | None = None) -> SchemaState:
    """Read the file's revision without changing a byte of it."""
    heads = head_revisions()
    if is_server(path):
        return _server_state(str(path), heads)
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(frozenset(), heads)
    try:
        con = raw_connect(path, key, readonly=True)
        try:
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return SchemaState(frozenset(), heads)
            if "alembic_version" not in tables:
                raise NotAFinsamDatabase(path)
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            con.close()
    except _database_errors() as exc:
        raise NotAFinsamDatabase(path) from exc
    return SchemaState(frozenset(r[0] for r in rows), heads)


def _server_state(url: str, heads: frozenset[str]) -> SchemaState:
    from sqlalchemy.exc import SQLAlchemyError

    from finsam_desktop.db.server import make_server_engine, revisions

    engine = make_server_engine(url)
    try:
        has_tables, found = revisions(engine)
    except SQLAlchemyError as exc:
        raise ServerUnreachable(url) from exc
    finally:
        engine.dispose()
    if has_tables and not found:
        raise NotAFinsamDatabase(url)
    return SchemaState(frozenset(found), heads)


class ServerUnreachable(RuntimeError):
    """The PostgreSQL server did not accept the connection (address, password, TLS)."""

    shown_to_user = True

    def __init__(self, url: str):
        from finsam_desktop.db.server import shown

        super().__init__(
            _(
                "The database server {name} could not be reached, or it refused the "
                "connection (address, user, password or certificate). Nothing has been changed."
            ).format(name=shown(url))
        )


def open_database(
    path: Path | str, backup_dir: Path | None = None, key: bytes | None = None, keyfile=None
) -> Database:
    """Open ``path``, creating or upgrading it; see the module docstring.

    ``key``: the SQLCipher key of an encrypted file (a new file is created encrypted);
    ``keyfile``: its ``db.keys.KeyFile``, kept on the Database for account changes.
    ``path`` may be a ``postgresql://`` URL: the database on a server.
    """
    if is_server(path):
        state = schema_state(path)
        if not state.revisions <= known_revisions():
            raise DatabaseTooNew(state.label)
        db = Database(path)
        if not state.is_current:
            upgrade(db)
        return db
    path = Path(path)
    state = schema_state(path, key)
    if not state.revisions <= known_revisions():
        raise DatabaseTooNew(state.label)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not state.is_new and not state.is_current:
        target_dir = backup_dir or path.parent / "backups"
        dest = free_path(target_dir / timestamped_name(path, f"before-upgrade-{state.label}"))
        backup_file(path, dest, key=key)  # stays encrypted; the key sidecar goes along
    db = Database(path, key=key, keyfile=keyfile)
    if not state.is_current:
        upgrade(db)
    return db


def upgrade(db: Database, revision: str = "heads") -> None:
    from alembic import command

    cfg = alembic_config()
    if db.on_server:
        from finsam_desktop.db.server import MIGRATION_LOCK, hold_lock

        with db.engine.begin() as connection:
            hold_lock(connection, MIGRATION_LOCK)  # another workstation may be upgrading
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
            from finsam_desktop.db import server_roles

            if server_roles.groups_exist(connection):
                # New tables get their grants, policies and statistik views at once.
                server_roles.apply(connection)
        return
    with db.engine.connect() as connection:
        # Batch migrations rebuild tables; foreign keys are checked once at the end instead.
        # The pragma only takes effect outside a transaction, so it goes to the driver.
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        with connection.execution_options(sqlite_begin="EXCLUSIVE").begin():
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key check failed after migration: {len(problems)}")
        raw.execute("PRAGMA foreign_keys = ON")


def _export_encrypted(source: Path, dest: Path, key: bytes) -> dict[str, int]:
    """Write an encrypted copy of the plain file ``source``; return its row counts."""
    import sqlcipher3

    dest.unlink(missing_ok=True)
    con = sqlcipher3.connect(str(source), isolation_level=None)
    try:
        # Without PRAGMA key SQLCipher reads a plain file; sqlcipher_export copies
        # schema, data and user_version into the attached, keyed database.
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute(f'ATTACH DATABASE ? AS encrypted KEY "{sqlcipher_key(key)}"', (str(dest),))
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute("DETACH DATABASE encrypted")
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()
    check = raw_connect(dest, key)
    try:
        (result,) = check.execute("PRAGMA integrity_check").fetchone()
        copied = {t: check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in counts}
    finally:
        check.close()
    if result != "ok" or copied != counts:
        dest.unlink(missing_ok=True)
        raise RuntimeError("the encrypted copy does not match the original")
    return counts


def encrypt_to(path: Path, dest: Path, key: bytes) -> None:
    """Write an encrypted, checked copy of the plain database ``path`` to ``dest`` and
    fsync it. The plain file is not changed (``signin.first_start`` renames ``dest``
    over it only once the key file for ``key`` is written)."""
    _export_encrypted(Path(path), Path(dest), key)
    with open(dest, "rb") as fh:
        os.fsync(fh.fileno())


def write_encrypted_backup(path: Path, key: bytes, backup_dir: Path | None = None) -> Path:
    """The "before encryption" backup of a plain file: its content, encrypted with the
    new ``key`` (the one the recovery key stands for), never a plain copy."""
    path = Path(path)
    target_dir = backup_dir or path.parent / "backups"
    target_dir.mkdir(parents=True, exist_ok=True)
    backup = free_path(target_dir / timestamped_name(path, "before-encryption"))
    partial = backup.with_name(backup.name + ".part")
    _export_encrypted(path, partial, key)
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, backup)
    return backup
