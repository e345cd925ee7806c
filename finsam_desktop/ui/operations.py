"""The one way a screen changes data: run a service function in a transaction,
then announce which kinds of records changed so each screen redraws only that.

The kinds (``domain.changes.Change``) come from the database: it notes the tables each
committed transaction wrote (``db/changes.py``). A screen subscribes with
``runner.changed.connect(slot)`` and looks for the kinds it shows in the frozenset.

Errors a user can act on become Swedish messages; nothing the user typed is
touched, because the form that asked stays open.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from functools import cache
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from finsam_desktop.db.engine import Database
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _
from finsam_desktop.problems import user_message
from finsam_desktop.services.access import AccessDenied
from finsam_desktop.services.records import ConcurrentChange

log = logging.getLogger(__name__)
T = TypeVar("T")


class OperationFailed(Exception):
    """A change could not be saved. ``message`` is for the user; ``problems`` per field."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


# PostgreSQL's error code for a statement the role has no right to run.
INSUFFICIENT_PRIVILEGE = "42501"


def explain_database_error(exc: BaseException) -> str:
    """A Swedish sentence for what went wrong on disk. Never includes data or SQL."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
        # A server refused the account's role: deactivated (server_roles.deactivate)
        # or its rights changed while the program was open.
        return _(
            "The server no longer lets your account use the database: it has been "
            "deactivated or its rights have changed. What you typed is kept; ask an "
            "administrator."
        )
    text = str(orig).lower()
    if "full" in text:
        return _("The disk is full. Free some space and save again; what you typed is kept.")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return _(
            "The database cannot be written to (the folder is read-only). What you typed is kept."
        )
    if "locked" in text or "busy" in text:
        return _(
            "The database is busy with a change from another copy of the program. "
            "Wait a moment and save again; what you typed is kept."
        )
    return _("The change could not be saved. What you typed is kept.")


class OperationRunner(QObject):
    changed = Signal(frozenset)  # frozenset[Change]: what a run's transactions changed

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db

    @property
    def user(self):
        """The signed-in account (``services.access.User``). Every session the runner
        (and every list query on the same database) opens carries it in
        ``session.info["user"]``, so the services enforce its role."""
        return self.db.user

    @user.setter
    def user(self, value) -> None:
        self.db.user = value

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction; raise OperationFailed on trouble.
        What it changed is announced on ``changed`` (worked out by the database from the
        tables it wrote, never named by the caller)."""

        def in_one_transaction() -> T:
            with self.db.session() as session:
                return fn(session, *args)

        return self._announced(lambda: self._translated(in_one_transaction))

    def run_in_batches(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)``, a service that commits in batches of its own (a long
        import). Errors as for ``run``; what the committed batches changed is announced
        even when a later batch fails, since the earlier ones are saved."""
        return self._announced(lambda: self._translated(lambda: fn(self.db, *args)))

    def _announced(self, call: Callable[[], T]) -> T:
        """Run ``call`` and announce the kinds of records every transaction it committed
        changed: after it returns, or after it failed part-way (what committed stays)."""
        with self.db.collecting_changes() as committed:
            try:
                result = call()
            except BaseException:
                if committed:
                    self.changed.emit(frozenset(committed))
                raise
        if committed:
            self.changed.emit(frozenset(committed))
        return result

    def _translated(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except ValidationError as exc:
            raise OperationFailed(_("Check the marked fields."), exc.problems) from None
        except (ConcurrentChange, StaleDataError):
            raise OperationFailed(str(ConcurrentChange())) from None
        except AccessDenied as exc:
            raise OperationFailed(str(exc)) from None
        except (OperationalError, DBAPIError, sqlite3.Error, OSError) as exc:
            # Only the kind of error is logged: the statement may hold personal data.
            log.error("database write failed: %s", type(getattr(exc, "orig", exc)).__name__)
            raise OperationFailed(explain_database_error(exc)) from None
        except Exception as exc:  # SQLCipher's errors, a lone surrogate, our own errors
            message = user_message(exc)
            if message is None:
                raise
            log.error("change refused: %s", type(getattr(exc, "orig", exc)).__name__)
            raise OperationFailed(message) from None

    def run_on_database(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)``: a service that opens its own transactions (a change of
        the database key). The same errors become the same Swedish messages."""
        return self._announced(lambda: self._on_database(fn, *args))

    def _on_database(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(self.db, *args)
        except ValidationError as exc:
            raise OperationFailed(_("Check the marked fields."), exc.problems) from None
        except AccessDenied as exc:
            raise OperationFailed(str(exc)) from None
        except (OperationalError, DBAPIError, sqlite3.Error, OSError) as exc:
            log.error("database change failed: %s", type(getattr(exc, "orig", exc)).__name__)
            raise OperationFailed(explain_database_error(exc)) from None
        except Exception as exc:
            message = getattr(exc, "message", None)  # the services' own Swedish refusals
            if isinstance(message, str):
                raise OperationFailed(message) from None
            if type(exc).__module__.startswith("sqlcipher3"):
                log.error("database change failed: %s", type(exc).__name__)
                raise OperationFailed(explain_database_error(exc)) from None
            raise

    def read(self, fn: Callable[..., T], *args: Any) -> T:
        with self.db.reading() as session:
            return fn(session, *args)

    def read_together(self, reads: dict[str, tuple]) -> dict[str, Any]:
        """Several independent reads, each ``(fn, *args)`` as ``read`` takes them, by
        name; their results by the same names. On a server each runs in a connection of
        its own at the same time: the server reads for one while the program waits for
        another (Översikt's four reads at 100,000 participants: 45 ms one after the other,
        34 ms together). A file's are read one after the other: SQLite's reads in threads
        took longer (27 ms against 34 ms). The first read that failed raises: on a server
        once every read has ended, on a file before the next is made."""
        if not self.db.on_server:
            return {name: self.read(*read) for name, read in reads.items()}
        futures = {name: _reader().submit(self.read, *read) for name, read in reads.items()}
        wait(futures.values())
        return {name: future.result() for name, future in futures.items()}


# The threads of ``read_together`` (no more than the connection pool's usual five, one
# left for the window's own reads meanwhile).
READERS = 4


@cache
def _reader() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(READERS, thread_name_prefix="finsam-read")
