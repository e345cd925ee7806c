"""The access log (loggning): who did what, when, to which person or record.

- ``record`` writes one entry: logins, failed logins, locks, views, printouts and
  exports, account changes. Service functions record views with ``shows_person`` /
  ``log_view`` and printouts with ``log_output`` (at the end of this module).
- Every change made through the ORM is recorded by a flush listener on the Session
  class: table, record id, person id (for a person row or a row with ``person_id``)
  and, per changed field, the value before and after. The log sits in the encrypted
  database with the data it describes, so holding case text here is no new exposure.
- The log is append-only: triggers refuse UPDATE, and DELETE of anything younger than
  five years (migration 0005). Each entry holds the hash of the entry before it and a
  hash over its own content; ``log_review.verify_chain`` recomputes the chain and names
  the first entry that was changed, removed or inserted out of turn.

This module writes the log and builds only on ``access.py`` (the rules) and ``db/``;
reading it back for the administrator is ``log_review.py``.

Entries are written with Core inserts on the session's connection, in the same
transaction as the change they describe: a change that is rolled back leaves no entry
and an entry cannot exist without its change. A view recorded in a read-only session
is queued and written in its own short transaction when the read ends.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from inspect import signature as signature_of
from pathlib import Path
from time import monotonic
from typing import Any, TypeVar

from sqlalchemy import Table, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from finsam_desktop.db import safe_file
from finsam_desktop.db.models import PersonRow
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

GENESIS = "0" * 64
# Fields whose change says nothing about the data (bookkeeping) are not listed.
SKIPPED_FIELDS = {"version", "updated_at"}
# Changes made by signing in are logged as the login itself, not as a row update.
QUIET_FIELDS = {"users": {"failed_attempts", "wait_until", "last_login_at"}}
MASKED_FIELDS = {"users": {"password_hash"}}
# Half-typed forms kept so that nothing is lost (services/drafts.py) are not a change to
# any record: the save that follows is logged, the autosaves every few seconds are not.
UNLOGGED_TABLES = frozenset({"draft"})
MASK = "•••"


class Action(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCK = "lock"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock_failed"
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
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


@pure
def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pure
def local_time(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


@pure
def entry_hash(prev_hash: str, values: dict[str, Any]) -> str:
    content = [
        prev_hash,
        values["at"].isoformat() if values["at"] else None,
        values["user_id"],
        values["username"],
        values["action"],
        values["table_name"],
        values["record_id"],
        values["person_id"],
        values["what"],
        values["details"],
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _append(session: Session, entries: list[dict[str, Any]]) -> None:
    connection = session.connection()
    last = connection.execute(
        select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
    ).one_or_none()
    prev = last.hash if last else GENESIS
    # Where the log stood when this transaction began writing to it: the anchor is held
    # against it before the commit (_on_before_commit).
    session.info.setdefault("log_start", (last.id, last.hash) if last else None)
    for values in entries:
        values["prev_hash"] = prev
        values["hash"] = prev = entry_hash(prev, values)
    connection.execute(insert(AuditRow.__table__), entries)
    first_id, last_id = connection.execute(
        select(func.min(AuditRow.id), func.max(AuditRow.id))
    ).one()
    first_hash = connection.execute(
        select(AuditRow.hash).where(AuditRow.id == first_id)
    ).scalar_one()
    session.info["log_head"] = ChainHead(last_id - first_id + 1, last_id, prev, first_hash)


def _entry(
    session: Session,
    action: str,
    *,
    table: str = "",
    record_id: int | None = None,
    person_id: int | None = None,
    what: str = "",
    details: dict | None = None,
    user: Any = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    user = user if user is not None else current_user(session)
    return {
        "at": at or utc_now(),
        "user_id": user.id if user else None,
        "username": user.username if user else "",
        "action": str(action),
        "table_name": table,
        "record_id": record_id,
        "person_id": person_id,
        "what": what[:200],
        "details": _plain(details) if details else None,
    }


@building_block
def record(session: Session, action: str, **fields: Any) -> None:
    """Append one entry (see ``_entry`` for the fields). In a read-only session the
    entry is written right after the read, in its own transaction."""
    values = _entry(session, action, **fields)
    if session.info.get("writable", True) or "database" not in session.info:
        _append(session, [values])
    else:
        session.info.setdefault("pending_writes", []).append(lambda s: _append(s, [values]))


# --- every change through the ORM ----------------------------------------------------------


def _person_id(session: Session, obj: Any) -> int | None:
    """The person a row is about: itself, its ``person_id``, or found through its foreign
    keys (a plan's goal → plan → participation → person), so that the review can list
    every change to one person's case."""
    if isinstance(obj, PersonRow):
        return obj.id
    value = getattr(obj, "person_id", None)
    if isinstance(value, int):
        return value
    state = inspect(obj)
    table = state.mapper.local_table
    for fk in table.foreign_keys:
        if not _leads_to_person(fk.column.table, PERSON_HOPS):
            continue
        attr = state.mapper.get_property_by_column(table.c[fk.parent.name])
        ref = getattr(obj, attr.key, None)
        if isinstance(ref, int):
            found = _person_through(session, fk.column.table, fk.column, ref, PERSON_HOPS)
            if found is not None:
                return found
    return None


PERSON_HOPS = 3
NEVER_ABOUT_A_PERSON = frozenset({"users", "audit_log", "staff"})


@functools.cache
def _leads_to_person(table: Table, hops: int) -> bool:
    """Whether rows of ``table`` can belong to a person within ``hops`` foreign keys
    (worked out once per table from the schema, so no query is spent on the others)."""
    if table.name == "person" or "person_id" in table.c:
        return True
    if hops == 0 or table.name in NEVER_ABOUT_A_PERSON:
        return False
    return any(
        fk.column.table is not table and _leads_to_person(fk.column.table, hops - 1)
        for fk in table.foreign_keys
    )


def _person_through(session: Session, table, key_column, value: int, hops: int) -> int | None:
    if table.name == "person":
        return value
    if "person_id" in table.c:
        return (
            session.connection()
            .execute(select(table.c.person_id).where(key_column == value))
            .scalar_one_or_none()
        )
    if hops == 0:
        return None
    for fk in table.foreign_keys:
        if fk.column.table is table or not _leads_to_person(fk.column.table, hops - 1):
            continue
        ref = (
            session.connection()
            .execute(select(table.c[fk.parent.name]).where(key_column == value))
            .scalar_one_or_none()
        )
        if isinstance(ref, int):
            found = _person_through(session, fk.column.table, fk.column, ref, hops - 1)
            if found is not None:
                return found
    return None


@building_block
def person_of(session: Session, table_name: str, record_id: int) -> int | None:
    """The person the row ``record_id`` of ``table_name`` is about (None if none)."""
    table = AuditRow.metadata.tables[table_name]
    return _person_through(session, table, table.c.id, record_id, PERSON_HOPS)


def _record_id(obj: Any) -> int | None:
    # During after_flush a new row has its primary key but not yet an identity key.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if len(key) == 1 and isinstance(key[0], int):
        return key[0]
    return None


def _record_name(obj: Any) -> str:
    """A record whose key is not a number (a setting) is named by its key."""
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(k) for k in key) if _record_id(obj) is None else ""


