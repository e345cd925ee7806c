"""Copies of the database made with SQLite's backup API (safe while the file is in use).

A backup is one self-contained file (no WAL beside it), verified with
``integrity_check`` before it counts. When the database is encrypted the copy is
written through a connection keyed with the same key, so it stays encrypted.
Restoring puts the current file aside under a timestamped name first; nothing is
ever deleted by a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from finsam_desktop.i18n import _

STAMP_FORMAT = "%Y%m%d-%H%M%S"
BACKUP_SUFFIX = ".sqlite"
WAL_SUFFIXES = ("-wal", "-shm", "-journal")

# How many copies thinning keeps: one per day, then per ISO week, then per month.
KEEP_DAILY = 7
KEEP_WEEKLY = 5
KEEP_MONTHLY = 12


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message is for the user."""


def connect(path: Path, key: Any = None, readonly: bool = False):
    """A raw DB-API connection, keyed when the database is encrypted."""
    from finsam_desktop.db.engine import raw_connect

    return raw_connect(path, key=key, readonly=readonly)


def sidecar(path: Path) -> Path:
    """The file of wrapped keys that belongs to an encrypted database (see db/keys.py)."""
    from finsam_desktop.db.keys import sidecar_path

    return sidecar_path(path)


def copy_sidecar(source_db: Path, dest_db: Path) -> None:
    """An encrypted copy is useless without its key wraps: they travel together."""
    src = sidecar(source_db)
    if src.exists():
        shutil.copyfile(src, sidecar(dest_db))


def manifest_path(backup: Path) -> Path:
    """The manifest beside a backup: when it was taken and the head of its access log
    (services/audit.py: the chain is anchored outside the database by these)."""
    return Path(str(backup) + ".manifest.json")


def remove_with_sidecar(path: Path) -> None:
    path.unlink(missing_ok=True)
    sidecar(path).unlink(missing_ok=True)
    manifest_path(path).unlink(missing_ok=True)


def copy_database(source_connection, dest: Path, key: Any = None) -> Path:
    """Write ``source_connection``'s database to the new file ``dest`` and verify it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        raise BackupError(_("The backup file {name} already exists.").format(name=dest.name))
    partial = dest.with_name(dest.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        dst = connect(partial, key=key)
        try:
            source_connection.backup(dst)
            # A backup is a single self-contained file: no WAL beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
            dst.commit()
        finally:
            dst.close()
        verify(partial, key=key)
        # Only a verified copy gets the real name, so a half-written file never looks valid.
        os.replace(partial, dest)
    except BaseException:
        for suffix in ("", *WAL_SUFFIXES):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        raise
    return dest


def backup_file(source: Path, dest: Path, key: Any = None) -> Path:
    """Copy the database file ``source`` to ``dest`` page by page, then verify the copy."""
    if dest.exists():
        raise BackupError(_("The backup file {name} already exists.").format(name=dest.name))
    src = connect(source, key=key, readonly=True)
    try:
        copy_database(src, dest, key=key)
    finally:
        src.close()
    copy_sidecar(source, dest)
    return dest


def _database_errors() -> tuple[type[BaseException], ...]:
    """sqlite3's and SQLCipher's DatabaseError (the latter is not a subclass)."""
    try:
        import sqlcipher3
    except ImportError:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, sqlcipher3.DatabaseError)


def integrity(path: Path, key: Any = None) -> str:
    """``ok`` or SQLite's first complaint about the file (also: not a database, wrong key)."""
    try:
        con = connect(path, key=key, readonly=True)
        try:
            (result,) = con.execute("PRAGMA integrity_check").fetchone()
        finally:
            con.close()
    except _database_errors() as exc:
        return type(exc).__name__
    return str(result)


def verify(path: Path, key: Any = None) -> None:
    if integrity(path, key=key) != "ok":
        raise BackupError(_("The backup {name} failed the integrity check.").format(name=path.name))


