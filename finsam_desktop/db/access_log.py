"""The access log's writing side: every change made through a ``Database``'s sessions
is recorded, and the anchor file beside the database follows the head of the log.

``install`` registers the listeners on one Database's session factories (``db/engine.py``
does it for every Database it opens), so a write is logged in any process that opens
the database, whatever else it imported. What an entry holds, the hash chain and the
anchors are explained in ``services/audit.py``, which records the other entries
(logins, views, printouts) and reviews and checks the log.

Entries are written with Core inserts on the session's connection, in the same
transaction as the change they describe: a change that is rolled back leaves no entry
and an entry cannot exist without its change.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import logging
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from finsam_desktop.db import safe_file
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.db.server import LOG_LOCK, hold_lock, storable

log = logging.getLogger(__name__)

# The actions of a change to a row (services.audit.Action has these among its values).
CREATE, UPDATE, DELETE = "create", "update", "delete"

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


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def plain(value: Any) -> Any:
    """A JSON-safe rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


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


def append(session: Session, entries: list[dict[str, Any]]) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # SQLite's write lock already puts writers one after the other; on a server the
        # chain's appenders queue here, each reading the head its predecessor committed.
        hold_lock(connection, LOG_LOCK)
        # Hashed as the server stores them (a NUL becomes U+FFFD there).
        entries = [{k: storable(v) for k, v in values.items()} for values in entries]
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
    # The log's first entry and its last (this one) in one statement: on a server each is
    # a round trip, with every write and every search by personnummer.
    first_hash = select(AuditRow.hash).order_by(AuditRow.id).limit(1).scalar_subquery()
    first_id, last_id, first_hash = connection.execute(
        select(func.min(AuditRow.id), func.max(AuditRow.id), first_hash)
    ).one()
    session.info["log_head"] = ChainHead(last_id - first_id + 1, last_id, prev, first_hash)


def entry(
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
    user = user if user is not None else session.info.get("user")
    return {
        "at": at or utc_now(),
        "user_id": user.id if user else None,
        "username": user.username if user else "",
        "action": str(action),
        "table_name": table,
        "record_id": record_id,
        "person_id": person_id,
        "what": what[:200],
        "details": plain(details) if details else None,
    }


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
            found = person_through(session, fk.column.table, fk.column, ref, PERSON_HOPS)
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


def person_through(session: Session, table, key_column, value: int, hops: int) -> int | None:
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
            found = person_through(session, fk.column.table, fk.column, ref, hops - 1)
            if found is not None:
                return found
    return None


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
        values[attr.key] = MASK if attr.key in masked and value else plain(value)
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
        changed[attr.key] = [plain(before), plain(after)]
    return changed


def _on_after_flush(session: Session, _context) -> None:
    entries = []
    for obj in session.new:
        table = _table(obj)
        if isinstance(obj, AuditRow) or table in UNLOGGED_TABLES:
            continue
        details = {"after": _column_values(obj, table)}
        entries.append(_change_entry(session, CREATE, obj, table, details))
    for obj in session.dirty:
        table = _table(obj)
        if table in UNLOGGED_TABLES or not session.is_modified(obj, include_collections=False):
            continue
        changed = _changes(obj, table)
        if not set(changed) - QUIET_FIELDS.get(table, set()):
            continue
        entries.append(_change_entry(session, UPDATE, obj, table, {"changed": changed}))
    for obj in session.deleted:
        table = _table(obj)
        if table in UNLOGGED_TABLES:
            continue
        details = {"before": _column_values(obj, table)}
        entries.append(_change_entry(session, DELETE, obj, table, details))
    if entries:
        append(session, entries)


def _table(obj) -> str:
    return inspect(obj).mapper.local_table.name


def _change_entry(session: Session, action: str, obj, table: str, details: dict) -> dict[str, Any]:
    """One log entry for a created, changed or deleted row."""
    return entry(
        session,
        action,
        table=table,
        record_id=_record_id(obj),
        what=_record_name(obj),
        person_id=_person_id(session, obj),
        details=details,
    )


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


def findings_in(data: dict[str, Any] | None) -> list[Finding]:
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


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_anchor(path: Path) -> Anchor | None:
    """The anchor in ``path`` (an anchor file or a backup manifest); None if there is none
    or it cannot be read."""
    data = read_json(path)
    try:
        return Anchor(
            ChainHead.from_dict(data["log"]),
            datetime.fromisoformat(data["written_at"]),
            path.name,
            _previous(data),
            tuple(findings_in(data)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _previous(data: dict[str, Any]) -> ChainHead | None:
    try:
        return ChainHead.from_dict(data["previous"]) if data.get("previous") else None
    except (KeyError, TypeError, ValueError):
        return None


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
    data = read_json(path)
    findings = findings_in(data)
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


def _on_before_commit(session: Session) -> None:
    # SQLAlchemy calls this before the commit's own flush: flush first, so that a change
    # only flushed by the commit is logged before the anchor is brought to the log's head
    # (otherwise the next transaction would find its entries added outside the program).
    if session.new or session.dirty or session.deleted:
        session.flush()
    head = session.info.pop("log_head", None)
    start = session.info.pop("log_start", None)
    database = session.info.get("database")
    # A database on a server has no file beside it to hold an anchor (issue 14 §2/§4).
    if head is not None and database is not None and database.path is not None:
        _advance_anchor(session, database.path, start, head)


def _on_after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop("log_head", None)
    session.info.pop("log_start", None)


# The factories that carry the listeners. Not ``event.contains``: SQLAlchemy's registry is
# keyed by ``id()`` and can still hold a dead factory's entry when a new factory is given the
# same id, so a new Database would silently log nothing (found: 3,199 of 20,000 factories).
_INSTALLED: weakref.WeakSet[sessionmaker] = weakref.WeakSet()


def install(factory: sessionmaker) -> None:
    """Record every ORM change of every session ``factory`` makes, and keep the anchor
    file beside the database at the head of the log after every commit (idempotent)."""
    if factory in _INSTALLED:
        return
    for name, listener in (
        ("after_flush", _on_after_flush),
        ("before_commit", _on_before_commit),
        ("after_soft_rollback", _on_after_soft_rollback),
    ):
        event.listen(factory, name, listener)
    _INSTALLED.add(factory)
