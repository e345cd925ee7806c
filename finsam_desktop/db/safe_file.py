"""Small JSON files that several copies of the program change at once, safely.

The key file (``<db>.keys``) and the failed-login file (``<db>.attempts``) sit next to
a database that two PCs may open over a shared folder. Every change to such a file is
one **read-modify-write under an exclusive lock** (``filelock``: ``<file>.lock``):

1. take the lock, read the current file (never a copy read earlier);
2. change it in memory;
3. write it to a unique temporary file in the same folder (``tempfile.mkstemp``),
   flush and fsync it, ``os.replace`` it over the file, fsync the folder;
4. read it back and check it parses and holds exactly what was written;
5. (optionally) the version that was replaced is kept as ``<file>.previous``,
   written the same way, so that a file damaged later by something outside the
   program (a half-copied file, an editor) still has a good predecessor.

Reading needs no lock: ``os.replace`` means a reader sees the old or the new file,
never half of one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_TIMEOUT_SECONDS = 60


class FileDamaged(Exception):
    """The file exists but is not what the program wrote (empty, cut off, edited)."""


class FileBusy(Exception):
    """Another copy of the program held the lock for longer than a minute."""


def lock_path(path: Path) -> Path:
    return Path(str(path) + ".lock")


def previous_path(path: Path) -> Path:
    return Path(str(path) + ".previous")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    # filelock imports asyncio (a tenth of a second): not before the login is painted.
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise FileBusy(str(path)) from None
    try:
        yield
    finally:
        lock.release()


def read_json(path: Path) -> dict:
    """The parsed file; FileNotFoundError when missing, FileDamaged when unreadable."""
    import json  # here, not at import: finding the state of a database file needs none

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise FileDamaged(str(path)) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FileDamaged(str(path)) from exc
    if not isinstance(data, dict):
        raise FileDamaged(str(path))
    return data


def fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is already durable
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` atomically over ``path`` and verify it (caller holds the lock)."""
    import json
    import tempfile  # only to write: reading the state of a database file needs none

    path = Path(path)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(path.parent)
    if read_json(path) != json.loads(text):
        raise FileDamaged(str(path))


def update_json(
    path: Path,
    change: Callable[[dict | None], dict | None],
    *,
    keep_previous: bool = False,
    read: Callable[[Path], dict | None] | None = None,
) -> dict | None:
    """Under the lock: read the file (``read`` or ``read_json``; None when missing), let
    ``change`` return the new content (None: leave the file as it is), write it."""
    import json

    path = Path(path)
    with locked(path):
        if read is not None:
            current = read(path)
        else:
            try:
                current = read_json(path)
            except FileNotFoundError:
                current = None
        old_text = json.dumps(current, sort_keys=True) if current is not None else None
        new = change(None if current is None else json.loads(old_text))
        if new is None:
            return current
        if keep_previous and current is not None and json.dumps(new, sort_keys=True) != old_text:
            write_json(previous_path(path), current)
        write_json(path, new)
        return new


def leftover_temp_files(path: Path) -> list[Path]:
    """Temporary files of ``write_json`` left by a program that was killed mid-write:
    ``NAME.*.tmp`` beside ``path`` (by name, not as a glob pattern, which would read
    a ``[`` in the file's name as one and costs every start a regular expression)."""
    path = Path(path)
    prefix, suffix = path.name + ".", ".tmp"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(
        path.parent / name
        for name in names
        if name.startswith(prefix)
        and name.endswith(suffix)
        and len(name) >= len(prefix) + len(suffix)
    )


def remove_leftovers(path: Path) -> None:
    for tmp in leftover_temp_files(path):
        with contextlib.suppress(OSError):
            tmp.unlink()


def atomic_copy(source: Path, dest: Path) -> None:
    """Copy a small file so that ``dest`` is either the old or the whole new file."""
    import tempfile

    data = Path(source).read_bytes()
    fd, tmp = tempfile.mkstemp(dir=Path(dest).parent, prefix=Path(dest).name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(Path(dest).parent)
