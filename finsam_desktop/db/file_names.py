"""A database file's kind and the files kept beside it, by name only.

``is_plain_sqlite`` tells an unencrypted SQLite file from an SQLCipher one; the key
file (``<database>.keys``, ``db/keys.py``) and the failed-login file
(``<database>.attempts``) sit next to the database. Apart from ``db/keys.py`` (which
imports the cryptography and the key file's classes) so that what only looks at the
files, such as the state of a database before the login (``services/database_state.py``,
also on the way of ``finsam lots summary``), imports nothing more than ``pathlib``.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\0"


def is_plain_sqlite(path: Path) -> bool:
    """True for an unencrypted SQLite file; an SQLCipher file starts with random salt."""
    with open(path, "rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def sidecar_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".keys")


def attempts_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".attempts")