def timestamped_name(source: Path, label: str, when: datetime | None = None) -> str:
    stamp = (when or datetime.now()).strftime(STAMP_FORMAT)
    return f"{source.stem}.{label}-{stamp}{source.suffix or BACKUP_SUFFIX}"


def free_path(path: Path) -> Path:
    """``path``, or ``name-2.sqlite``, ``name-3.sqlite``, ... when a copy made in the same
    second (a second `migrate`, two PCs upgrading at once) already took the name."""
    candidate, n = path, 1
    while any(Path(str(candidate) + s).exists() for s in ("", ".part", ".restoring")):
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


# --- the backup folder: names carry the time, so thinning needs no file dates ------------


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


def backup_name(stem: str, when: datetime, suffix: str = BACKUP_SUFFIX) -> str:
    return f"{stem}-backup-{when.strftime(STAMP_FORMAT)}{suffix}"


def parse_backup_name(name: str, stem: str, suffix: str = BACKUP_SUFFIX) -> datetime | None:
    """The time in a name made by ``backup_name``; None for any other file."""
    prefix = f"{stem}-backup-"
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    try:
        return datetime.strptime(name[len(prefix) : -len(suffix)], STAMP_FORMAT)
    except ValueError:
        return None


def list_backups(folder: Path, stem: str, suffix: str = BACKUP_SUFFIX) -> list[BackupFile]:
    """The backups in ``folder``, newest first (``suffix``: ``.dump`` for a server's)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        when = parse_backup_name(path.name, stem, suffix)
        if when is not None and path.is_file():
            found.append(BackupFile(path, when, path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _week(day: date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def backups_to_keep(
    stamps: Iterable[datetime],
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[datetime]:
    """Which backups thinning keeps: the newest of each of the last ``daily`` days that
    have a backup, then the newest of each of ``weekly`` older ISO weeks, then of each of
    ``monthly`` older months. The newest backup is always kept."""
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set()
    days: set[date] = set()
    # A kept copy also stands for its week and month, so coarser tiers start before it.
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    weekly_kept = monthly_kept = 0
    for stamp in ordered:
        day, week, month = stamp.date(), _week(stamp.date()), (stamp.year, stamp.month)
        if len(days) < daily:
            if day in days:
                continue
            days.add(day)
        elif weekly_kept < weekly and week not in weeks:
            weekly_kept += 1
        elif monthly_kept < monthly and month not in months:
            monthly_kept += 1
        else:
            continue
        weeks.add(week)
        months.add(month)
        keep.add(stamp)
    return keep


def thin_backups(folder: Path, stem: str, suffix: str = BACKUP_SUFFIX) -> list[Path]:
    """Delete backups thinning does not keep; returns the deleted files."""
    backups = list_backups(folder, stem, suffix)
    keep = backups_to_keep(b.taken_at for b in backups)
    removed = []
    for backup in backups:
        if backup.taken_at not in keep:
            remove_with_sidecar(backup.path)
            removed.append(backup.path)
    return removed


def is_older_than(backups: list[BackupFile], age: timedelta, now: datetime) -> bool:
    """True when there is no backup younger than ``age``."""
    return not backups or now - backups[0].taken_at >= age


def take_over(database: Path, key: Any) -> None:
    """Make sure no other copy of the program has the file open, and fold its WAL into it.

    Leaving WAL mode needs the only connection to the file, so it doubles as the check:
    on Linux another copy would otherwise go on writing into the file kept aside, and
    its work would be lost from the restored database without anyone noticing."""
    try:
        con = connect(database, key=key)
    except Exception:  # a damaged current file: nothing to protect in it, keep it aside
        return
    try:
        con.execute("PRAGMA busy_timeout = 2000")
        con.execute("PRAGMA journal_mode = DELETE").fetchone()
    except Exception as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise BackupError(
                _(
                    "Another copy of the program is using the database. Close it on every "
                    "PC and restore again. Nothing has been changed."
                )
            ) from None
    finally:
        con.close()
