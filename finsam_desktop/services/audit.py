"""The access log (loggning): who did what, when, to which person or record.

- ``record`` writes one entry: logins, failed logins, locks, views, printouts and
  exports, account changes.
- Every change made through the ORM is recorded by a flush listener on the Session
  class: table, record id, person id (for a person row or a row with ``person_id``)
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
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from finsam_desktop.db import safe_file
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.security_models import AuditRow, UserRow
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import (
    Permission,
    building_block,
    current_user,
    pure,
    require,
    requires,
)
from finsam_desktop.services.listing import Column, ListQuery, ListRow

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


@requires(Permission.ADMINISTER)
def verify_chain(session: Session, anchors: list[Anchor] | None = None) -> ChainReport:
    """Recompute every entry's hash and link from the first entry (which must follow the
    genesis value), then hold the log against the anchors kept outside the database
    (``anchors``; None: the anchor file beside the database and the manifests of its
    backups): what they noticed, and the newest of them. Names the first entry that was
    changed, removed or inserted out of turn, or the entries missing at the end."""
    if anchors is None:
        anchors = stored_anchors(session)
    prev: str | None = None
    checked = 0
    columns = AuditRow.__table__.c
    stmt = select(AuditRow.__table__).order_by(columns.id)
    restored_at: datetime | None = None
    for row in session.execute(stmt.execution_options(yield_per=2000)).mappings():
        values = dict(row)
        if prev is None and values["prev_hash"] != GENESIS:
            problem = _("The first entries of the log have been removed.")
            return ChainReport(checked, row["id"], problem)
        if prev is not None and values["prev_hash"] != prev:
            return ChainReport(checked, row["id"], _("An entry before this one is missing."))
        if entry_hash(values["prev_hash"], values) != values["hash"]:
            return ChainReport(checked, row["id"], _("This entry has been changed."))
        if values["action"] == Action.RESTORE:
            restored_at = values["at"]
        prev = values["hash"]
        checked += 1
    head = chain_head(session)
    # A restore puts the log back to the backup's: anchors written before it are of the
    # history that was put aside (kept in the file the restore entry names).
    anchors = [a for a in anchors if restored_at is None or a.written_at >= restored_at]
    anchor = _newest(anchors)
    findings = sorted(
        {f for a in anchors for f in a.findings}, key=lambda f: (f.noticed_at, f.from_id)
    )
    if findings:
        first = findings[0]
        problem = " ".join(f.describe() for f in findings)
        return ChainReport(checked, first.from_id, problem, head, anchor)
    if anchor is None:
        return ChainReport(checked, head=head)
    return _against_anchor(session, checked, head, anchor)


def _against_anchor(
    session: Session, checked: int, head: ChainHead | None, anchor: Anchor
) -> ChainReport:
    a = anchor.head
    when = local_time(anchor.written_at).strftime("%Y-%m-%d %H:%M:%S")
    source = anchor.source
    if head is None or head.first_hash != a.first_hash:
        problem = _(
            "The log has been rewritten from its first entry: it does not match the anchor "
            "of {when} ({source})."
        ).format(when=when, source=source)
        return ChainReport(checked, 1, problem, head, anchor)
    p = anchor.previous
    if a.last_id > head.last_id:
        # The transaction the anchor was written for did not commit: the log still ends
        # where it began.
        if p is not None and p.last_id == head.last_id and p.hash == head.hash:
            return ChainReport(checked, head=head, anchor=anchor)
        problem = _(
            "Entries at the end of the log have been removed: the anchor of {when} ({source}) "
            "records {n} entries up to entry {id}, the log ends at entry {last}."
        ).format(when=when, source=source, n=a.entries, id=a.last_id, last=head.last_id)
        return ChainReport(checked, head.last_id + 1, problem, head, anchor)
    if _hash_at(session, a.last_id) != a.hash:
        problem = _(
            "The log has been rewritten: entry {id} does not match the anchor of {when} ({source})."
        ).format(id=a.last_id, when=when, source=source)
        return ChainReport(checked, a.last_id, problem, head, anchor)
    if head.last_id > a.last_id:
        # The program anchors inside every transaction, before it commits: an entry past
        # the newest anchor was not written by it.
        problem = _(
            "Entries {first}–{last} were added to the log outside the program: the anchor of "
            "{when} ({source}) ends at entry {id}."
        ).format(first=a.last_id + 1, last=head.last_id, when=when, source=source, id=a.last_id)
        return ChainReport(checked, a.last_id + 1, problem, head, anchor)
    present = session.scalar(
        select(func.count()).select_from(AuditRow).where(AuditRow.id <= a.last_id)
    )
    if present < a.entries:
        problem = _(
            "Entries have been removed: the anchor of {when} ({source}) records {n} entries "
            "up to entry {id}, the log has {found}."
        ).format(when=when, source=source, n=a.entries, id=a.last_id, found=present)
        return ChainReport(checked, a.last_id, problem, head, anchor)
    return ChainReport(checked, head=head, anchor=anchor)


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


def _newest(anchors: list[Anchor]) -> Anchor | None:
    return max(anchors, key=lambda a: (a.head.last_id, a.written_at), default=None)


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


def _hash_at(session: Session, entry_id: int) -> str | None:
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
        if _hash_at(session, a.last_id) != a.hash:
            found.append(Finding("rewritten", a.last_id, a.last_id, now))
        found.append(Finding("added", a.last_id + 1, start_id, now))
        return found
    # The anchor is ahead of the log: fine if the transaction it anchored did not commit
    # (its ``previous`` is where the log still ends), otherwise entries were removed.
    p = anchored.previous
    if p is not None and p.last_id == start_id and p.hash == start_hash:
        return []
    return [Finding("removed", start_id + 1, a.last_id, now)]


@requires(Permission.ADMINISTER)
def stored_anchors(session: Session) -> list[Anchor]:
    """The anchors of the database of ``session``: the file beside it and the manifests of
    its backups in the backup folder."""
    database = session.info.get("database")
    if database is None:
        return []
    from finsam_desktop.db import backup as files
    from finsam_desktop.services.backups import folder_for, get_settings

    found = [read_anchor(anchor_path(database.path))]
    folder = folder_for(database, get_settings(session))
    for backup in files.list_backups(folder, database.path.stem):
        found.append(read_anchor(files.manifest_path(backup.path)))
    return [a for a in found if a is not None]


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


# --- reviewing the log (logguppföljning) ------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    person_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def _utc_bounds(day: date, end: bool) -> datetime:
    """Local midnight of ``day`` (or of the next day) in UTC, as the log stores it."""
    local = datetime.combine(day + timedelta(days=1) if end else day, time())
    return local.astimezone(UTC).replace(tzinfo=None)


@pure
def local_time(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


# What the review calls the records and the parts of a case (codes stay as they are
# in the log; unknown ones are shown as stored).
SUBJECT_LABELS: dict[str, str] = {
    "person": N_("Person"),
    "users": N_("Account"),
    "referral": N_("Referral"),
    "info_meeting": N_("Information meeting"),
    "participation": N_("Participation"),
    "case": N_("Case"),
    "case_file": N_("Case file"),
    "case_contact": N_("Contact journal"),
    "case_event": N_("Case event"),
    "mapping_session": N_("Mapping conversation"),
    "mapping_answer": N_("Mapping answer"),
    "plan_revision": N_("Action plan"),
    "plan_goal": N_("Action plan goal"),
    "plan_insats": N_("Action plan insats"),
    "work_training": N_("Work training"),
    "work_visit": N_("Workplace visit"),
    "study_support": N_("Study support"),
    "sent_letter": N_("Letter"),
    "letter_template": N_("Letter template"),
    "lots_case": N_("Lotsärende"),
    "lots_category": N_("Lotsärende category"),
    "case_option": N_("Case list value"),
    "mapping_template": N_("Mapping template"),
    "meeting_place": N_("Meeting place"),
    "referral_party_contact": N_("Referral: party in contact"),
    "registerutdrag": N_("Registerutdrag"),
    "setting": N_("Setting"),
    "staff": N_("Staff"),
    "insats": N_("Insats"),
    "federation": N_("Federation"),
    "municipality": N_("Municipality"),
    "party": N_("Party"),
    # Views of a person's data (access.shows_person, listing.SearchLog) and outputs.
    "person-search": N_("Search by personnummer"),
    "case-search": N_("Case list: search by personnummer"),
    "referral-search": N_("Referral list: search by personnummer"),
    "meeting-search": N_("Information meetings: search by personnummer"),
    "case-overview": N_("Case overview"),
    "contact-journal": N_("Contact journal"),
    "timeline": N_("Case history"),
    "referrals": N_("Referrals of the person"),
    "info-meetings": N_("Information meetings of the person"),
    "info-meeting": N_("Information meeting"),
    "plan-history": N_("Action plan history"),
    "plan": N_("Action plan"),
    "work-training": N_("Work training"),
    "study-support": N_("Study support"),
    "mapping": N_("Mapping"),
    "closing": N_("Closing"),
    "entry-situation": N_("Situation at entry"),
    "closing-letter": N_("Closing letter"),
    "letters": N_("Letters of the person"),
    "letter": N_("Letter"),
    "backup": N_("Backup"),
    "lots-summary-pdf": N_("Lots summary (PDF)"),
    "lots-summary-xlsx": N_("Lots summary (XLSX)"),
    "lots-summary-csv": N_("Lots summary (CSV)"),
    "lots-summary-json": N_("Lots summary (JSON)"),
}


@pure
def describe(action: str, table: str, what: str) -> str:
    """The "what" column of the review screen: the action's object in words."""
    code = what or table
    if what and table in SUBJECT_LABELS and action in (Action.CREATE, Action.UPDATE, Action.DELETE):
        return f"{_(SUBJECT_LABELS[table])}: {what}"
    if code in SUBJECT_LABELS and action not in (Action.ACCOUNT, Action.PASSWORD):
        return _(SUBJECT_LABELS[code])
    from finsam_desktop.services import letter_templates

    if code in letter_templates.KIND_LABELS:  # the closing letter, logged by its kind
        return letter_templates.kind_label(code)
    if ":" in code:  # "letter:kallelse"
        head, _sep, tail = code.partition(":")
        if head.startswith("letter"):
            return f"{_(SUBJECT_LABELS['sent_letter'])}: {letter_templates.kind_label(tail)}"
        return f"{head}: {tail}"
    return code


