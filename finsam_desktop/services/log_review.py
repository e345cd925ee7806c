"""Reviewing the access log (logguppföljning): the administrator's list of entries with
their persons and changed fields in words, its export, and the check of the chain and
its anchors (``verify_chain``).

The log itself is written by ``audit.py``; this module only reads it, so it may use the
lists, the persons and the backups (whose manifests hold anchors) that write through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db import backup as files
from finsam_desktop.db.access_log import (
    GENESIS,
    Anchor,
    ChainHead,
    anchor_path,
    entry_hash,
    hash_at,
    read_anchor,
)
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.security_models import AuditRow, UserRow
from finsam_desktop.domain.personnummer import InvalidPersonnummer
from finsam_desktop.i18n import N_, _
from finsam_desktop.services import letter_templates, persons
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.audit import (
    ACTION_VALUES,
    Action,
    ChainReport,
    chain_head,
    describe_finding,
    local_time,
)
from finsam_desktop.services.backups import folder_for, get_settings
from finsam_desktop.services.field_labels import code_label, column_label
from finsam_desktop.services.listing import Column, ListQuery, ListRow


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
        problem = " ".join(describe_finding(f) for f in findings)
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
    if hash_at(session, a.last_id) != a.hash:
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


@requires(Permission.ADMINISTER)
def stored_anchors(session: Session) -> list[Anchor]:
    """The anchors of the database of ``session``: the file beside it and the manifests of
    its backups in the backup folder."""
    database = session.info.get("database")
    if database is None or database.path is None:
        return []  # a database on a server has no anchor file (yet: issue 14 §2)
    found = [read_anchor(anchor_path(database.path))]
    folder = folder_for(database, get_settings(session))
    for backup in files.list_backups(folder, database.path.stem):
        found.append(read_anchor(files.manifest_path(backup.path)))
    return [a for a in found if a is not None]


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


# What the review calls the records and the parts of a case (codes stay as they are
# in the log; unknown ones are shown as stored).
SUBJECT_LABELS: dict[str, str] = {
    "person": N_("Person"),
    "users": N_("Account"),
    "account_insats": N_("Account's insatser"),
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
    # Views of a person's data (audit.shows_person, listing.SearchLog) and outputs.
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
    "move-to-server": N_("Moved to a server"),
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


def _newest(anchors: list[Anchor]) -> Anchor | None:
    return max(anchors, key=lambda a: (a.head.last_id, a.written_at), default=None)