def _column_values(obj: Any, table: str) -> dict[str, Any]:
    masked = MASKED_FIELDS.get(table, set())
    values = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        value = getattr(obj, attr.key, None)
        values[attr.key] = MASK if attr.key in masked and value else _plain(value)
    return values


def _changes(obj: Any, table: str) -> dict[str, list[Any]]:
    """{field: [before, after]} for the columns this flush changes."""
    state = inspect(obj)
    masked = MASKED_FIELDS.get(table, set())
    changed = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after:
            continue
        if attr.key in masked:
            before, after = MASK, MASK
        changed[attr.key] = [_plain(before), _plain(after)]
    return changed


def _on_after_flush(session: Session, _context) -> None:
    entries = []
    for obj in session.new:
        table = _table(obj)
        if isinstance(obj, AuditRow) or table in UNLOGGED_TABLES:
            continue
        details = {"after": _column_values(obj, table)}
        entries.append(_change_entry(session, Action.CREATE, obj, table, details))
    for obj in session.dirty:
        table = _table(obj)
        if table in UNLOGGED_TABLES or not session.is_modified(obj, include_collections=False):
            continue
        changed = _changes(obj, table)
        if not set(changed) - QUIET_FIELDS.get(table, set()):
            continue
        entries.append(_change_entry(session, Action.UPDATE, obj, table, {"changed": changed}))
    for obj in session.deleted:
        table = _table(obj)
        if table in UNLOGGED_TABLES:
            continue
        details = {"before": _column_values(obj, table)}
        entries.append(_change_entry(session, Action.DELETE, obj, table, details))
    if entries:
        _append(session, entries)


