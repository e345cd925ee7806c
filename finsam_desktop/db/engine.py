"""The one way to open the database and a session.

SQLite runs with WAL, foreign keys on, a busy timeout and full sync. Write
sessions start with BEGIN IMMEDIATE so that two copies of the program on one file
queue for the write lock instead of failing half-way through a transaction.

An encrypted database is opened with SQLCipher (``sqlcipher3``) and a raw 256-bit
key (see ``db/keys.py``). Because the key is raw, SQLCipher derives nothing on open
(< 1 ms per connection) and SQLAlchemy's ordinary connection pool can be kept: the
connections it holds stay open for the life of the program, so nested or concurrent
sessions (a list reading while a form saves) never wait for one shared connection.

``raw_connect`` is the DB-API connection for code that needs the driver itself (the
backup API, integrity checks, conversion): keyed when a key is given, plain otherwise.

A ``Database`` may instead be a PostgreSQL server, given by its URL (``db/server.py``):
then it has no file (``path`` is None), no key and no key file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from finsam_desktop.db import changes
from finsam_desktop.db.keys import key_id, sqlcipher_key
from finsam_desktop.domain.changes import Change
from finsam_desktop.paths import is_server

BUSY_TIMEOUT_MS = 10_000
# A 32 MB page cache (instead of SQLite's 2 MB) keeps a 100k-person database's hot pages
# in memory: SQLCipher decrypts a page each time it enters the cache
# (tests/benchmarks/test_encryption_bench.py: a deep list page 242 ms → 24 ms), and a
# plain file is not read from the OS again for every report (about 60 MB, 0.2 s, for the
# yearly statistics).
CACHE_KIB = 32_000


def _configure(dbapi_connection: Any, encrypted: bool = False) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if encrypted:
        # Sorts and temporary tables stay in memory: temporary files are not encrypted.
        cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def raw_connect(path: Path | str, key: bytes | None = None, readonly: bool = False):
    """A DB-API connection to ``path``: SQLCipher with ``key``, plain sqlite3 without.

    The connection is in autocommit mode (``isolation_level=None``). With a key the
    first statement proves the key: a wrong key raises ``sqlcipher3.DatabaseError``
    ("file is not a database") here rather than at some later query.
    """
    target = f"file:{Path(path)}?mode=ro" if readonly else f"file:{Path(path)}"
    if key is None:
        con = sqlite3.connect(target, uri=True, isolation_level=None)
    else:
        import sqlcipher3

        con = sqlcipher3.connect(target, uri=True, isolation_level=None)
        con.execute(f'PRAGMA key = "{sqlcipher_key(key)}"')
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            con.close()
            raise
        con.execute("PRAGMA temp_store = MEMORY")
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return con


def make_engine(path: Path | str, key: bytes | None = None) -> Engine:
    if key is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        # The dialect sends PRAGMA key before anything else on every new connection.
        url = URL.create("sqlite+pysqlcipher", password=sqlcipher_key(key), database=str(path))
        engine = create_engine(url, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        _configure(dbapi_connection, encrypted=key is not None)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """An open database file. Services receive its sessions; widgets never do.

    ``user`` is the signed-in account (``services.access.User``) or None for the
    program itself; every session carries it in ``session.info["user"]`` so that
    ``access.require`` can refuse what the role may not do. ``key`` is the SQLCipher
    key of an encrypted file (None: a plain file); ``keyfile`` its sidecar of wraps.
    """

    def __init__(
        self, path: Path | str, key: bytes | None = None, keyfile: Any = None, login: Any = None
    ):
        # A PostgreSQL URL: the database is on a server (``db/server.py``), not in a file.
        self.url: str | None = str(path) if is_server(path) else None
        # On a server with a role per account: the signed-in account's own role and
        # password (``db/server_roles.ServerLogin``); None: the URL's own credentials.
        self.login = login
        self.path: Path | None = None if self.url else Path(path)
        self.key = key
        self.keyfile = keyfile
        # (private key, user id) of the signed-in account: lets this copy of the program
        # follow a change of key made by another (``follow_key_change``).
        self.key_source: Any = None
        # Set when this is the de-identified statistics extract (db/extract.py): when
        # it was made, for the window to say "Uppgifter per …".
        self.extract_made_at: Any = None
        self.user: Any = None
        self._keyfile_seen: int | None = None
        # Per thread, the sets gathering what the transactions committed in it changed
        # (``collecting_changes``).
        self._collectors = threading.local()
        self._use_key(key)

    def _use_key(self, key: bytes | None) -> None:
        self.key = key
        if self.url is not None:
            from finsam_desktop.db.server import make_server_engine

            self.engine = make_server_engine(self.url, self.login)
        else:
            self.engine = make_engine(self.path, key)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        # Wired here, on this database's own engine and session factories, not on
        # SQLAlchemy's global classes: every write through any session of a Database is
        # logged and announced, whatever the process imported. (Imported late: the models
        # are not needed before a database is opened.)
        from finsam_desktop.db import access_log, due_dates

        access_log.install(self._write)
        access_log.install(self._read)
        # The participations' stored due days follow every change they depend on.
        due_dates.install(self._write)
        due_dates.install(self._read)
        if self.url is not None:
            from finsam_desktop.db.server import check_lengths

            event.listen(self._write, "before_flush", check_lengths)
        changes.watch(self.engine, self._committed)

    # --- what the committed transactions changed ---------------------------------------------

    @contextmanager
    def collecting_changes(self) -> Iterator[set[Change]]:
        """A set that gathers the kinds of records (``domain.changes.Change``) of every
        transaction that commits in this thread, through any session or connection of
        this database, while the block runs (the operation runner announces them)."""
        stack = self._collectors.__dict__.setdefault("stack", [])
        found: set[Change] = set()
        stack.append(found)
        try:
            yield found
        finally:
            del stack[next(i for i, s in enumerate(stack) if s is found)]

    def _committed(self, kinds: frozenset[Change]) -> None:
        for found in getattr(self._collectors, "stack", ()):
            found.update(kinds)

    # --- a change of key ---------------------------------------------------------------------

    def rekey(self, new_key: bytes) -> None:
        """Re-encrypt the whole file with ``new_key`` (SQLCipher ``PRAGMA rekey``, one
        transaction: a crash leaves the old or the new key, never a mix). Works in WAL
        mode; the WAL is checkpointed before and after so the file stands alone."""
        if self.key is None:
            raise RuntimeError("a plain database has no key to change")
        self.engine.dispose()
        con = raw_connect(self.path, self.key)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute(f'PRAGMA rekey = "{sqlcipher_key(new_key)}"')
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
        self._use_key(new_key)

    def follow_key_change(self) -> bool:
        """Another copy of the program changed the database key: read this account's
        sealed key from the key file again and reconnect. False when nothing changed
        (or this account was given no key, e.g. it was deactivated)."""
        if self.keyfile is None or self.key_source is None or self.key is None:
            return False
        from finsam_desktop.db.keys import KeyFileDamaged, WrongSecret

        private, user_id = self.key_source
        try:
            candidates = self.keyfile.keys_for(private, user_id)
        except (KeyFileDamaged, WrongSecret):
            return False
        for candidate in candidates:
            if candidate == self.key:
                return False
            try:
                raw_connect(self.path, candidate).close()
            except Exception:  # noqa: BLE001 - not this key (sqlcipher3.DatabaseError)
                continue
            self.engine.dispose()
            self._use_key(candidate)
            return True
        return False

    def _check_key(self) -> None:
        """Cheap at every session: has the key file changed since last seen?"""
        if self.keyfile is None or self.key_source is None:
            return
        try:
            seen = os.stat(self.keyfile.path).st_mtime_ns
        except OSError:
            return
        if seen == self._keyfile_seen:
            return
        self._keyfile_seen = seen
        try:
            self.keyfile.reload()
            current = self.keyfile.key_id
        except Exception:  # noqa: BLE001 - a damaged file: keep the key we have
            return
        if current and current != key_id(self.key):
            self.follow_key_change()

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def location(self) -> Path | str:
        """The file, or the server's URL: what ``open_database`` was given."""
        return self.url if self.url is not None else self.path

    @property
    def on_server(self) -> bool:
        """True for a PostgreSQL server, False for a database file."""
        return self.url is not None

    @property
    def name(self) -> str:
        """How messages name the database: the file's name, or the URL without password."""
        if self.url is not None:
            from finsam_desktop.db.server import shown

            return shown(self.url)
        return self.path.name

    def _prepare(self, session: Session, writable: bool) -> None:
        session.info["user"] = self.user
        session.info["database"] = self
        session.info["writable"] = writable

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction for one change: committed on success, rolled back on error."""
        self._check_key()
        with self._write.begin() as session:
            self._prepare(session, writable=True)
            if self.url is not None:
                # As SQLite's BEGIN IMMEDIATE: the program's write transactions follow one
                # another, so a check made inside one (a version, the next case number)
                # still holds at its commit. Reads never wait for it.
                from finsam_desktop.db.server import WRITE_LOCK, hold_lock

                hold_lock(session.connection(), WRITE_LOCK)
            yield session
            after = session.info.pop("after_commit", [])
        for fn in after:  # e.g. refresh the statistics extract once an account exists
            fn()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only look; never holds the write lock.

        What a read must still record (the access log's "who opened this case") is
        queued in ``session.info["pending_writes"]`` as ``fn(write_session)`` and written
        in its own short transaction after the read.
        """
        self._check_key()
        with self._read() as session:
            self._prepare(session, writable=False)
            yield session
            if self.url is not None:
                # Ended by COMMIT, the same for a read: psycopg forgets the statements
                # it has prepared on the connection at every ROLLBACK, and a list's
                # statements, prepared after a few pages, are then planned anew at each.
                session.commit()
            else:
                session.rollback()
            pending = session.info.pop("pending_writes", [])
        if pending:
            with self.session() as write:
                for fn in pending:
                    fn(write)

    def checkpoint(self) -> None:
        """Fold the WAL into the file so it stands alone (nothing to do on a server)."""
        if self.url is None:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def raw_connect(self, readonly: bool = False):
        """A DB-API connection to this file with this file's key (see ``raw_connect``);
        on a server a psycopg connection in autocommit mode (``readonly`` not applied)."""
        if self.url is not None:
            from finsam_desktop.db import server

            return server.raw_connect(self.url, self.login)
        return raw_connect(self.path, self.key, readonly=readonly)

    def use_login(self, login: Any) -> None:
        """Connect from now on with ``login`` (the account's own password was changed)."""
        self.engine.dispose()
        self.login = login
        self._use_key(self.key)

    def close(self) -> None:
        self.engine.dispose()
