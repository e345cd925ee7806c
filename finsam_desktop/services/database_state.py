"""What is at a database's place before anyone signs in, and what an interrupted first
start left beside it.

- ``database_state(path)``: NEW (no file), PLAIN (an unencrypted file from before
  encryption, or a test database), ENCRYPTED (an SQLCipher file) or, for a PostgreSQL
  URL, SERVER (NEW while it has no account). Before it looks, what an interrupted first
  start left behind is finished or cleaned up (``finish_interrupted_start``).

The sign-in (``services/signin.py``: the first start, the login, the recovery key)
builds on this and names it too. Apart from it because the window's login and
``finsam lots summary`` ask the state before anything is opened: this module looks at
files only (``db/file_names.py``), and imports the key file, the access log's anchor,
the lock or SQLAlchemy in the rare paths that need them.
"""

from __future__ import annotations

import enum
import os
import time
from pathlib import Path

from finsam_desktop.db import safe_file
from finsam_desktop.db.file_names import is_plain_sqlite, sidecar_path
from finsam_desktop.paths import is_server
from finsam_desktop.services.access import BEFORE_LOGIN

# Every function here runs before anyone is signed in (services/access.py).
MODULE_ACCESS = BEFORE_LOGIN


class DatabaseState(enum.Enum):
    NEW = "new"
    PLAIN = "plain"
    ENCRYPTED = "encrypted"
    SERVER = "server"  # a PostgreSQL database with accounts


def _staging(path: Path, plain: bool) -> Path:
    return path.with_name(path.name + (".encrypting" if plain else ".creating"))


def _exists(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _promote(staging: Path, path: Path) -> None:
    """The complete staging file becomes the database, its access-log anchor with it
    (the anchor belongs to the log inside the file)."""
    from finsam_desktop.services.audit import anchor_path

    staged_anchor = anchor_path(staging)
    if staged_anchor.exists():
        os.replace(staged_anchor, anchor_path(path))
    os.replace(staging, path)
    safe_file.fsync_folder(path.parent)


def _remove_staging(staging: Path) -> None:
    """A staging file that will not become the database, with everything beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(staging) + suffix).unlink(missing_ok=True)
    from finsam_desktop.services.audit import anchor_path

    anchor = anchor_path(staging)
    anchor.unlink(missing_ok=True)
    safe_file.remove_leftovers(anchor)


def _set_aside(path: Path) -> None:
    """A key file that belongs to no database: renamed, never deleted (it may matter)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for candidate in (path, safe_file.previous_path(path)):
        if candidate.exists():
            os.replace(candidate, candidate.with_name(f"{candidate.name}.unused-{stamp}"))


def finish_interrupted_start(path: Path) -> None:
    """What a first start or conversion killed half-way left behind, made whole.

    - a new database built completely (``.creating``) whose key file was written, but
      not yet renamed into place: renamed now (the administrator can log in; the key
      file still asks for a new recovery key, since the first was perhaps never shown);
    - a ``.creating`` or ``.encrypting`` file without a key file, or an ``.encrypting``
      file beside the plain original: removed (the old state stays);
    - a key file without a database: set aside as ``.keys.unused-…``;
    - temporary files of the key file's atomic writes: removed.
    """
    path = Path(path)
    if not _anything_left(path):
        return  # the usual case: nothing to finish, and no lock file made beside the data
    from filelock import Timeout

    lock = _start_lock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return  # another copy of the program is in its first start right now
    try:
        _finish_interrupted_start(path)
    finally:
        lock.release()


def _anything_left(path: Path) -> bool:
    """Whether an interrupted start or key-file write left anything behind."""
    keys = sidecar_path(path)
    if _staging(path, False).exists() or _staging(path, True).exists():
        return True
    for name in (keys, Path(str(path) + ".attempts")):
        if safe_file.leftover_temp_files(name) or safe_file.leftover_temp_files(
            safe_file.previous_path(name)
        ):
            return True
    if not _exists(path):
        return keys.exists() or safe_file.previous_path(keys).exists()
    return is_plain_sqlite(path) and keys.exists()


def _start_lock(path: Path):
    """Held during a first start, so that another copy of the program starting at the
    same moment does not take the half-built files for leftovers (a FileLock; filelock
    imports asyncio, so it is imported only here)."""
    from filelock import FileLock

    return FileLock(str(path) + ".start.lock")


def _finish_interrupted_start(path: Path) -> None:
    keys = sidecar_path(path)
    for name in (keys, Path(str(path) + ".attempts")):
        safe_file.remove_leftovers(name)
        safe_file.remove_leftovers(safe_file.previous_path(name))
    creating, encrypting = _staging(path, False), _staging(path, True)
    if encrypting.exists() and _exists(path) and is_plain_sqlite(path):
        _remove_staging(encrypting)
    if creating.exists():
        if not _exists(path) and _key_file_state(path) == "ok":
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            _promote(creating, path)
        else:
            _remove_staging(creating)
    if not _exists(path) and (keys.exists() or safe_file.previous_path(keys).exists()):
        _set_aside(keys)
    if _exists(path) and is_plain_sqlite(path) and keys.exists():
        _set_aside(keys)  # from a conversion that never reached the rename


def _key_file_state(path: Path) -> str:
    from finsam_desktop.db.keys import key_file_state  # the key file's reader: rarely needed

    return key_file_state(path)


def database_state(path: Path | str) -> DatabaseState:
    if is_server(path):
        return _server_state(str(path))
    path = Path(path)
    if path.parent.is_dir():
        finish_interrupted_start(path)
    return _state(path)


def _state(path: Path) -> DatabaseState:
    if not _exists(path):
        return DatabaseState.NEW
    if is_plain_sqlite(path):
        return DatabaseState.PLAIN
    return DatabaseState.ENCRYPTED


def _server_state(url: str) -> DatabaseState:
    """NEW while the server's database has no account, else SERVER (creates or upgrades
    the schema on the way: the same as opening it)."""
    from sqlalchemy import func, select

    from finsam_desktop.db.migrate import ServerUnreachable, open_database
    from finsam_desktop.db.security_models import UserRow

    try:
        db = open_database(url)
    except ServerUnreachable:
        # With a role per account the workstation has no credentials of its own: the
        # account's login is what connects (a wrong address then says so at the login).
        return DatabaseState.SERVER
    try:
        with db.reading() as session:
            accounts = session.scalar(select(func.count()).select_from(UserRow))
    finally:
        db.close()
    return DatabaseState.SERVER if accounts else DatabaseState.NEW
