"""Copies of the database made with SQLite's backup API (safe while the file is in use)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


class BackupError(RuntimeError):
    pass


def backup_file(source: Path, dest: Path) -> Path:
    """Copy ``source`` to ``dest`` page by page, then verify the copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        raise BackupError(f"destination exists: {dest.name}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            # A backup is a single self-contained file: no WAL beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    verify(dest)
    return dest


def verify(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (result,) = con.execute("PRAGMA integrity_check").fetchone()
    finally:
        con.close()
    if result != "ok":
        raise BackupError(f"integrity check failed for {path.name}")


def timestamped_name(source: Path, label: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{source.stem}.{label}-{stamp}{source.suffix or '.sqlite'}"