@pure
def person_label(r) -> str:
    if r.person_id is None:
        return ""
    if r.last_name is None:
        return str(r.person_id)
    return f"{r.last_name}, {r.first_name} ({r.person_id})"


def _filter_clauses(chosen: LogFilter) -> list:
    a = AuditRow
    clauses = []
    if chosen.user_id is not None:
        clauses.append(a.user_id == chosen.user_id)
    if chosen.person_id is not None:
        clauses.append(a.person_id == chosen.person_id)
    if chosen.action:
        clauses.append(a.action == chosen.action)
    if chosen.date_from is not None:
        clauses.append(a.at >= _utc_bounds(chosen.date_from, end=False))
    if chosen.date_to is not None:
        clauses.append(a.at < _utc_bounds(chosen.date_to, end=True))
    return clauses


def _review_row(r) -> tuple:
    return (
        local_time(r.at).strftime("%Y-%m-%d %H:%M:%S"),
        r.username or _("(the program)"),
        Action(r.action).label if r.action in ACTION_VALUES else r.action,
        describe(r.action, r.table_name, r.what),
        r.record_id if r.record_id is not None else "",
        person_label(r),
        summarise_details(r.details, r.table_name),
    )


@pure
def summarise_details(details: dict | None, table: str | None = None) -> str:
    """The changed fields with before → after, compactly, for the review table."""
    if not details:
        return ""
    from finsam_desktop.services.field_labels import code_label, column_label

    def shown(column: str, value: Any) -> str:
        words = code_label(table or "", column, value) if value not in (None, "") else None
        return _short(words if words is not None else value)

    if "changed" in details:
        return "; ".join(
            f"{column_label(k, table)}: {shown(k, b)} → {shown(k, a)}"
            for k, (b, a) in details["changed"].items()
        )
    for side in ("after", "before"):
        if side in details:
            return ", ".join(sorted(column_label(k, table) for k in details[side]))
    return ", ".join(f"{column_label(k, table)}: {shown(k, v)}" for k, v in details.items())


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = "∅" if value is None or value == "" else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


