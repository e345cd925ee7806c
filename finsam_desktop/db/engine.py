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
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from finsam_desktop.db.keys import sqlcipher_key

BUSY_TIMEOUT_MS = 10_000
# SQLCipher decrypts a page each time it enters SQLite's page cache; a 32 MB cache
# (instead of 2 MB) keeps a 100k-person database's hot pages decrypted
# (tests/benchmarks/test_encryption_bench.py: a deep list page 242 ms → 24 ms).
ENCRYPTED_CACHE_KIB = 32_000


def _configure(dbapi_connection: Any, encrypted: bool = False) -> None:
    cursor = dbapi_connection.cursor()
    if encrypted:
        cursor.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
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

    def __init__(self, path: Path | str, key: bytes | None = None, keyfile: Any = None):
        self.path = Path(path)
        self.key = key
        self.keyfile = keyfile
        # (private key, user id) of the signed-in account: lets this copy of the program
        # follow a change of key made by another (``follow_key_change``).
        self.key_source: Any = None
        self.user: Any = None
        self.engine = make_engine(self.path, key)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def _prepare(self, session: Session, writable: bool) -> None:
        session.info["user"] = self.user
        session.info["database"] = self
        session.info["writable"] = writable

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction for one change: committed on success, rolled back on error."""
        with self._write.begin() as session:
            self._prepare(session, writable=True)
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only look; never holds the write lock.

        What a read must still record (the access log's "who opened this case") is
        queued in ``session.info["pending_writes"]`` as ``fn(write_session)`` and written
        in its own short transaction after the read.
        """
        with self._read() as session:
            self._prepare(session, writable=False)
            yield session
            session.rollback()
            pending = session.info.pop("pending_writes", [])
        if pending:
            with self.session() as write:
                for fn in pending:
                    fn(write)

    def raw_connect(self, readonly: bool = False):
        """A DB-API connection to this file with this file's key (see ``raw_connect``)."""
        return raw_connect(self.path, self.key, readonly=readonly)

    def close(self) -> None:
        self.engine.dispose()
