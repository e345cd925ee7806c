"""The access log (loggning): who did what, when, to which person or record.

- ``record`` writes one entry: logins, failed logins, locks, views, printouts and
  exports, account changes.
- Every change made through the ORM is recorded by a flush listener on the sessions of
  each ``Database`` (``db/access_log.py``, registered by the Database itself, so a write
  is logged whatever the process imported): table, record id, person id (for a person
  row or a row with ``person_id``)
  and, per changed field, the value before and after. The log sits in the encrypted
  database with the data it describes, so holding case text here is no new exposure.
- The log is append-only: triggers refuse UPDATE, and DELETE of anything younger than
  five years (migration 0005). Each entry holds the hash of the entry before it and a
  hash over its own content; ``verify_chain`` recomputes the chain and names the first
  entry that was changed, removed or inserted out of turn.

Entries are written with Core inserts on the session's connection, in the same
transaction as the change they describe: a change that is rolled back leaves no entry
and an entry cannot exist without its change. A view recorded in a read-only session
is queued and written in its own short transaction when the read ends.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from inspect import signature as signature_of
from pathlib import Path
from time import monotonic
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db import access_log, safe_file
from finsam_desktop.db.access_log import (
    PERSON_HOPS,
    Anchor,
    ChainHead,
    Finding,
    anchor_path,
    anchor_record,
    append,
    entry,
    findings_in,
    person_through,
    read_json,
    utc_now,  # noqa: F401 - the log's clock, used by services.accounts
)
from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import (
    Permission,
    building_block,
    current_user,
    no_personal_data,
    pure,
    requires,
)

log = logging.getLogger(__name__)


class Action(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock_failed"
    VIEW = "view"
    CREATE = access_log.CREATE
    UPDATE = access_log.UPDATE
    DELETE = access_log.DELETE
    OUTPUT = "output"
    ACCOUNT = "account"
    PASSWORD = "password"
    RECOVERY = "recovery"
    GALLRING = "gallring"
    RESTORE = "restore"

    @property
    def label(self) -> str:
        return _(ACTION_LABELS[self])


ACTION_LABELS: dict[Action, str] = {
    Action.LOGIN: N_("Login"),
    Action.LOGIN_FAILED: N_("Failed login"),
    Action.LOGOUT: N_("Logout"),
    Action.LOCK: N_("Locked"),
    Action.UNLOCK: N_("Unlocked"),
    Action.UNLOCK_FAILED: N_("Failed unlock"),
    Action.VIEW: N_("Opened"),
    Action.CREATE: N_("Created"),
    Action.UPDATE: N_("Changed"),
    Action.DELETE: N_("Removed"),
    Action.OUTPUT: N_("Printout or export"),
    Action.ACCOUNT: N_("Account"),
    Action.PASSWORD: N_("Password"),
    Action.RECOVERY: N_("Recovery key used"),
    Action.GALLRING: N_("Gallring"),
    Action.RESTORE: N_("Backup restored"),
}


ACTION_VALUES = frozenset(a.value for a in Action)


@building_block
def record(session: Session, action: str, **fields: Any) -> None:
    """Append one entry (see ``db.access_log.entry`` for the fields). In a read-only session the
    entry is written right after the read, in its own transaction."""
    login = getattr(session.info.get("database"), "login", None)
    if login is not None and login.group == "statistics":
        return  # a statistik role on a server writes nowhere (db/server_roles.py)
    values = entry(session, action, **fields)
    if session.info.get("writable", True) or "database" not in session.info:
        append(session, [values])
    else:
        session.info.setdefault("pending_writes", []).append(lambda s: append(s, [values]))


@building_block
def person_of(session: Session, table_name: str, record_id: int) -> int | None:
    """The person the row ``record_id`` of ``table_name`` is about (None if none)."""
    table = AuditRow.metadata.tables[table_name]
    return person_through(session, table, table.c.id, record_id, PERSON_HOPS)


# --- checking the chain ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # id of the first entry that does not fit
    problem: str = ""
    head: ChainHead | None = None  # of the log as found
    anchor: Anchor | None = None  # the newest anchor it was compared with

    @property
    def ok(self) -> bool:
        return self.broken_at is None


@requires(Permission.ADMINISTER)
def chain_head(session: Session) -> ChainHead | None:
    """The head of the log now (None: an empty log)."""
    a = AuditRow
    first_id, last_id = session.execute(select(func.min(a.id), func.max(a.id))).one()
    if last_id is None:
        return None
    last_hash = session.scalar(select(a.hash).where(a.id == last_id))
    first_hash = session.scalar(select(a.hash).where(a.id == first_id))
    return ChainHead(last_id - first_id + 1, last_id, last_hash, first_hash)


@pure
def head_text(head: ChainHead | None) -> str:
    """The head of the log as the review screen shows it, for the administrator to note
    down (and later compare, should anyone have rewritten the log and its anchors)."""
    if head is None:
        return _("The access log is empty.")
    return _(
        "Access log head: {n} entries, last entry {id}, checksum {hash}. Note these down "
        "now and then: a log rewritten by someone holding the key no longer matches them."
    ).format(n=head.entries, id=head.last_id, hash=head.hash)


@pure
def describe_finding(finding: Finding) -> str:
    """What an anchor noticed, in words."""
    if finding.kind == "added":
        text = _(
            "Entries {first}–{last} were added to the log outside the program (noticed {when})."
        )
    elif finding.kind == "removed":
        text = _("Entries {first}–{last} were removed from the end of the log (noticed {when}).")
    else:
        text = _("The log was rewritten at entry {first} (noticed {when}).")
    return text.format(first=finding.from_id, last=finding.to_id, when=finding.noticed_at[:19])


@pure
def reset_anchor(database: Path, head: ChainHead | None) -> None:
    """Start the anchor afresh at ``head`` (after a restore: the log is now the backup's)."""
    if head is None:
        anchor_path(database).unlink(missing_ok=True)
    else:
        safe_file.write_json(anchor_path(database), anchor_record(head))


@pure
def anchor_findings(database: Path) -> list[Finding]:
    """The findings in the anchor file beside ``database`` (for a backup's manifest)."""
    return findings_in(read_json(anchor_path(database)))


# --- reviewing the log (logguppföljning) ------------------------------------------------------


@pure
def local_time(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


# What the review calls the records and the parts of a case (codes stay as they are
# in the log; unknown ones are shown as stored).


# The same view of the same person by the same user is logged once a minute at most: a
# screen that reads again after every save is not a new look at the case.
REPEAT_VIEW_SECONDS = 60.0


def log_view(session: Session, person_id: int | None, what: str) -> None:
    """Record that the signed-in user opened a person's case (``what``: which part,
    e.g. "person", "referral", "plan"; a short code, never names or case text)."""
    database = session.info.get("database")
    if database is not None:
        user = current_user(session)
        key = (user.id if user else None, person_id, what)
        recent = database.__dict__.setdefault("_recent_views", {})
        now = monotonic()
        if now - recent.get(key, -REPEAT_VIEW_SECONDS) < REPEAT_VIEW_SECONDS:
            return
        recent[key] = now
    record(session, Action.VIEW, person_id=person_id, what=what)


def log_output(session: Session, kind: str, person_id: int | None = None) -> None:
    """Record a printout or export (``kind``: e.g. "letter", "statistics-xlsx")."""
    record(session, Action.OUTPUT, person_id=person_id, what=kind)


F = TypeVar("F", bound=Callable[..., Any])

# The argument a read names its person by, and the table that argument is the id of.
PERSON_ARGUMENTS: dict[str, str] = {
    "person_id": "person",
    "participation_id": "participation",
    "referral_id": "referral",
    "meeting_id": "info_meeting",
    "info_meeting_id": "info_meeting",
    "revision_id": "plan_revision",
    "letter_id": "sent_letter",
    "work_training_id": "work_training",
}
SHOWS_PERSON_ATTRIBUTE = "shows_person"


def shows_person(what: str) -> Callable[[F], F]:
    """A read that shows one person's data: after it, the access log gets who, when,
    which person and ``what`` view (``log_view``). The person is found from the argument
    that names it (``PERSON_ARGUMENTS``) or, for a look-up by personnummer, from the
    result (a Person, or anything with a ``person_id``)."""

    def decorate(fn: F) -> F:
        signature = signature_of(fn)
        first = next(iter(signature.parameters))
        named_by = [n for n in signature.parameters if n in PERSON_ARGUMENTS]

        @functools.wraps(fn)
        def logged(*args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(*args, **kwargs).arguments
            session = arguments[first]
            # A read made inside another (the history reads the contact journal) is part
            # of the outer view: only the outermost is logged.
            depth = session.info.get("showing_person", 0)
            session.info["showing_person"] = depth + 1
            try:
                result = fn(*args, **kwargs)
            finally:
                session.info["showing_person"] = depth
            if depth:
                return result
            given = next((n for n in named_by if arguments.get(n) is not None), None)
            if given is not None:
                person_id = person_of(session, PERSON_ARGUMENTS[given], arguments[given])
            else:
                person_id = _person_in(result)
            if person_id is not None:
                log_view(session, person_id, what)
            return result

        setattr(logged, SHOWS_PERSON_ATTRIBUTE, what)
        return logged  # type: ignore[return-value]

    return decorate


def _person_in(result: Any) -> int | None:
    person_id = getattr(result, "person_id", None)
    if isinstance(person_id, int):
        return person_id
    if type(result).__name__ == "Person":
        return result.id
    return None


for _fn in (log_view, log_output):
    no_personal_data(_fn)
pure(shows_person)