REVIEW_COLUMNS = [
    N_("Time"),
    N_("User"),
    N_("Action"),
    N_("What"),
    N_("Record"),
    N_("Person"),
    N_("Details"),
]


@requires(Permission.ADMINISTER)
def log_list(db: Database) -> ListQuery:
    """The log for the review screen, newest first by default; filters take a LogFilter's
    fields: user_id, person_id, action, date_from, date_to."""
    require(db, Permission.ADMINISTER)
    a = AuditRow
    keys = ("at", "username", "action", "what", "record", "person", "details")
    sorts = (a.id, a.username, a.action, a.table_name, a.record_id, a.person_id, None)
    return ListQuery(
        db=db,
        columns=[Column(k, t, s) for k, t, s in zip(keys, REVIEW_COLUMNS, sorts, strict=True)],
        base=_review_select(),
        to_row=lambda r: ListRow(r.id, _review_row(r)),
        id_column=a.id,
        filters={
            "user_id": lambda v: a.user_id == v,
            "person_id": lambda v: a.person_id == v,
            "action": lambda v: a.action == v,
            "date_from": lambda v: a.at >= _utc_bounds(v, end=False),
            "date_to": lambda v: a.at < _utc_bounds(v, end=True),
        },
    )


@requires(Permission.ADMINISTER)
def review_rows(session: Session, chosen: LogFilter, limit: int = 1_000_000) -> list[tuple]:
    """The filtered log as display rows (oldest first) for an export; the export itself
    is logged by the caller with ``log_output``."""
    require(session, Permission.ADMINISTER)
    stmt = _review_select().where(*_filter_clauses(chosen)).order_by(AuditRow.id).limit(limit)
    return [_review_row(r) for r in session.execute(stmt)]


