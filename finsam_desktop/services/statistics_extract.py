"""Keeping the statistics extract current: the de-identified copy a statistik account
works in (``db/extract.py``) is written anew after the case data or the statistics
accounts change (a password, a role, the database key, a session that ends).
"""

from __future__ import annotations

import logging
import threading

from finsam_desktop.db import extract
from finsam_desktop.db.engine import Database
from finsam_desktop.db.keys import STATISTICS_SCOPE
from finsam_desktop.services.access import Permission, no_personal_data


@no_personal_data
def refresh_extract(db: Database, force: bool = False) -> bool:
    """Write the statistics extract anew (``db/extract.py``) from a database opened by
    an account that may read everything. Skipped for a plain database, the extract
    itself, or (unless ``force``) when no statistics account needs one. Never raises:
    a failure is logged (its kind only) and the old extract stays."""
    if db.key is None or db.extract_made_at is not None:
        return False
    if db.user is not None and not db.user.may(Permission.CASEWORK):
        return False
    if not force and not extract.extract_path(db.path).exists() and not _has_statistics(db):
        return False
    try:
        with _writing:
            extract.write_extract(db.path, db.key)
    except Exception as exc:  # noqa: BLE001 - the program goes on; the old extract stays
        logging.getLogger(__name__).error("statistics extract not written: %s", type(exc).__name__)
        return False
    return True


# One extract written at a time in this program (the lock, the hourly check and the end
# of a session may each ask for one).
_writing = threading.Lock()


@no_personal_data
def refresh_extract_beside(db: Database) -> threading.Thread:
    """``refresh_extract`` in a thread of its own: at 100,000 participants the extract
    takes a minute or more, and the inactivity lock must cover the windows at once. The
    program waits for it before it ends (not a daemon thread)."""
    thread = threading.Thread(target=refresh_extract, args=(db,), name="finsam-extract")
    thread.start()
    return thread


def _has_statistics(db: Database) -> bool:
    if db.keyfile is None:
        return False
    return STATISTICS_SCOPE in {db.keyfile.scope_of(i) for i in db.keyfile.user_ids()}