def _table(obj) -> str:
    return inspect(obj).mapper.local_table.name


def _change_entry(session: Session, action: str, obj, table: str, details: dict) -> dict[str, Any]:
    """One log entry for a created, changed or deleted row."""
    return _entry(
        session,
        action,
        table=table,
        record_id=_record_id(obj),
        what=_record_name(obj),
        person_id=_person_id(session, obj),
        details=details,
    )


@pure
def install_change_log() -> None:
    """Record every ORM change of every Session, and keep the anchor file beside the
    database at the head of the log after every commit (idempotent; done on import)."""
    for name, listener in (
        ("after_flush", _on_after_flush),
        ("before_commit", _on_before_commit),
        ("after_soft_rollback", _on_after_soft_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# --- checking the chain ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChainHead:
    """Where the log stands: how many entries, the last one's id and hash, and the hash of
    the first (which names the history the chain belongs to)."""

    entries: int
    last_id: int
    hash: str
    first_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "last_id": self.last_id,
            "hash": self.hash,
            "first_hash": self.first_hash,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ChainHead:
        return ChainHead(
            int(data["entries"]), int(data["last_id"]), str(data["hash"]), str(data["first_hash"])
        )


@dataclass(frozen=True)
class Anchor:
    """A chain head kept outside the database: the file beside it, or a backup's manifest."""

    head: ChainHead
    written_at: datetime  # UTC, like the log
    source: str  # the file it was read from (shown when the log does not match it)
    previous: ChainHead | None = None  # the head before the transaction that wrote it
    findings: tuple[Finding, ...] = ()


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


# --- anchors outside the database ---------------------------------------------------------------
#
# Someone holding the database key can change the log and recompute every hash, so the chain
# alone proves nothing against him. What he cannot reach as easily is kept outside the
# database: the anchor file beside it (``<database>.logganker``), the manifest beside every
# backup (often on another share), and the head the administrator notes from the review
# screen. The anchor file is brought to the head of the log inside every write
# transaction, before its commit, while the transaction holds the database's write lock,
# so the anchors of two copies of the program follow each other in the order of the log.
# Each time, the log as this transaction found it is held against the anchor: entries added
# after the anchor without passing through the program, removed from its end or rewritten
# are written into the anchor as findings, which stay there (and go into every backup's
# manifest) even after later entries are anchored.

ANCHOR_SUFFIX = ".logganker"


@pure
def anchor_path(database: Path) -> Path:
    """The anchor file beside the database (``finsam.sqlite.logganker``)."""
    return Path(str(database) + ANCHOR_SUFFIX)


@dataclass(frozen=True)
class Finding:
    """Something an anchor noticed: ``kind`` "added" (entries from_id–to_id were not
    written by the program), "removed" (entries from_id–to_id are gone from the end),
    "rewritten" (entry from_id no longer has its anchored hash)."""

    kind: str
    from_id: int
    to_id: int
    noticed_at: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self) -> str:
        if self.kind == "added":
            text = _(
                "Entries {first}–{last} were added to the log outside the program (noticed {when})."
            )
        elif self.kind == "removed":
            text = _(
                "Entries {first}–{last} were removed from the end of the log (noticed {when})."
            )
        else:
            text = _("The log was rewritten at entry {first} (noticed {when}).")
        return text.format(first=self.from_id, last=self.to_id, when=self.noticed_at[:19])


def _findings(data: dict[str, Any] | None) -> list[Finding]:
    found = []
    for item in (data or {}).get("findings", []):
        try:
            found.append(
                Finding(
                    str(item["kind"]), int(item["from_id"]), int(item["to_id"]), item["noticed_at"]
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return found


@pure
def anchor_record(
    head: ChainHead,
    previous: ChainHead | None = None,
    findings: list[Finding] | None = None,
) -> dict[str, Any]:
    """What an anchor file and a backup manifest hold about the log (no personal data)."""
    return {
        "log": head.as_dict(),
        "previous": previous.as_dict() if previous else None,
        "written_at": datetime.now(UTC).replace(tzinfo=None).isoformat(),
        "findings": [f.as_dict() for f in findings or []],
    }


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@pure
def read_anchor(path: Path) -> Anchor | None:
    """The anchor in ``path`` (an anchor file or a backup manifest); None if there is none
    or it cannot be read."""
    data = _read_json(path)
    try:
        return Anchor(
            ChainHead.from_dict(data["log"]),
            datetime.fromisoformat(data["written_at"]),
            path.name,
            _previous(data),
            tuple(_findings(data)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _previous(data: dict[str, Any]) -> ChainHead | None:
    try:
        return ChainHead.from_dict(data["previous"]) if data.get("previous") else None
    except (KeyError, TypeError, ValueError):
        return None


@pure
def reset_anchor(database: Path, head: ChainHead | None) -> None:
    """Start the anchor afresh at ``head`` (after a restore: the log is now the backup's)."""
    if head is None:
        anchor_path(database).unlink(missing_ok=True)
    else:
        safe_file.write_json(anchor_path(database), anchor_record(head))


@building_block
def hash_at(session: Session, entry_id: int) -> str | None:
    return (
        session.connection()
        .execute(select(AuditRow.hash).where(AuditRow.id == entry_id))
        .scalar_one_or_none()
    )


def _advance_anchor(session: Session, database: Path, start, head: ChainHead) -> None:
    """Hold the log as this transaction found it (``start``: (id, hash) of its last entry,
    None if it was empty) against the anchor file, note what does not fit, and anchor
    ``head``."""
    path = anchor_path(database)
    data = _read_json(path)
    findings = _findings(data)
    previous = None
    if start is not None:
        start_id, start_hash = start
        previous = ChainHead(
            head.entries - (head.last_id - start_id), start_id, start_hash, head.first_hash
        )
        anchored = read_anchor(path) if data else None
        if anchored is not None:
            findings += _compare(session, anchored, start_id, start_hash, head)
    # An empty log before this transaction: a new database, whatever anchor was left here.
    try:
        # Anchor writers follow each other under the database's write lock, so a
        # temporary file found now is one a killed program left behind.
        safe_file.remove_leftovers(path)
        safe_file.write_json(path, anchor_record(head, previous, findings))
    except OSError as exc:  # a read-only folder must not undo the save
        log.warning("the access log anchor could not be written: %s", type(exc).__name__)


def _compare(
    session: Session, anchored: Anchor, start_id: int, start_hash: str, head: ChainHead
) -> list[Finding]:
    now = utc_now().isoformat()
    a = anchored.head
    if a.first_hash != head.first_hash:
        return [Finding("rewritten", 1, start_id, now)]
    if a.last_id == start_id:
        return [] if a.hash == start_hash else [Finding("rewritten", a.last_id, a.last_id, now)]
    if a.last_id < start_id:
        found = []
        if hash_at(session, a.last_id) != a.hash:
            found.append(Finding("rewritten", a.last_id, a.last_id, now))
        found.append(Finding("added", a.last_id + 1, start_id, now))
        return found
    # The anchor is ahead of the log: fine if the transaction it anchored did not commit
    # (its ``previous`` is where the log still ends), otherwise entries were removed.
    p = anchored.previous
    if p is not None and p.last_id == start_id and p.hash == start_hash:
        return []
    return [Finding("removed", start_id + 1, a.last_id, now)]


@pure
def anchor_findings(database: Path) -> list[Finding]:
    """The findings in the anchor file beside ``database`` (for a backup's manifest)."""
    return _findings(_read_json(anchor_path(database)))


def _on_before_commit(session: Session) -> None:
    head = session.info.pop("log_head", None)
    start = session.info.pop("log_start", None)
    database = session.info.get("database")
    if head is not None and database is not None:
        _advance_anchor(session, database.path, start, head)


def _on_after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop("log_head", None)
    session.info.pop("log_start", None)


# --- views and outputs: who looked at which person, what was printed or exported ------------

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


install_change_log()