def _review_select():
    """The log with the person's name (the administrator reviews who looked at whom)."""
    a, p = AuditRow, PersonRow
    return (
        select(a.id, a.at, a.username, a.action, a.table_name, a.what)
        .add_columns(a.record_id, a.person_id, a.details, p.first_name, p.last_name)
        .outerjoin(p, p.id == a.person_id)
    )


@requires(Permission.ADMINISTER)
def find_person_id(session: Session, text: str) -> int | None:
    """The person a review filter means: a personnummer, or a person id as shown."""
    from finsam_desktop.domain.personnummer import InvalidPersonnummer
    from finsam_desktop.services import persons

    require(session, Permission.ADMINISTER)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    if len(digits) >= 10:
        try:
            found = persons.find_by_personnummer(session, text)
        except InvalidPersonnummer:
            return None
        return found.id if found else None
    return int(digits)


@requires(Permission.ADMINISTER)
def log_users(session: Session) -> list[tuple[int, str]]:
    """Accounts to filter the review by: (id, "display name (username)")."""
    require(session, Permission.ADMINISTER)
    rows = session.execute(
        select(UserRow.id, UserRow.display_name, UserRow.username).order_by(
            UserRow.display_name_key
        )
    )
    return [(r.id, f"{r.display_name} ({r.username})") for r in rows]


install_change_log()
