"""Everything due, for Översikt: remissvar, plan follow-ups, contact with the remittent,
the end of stöd vid studier, participations ending within 30 days or past their end
without avslut, and extensions awaiting the styrgrupp.

``today`` always comes from the caller (the screen passes the real date, tests a
fixed one). Each kind is one SQL query over the open participations that works out the
due day in SQL, so that Översikt counts and orders in SQL and builds only the reminders
it shows (``due_summary``: the first 200 of 13,500 at 100,000 participants). For that
count the open participations (with their case file and insats) are read once, into a
materialised common table expression that every kind's due day is worked out from,
not once per kind. The due
day of a reminder itself comes from the domain rules in Python, so that month
arithmetic is the same here as on the case screen (``tests/services/test_reminders.py``
checks that the SQL agrees with them).

The statements are built once per process for each shape (with or without a
coordinator, and the insatser's months and days: a few values), with the day, the
coordinator and the cut-offs as bound parameters: building them again for every refresh
of Översikt cost Python time for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    Select,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from finsam_desktop.db import expressions
from finsam_desktop.db.casework_models import CaseFileRow, StudySupportRow
from finsam_desktop.db.models import InsatsRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.casework import (
    END_WARNING_DAYS,
    CaseStatus,
    Reminder,
    ReminderKind,
    add_months,
    plan_follow_up_due,
    remittent_contact_due,
)
from finsam_desktop.domain.referrals import DUE_SOON_DAYS
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import krans, referrals
from finsam_desktop.services.access import (
    Permission,
    building_block,
    pure,
    require,
    requires,
)

PLAN_HORIZON_DAYS = 7  # plan follow-ups show a week ahead, so a meeting can be booked
STUDY_HORIZON_DAYS = 14

# The values a statement is run with (``_values``); built into the statements as these.
TODAY = bindparam("today", type_=Date)
STAFF = bindparam("staff_id", type_=Integer)
STUDY_UNTIL = bindparam("study_until", type_=Date)
END_UNTIL = bindparam("end_until", type_=Date)
ANSWERS_UNTIL = bindparam("answers_until", type_=Date)
LIMIT = bindparam("limit", type_=Integer)
SHOWN = bindparam("ids", expanding=True)


@dataclass(frozen=True)
class _Shape:
    """What the statements' form depends on: a coordinator or the whole team, and the
    values the insatser have for the months between plan follow-ups and for the days
    between contacts with the remittent (one cut-off parameter for each)."""

    for_staff: bool
    plan_months: tuple[int, ...]
    contact_days: tuple[int, ...]


def _values(session: Session, today: date, staff_id: int | None) -> tuple[_Shape, dict]:
    """The shape of the statements for ``today`` and ``staff_id``, and their values."""
    # Due by the horizon: last followed up on or before the latest day that is (exact,
    # and no month arithmetic on every open participation).
    horizon = today + timedelta(days=PLAN_HORIZON_DAYS)
    plan = cut_offs(
        session, InsatsRow.plan_follow_up_months, lambda n: last_start_due_by(horizon, n)
    )
    # last + days <= today, as last <= today - days: no date arithmetic per row.
    contact = cut_offs(
        session, InsatsRow.remittent_contact_days, lambda n: today - timedelta(days=n)
    )
    values: dict[str, Any] = {
        "today": today,
        "staff_id": staff_id,
        "study_until": today + timedelta(days=STUDY_HORIZON_DAYS),
        "end_until": today + timedelta(days=END_WARNING_DAYS),
        "answers_until": today + timedelta(days=DUE_SOON_DAYS),
    }
    values.update({f"plan_start_{n}": day for n, day in plan.items()})
    values.update({f"contact_last_{n}": day for n, day in contact.items()})
    shape = _Shape(staff_id is not None, tuple(sorted(plan)), tuple(sorted(contact)))
    return shape, values


def _open_cases(for_staff: bool, *columns) -> Select:
    p, person, cf, i = ParticipationRow, PersonRow, CaseFileRow, InsatsRow
    stmt = (
        select(p.id, person.first_name, person.last_name, p.contact_person_id, *columns)
        .join(person, person.id == p.person_id)
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
        .where(p.status == CaseStatus.ENROLLED.value)
    )
    if for_staff:
        stmt = stmt.where(or_(p.contact_person_id == STAFF, p.second_contact_person_id == STAFF))
    return stmt


# The columns of an open participation that the due days are worked out from, on the
# tables themselves (``_open_cases``) and in the common table expression the counts
# read them from once (``_open_participations``): each kind's rule is written once,
# over either.
def _columns() -> dict[str, Any]:
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    return {
        "id": p.id,
        "enrolled_on": p.enrolled_on,
        "planned_end": p.planned_end,
        "last_plan_event_on": cf.last_plan_event_on,
        "last_remittent_contact_on": cf.last_remittent_contact_on,
        "extension_months": cf.extension_months,
        "ends_on": cf.ends_on,
        "extension_requested_on": cf.extension_requested_on,
        "extension_decided_on": cf.extension_decided_on,
        "plan_follow_up_months": i.plan_follow_up_months,
        "remittent_contact_days": i.remittent_contact_days,
    }


TABLES = SimpleNamespace(**_columns())


def _open_participations(for_staff: bool) -> CTE:
    """The open participations (of the coordinator) with what the due days need, read once
    per count (SQLite materialises it: every kind reads the same rows)."""
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    stmt = (
        # Without the person (every participation has one: its foreign key is checked),
        # so no name is read for the count: _open_cases reads them for those shown.
        select(*(column.label(name) for name, column in _columns().items()))
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
        .where(p.status == CaseStatus.ENROLLED.value)
    )
    if for_staff:
        stmt = stmt.where(or_(p.contact_person_id == STAFF, p.second_contact_person_id == STAFF))
    return stmt.cte("open_participation").prefix_with("MATERIALIZED")


def _reminder(kind: ReminderKind, due: date, r, detail: str = "") -> Reminder:
    return Reminder(
        kind, due, f"{r.first_name} {r.last_name}", r.id, None, r.contact_person_id, detail
    )


def _effective_end(c=TABLES):
    return case((c.extension_months > 0, c.ends_on), else_=c.planned_end)


@pure
def add_months_sql(day: ColumnElement, months: ColumnElement) -> ColumnElement:
    """``domain.casework.add_months`` in SQL (``db/expressions.add_months``)."""
    return expressions.add_months(day, months)


def _add_days_sql(day: ColumnElement, days: ColumnElement) -> ColumnElement:
    return expressions.add_days(day, days)


@pure
def last_start_due_by(day: date, months: int) -> date:
    """The latest day from which ``months`` months later (``domain.casework.add_months``)
    is on or before ``day``: a plan last followed up on or before it is due by ``day``
    (add_months only grows with its day, so the one comparison is exact)."""
    start = add_months(day, -months)  # its months later is ``day`` or, cut short, before
    while add_months(start + timedelta(days=1), months) <= day:
        start += timedelta(days=1)  # days at a month's end that land on the same last day
    return start


@building_block
def cut_offs(session: Session, per_insats: ColumnElement, rule: Callable[[int], date]):
    """``rule(n)`` for every value ``n`` the insatser have in the column ``per_insats``
    (months or days: a few values in all), by value."""
    values = session.scalars(select(getattr(InsatsRow, per_insats.key)).distinct())
    return {n: rule(n) for n in values if n is not None}


@pure
def as_case(days: dict[int, Any], per_insats: ColumnElement) -> ColumnElement:
    """The day of ``per_insats``'s value (NULL for a value without one), as one CASE on
    the column as the statement reads it (of the insats or of ``_open_participations``):
    comparing a stored date with it replaces date arithmetic on every open participation
    by a comparison of dates."""
    if not days:
        return literal(None, Date)
    return case(days, value=per_insats, else_=literal(None, Date))


@dataclass(frozen=True)
class _Kind:
    """One kind of reminder: its rows with their due day in SQL (``due``), and how a row
    becomes a Reminder."""

    stmt: Select
    due: ColumnElement
    make: Callable[[object], Reminder]
    record: ColumnElement | None = None  # the id of the row; None: the participation's
    # The kind's (id, due) read from the open participations (``_open_participations``)
    # instead of from the tables; None: from ``stmt`` (remissvar are no participations).
    from_open: Callable[[CTE], Select] | None = None

    @property
    def id(self) -> ColumnElement:
        return ParticipationRow.id if self.record is None else self.record


@dataclass(frozen=True)
class Due:
    """The reminders of one kind that Översikt shows (most urgent first), and how many
    there are in all."""

    items: list[Reminder]
    total: int


def _order_key(item: Reminder):
    """Most urgent first, then by name; the record breaks the last ties."""
    return (
        item.due_on,
        swedish_key(item.person_name),
        item.participation_id or 0,
        item.referral_id or 0,
    )


def _rows(session: Session, stmt: Select, values: dict):
    """The rows of ``stmt`` as plain rows, on the session's connection: the statements
    here read columns, never entities, and the ORM's result machinery cost 10 % of
    Översikt's Due (1,000 rows and seven statements at 100,000 participants)."""
    return session.connection().execute(stmt, values)


def _every(session: Session, kind: _Kind, values: dict) -> list[Reminder]:
    """Every reminder of ``kind``, most urgent first."""
    return sorted((kind.make(r) for r in _rows(session, kind.stmt, values)), key=_order_key)


@cache
def _ranked(shape: _Shape) -> Select:
    """Each kind's ids and due days, ranked and counted per kind by window functions:
    those ranked up to the parameter ``limit``, with their kind's total."""
    opened = _open_participations(shape.for_staff)
    branches = [
        (
            k.stmt.with_only_columns(k.id.label("id"), k.due.label("due")).order_by(None)
            if k.from_open is None
            else k.from_open(opened)
        ).add_columns(literal(kind.value).label("kind"))
        for kind, k in _kinds(shape).items()
    ]
    due = union_all(*branches).subquery()
    ranked = select(
        due.c.kind,
        due.c.id,
        func.count().over(partition_by=due.c.kind).label("total"),
        # Ties share a rank: all those due on the last day shown come along, and
        # Python orders them by name.
        func.rank().over(partition_by=due.c.kind, order_by=due.c.due).label("rank"),
    ).subquery()
    return select(ranked).where(ranked.c.rank <= LIMIT)


@cache
def _shown(shape: _Shape, kind: ReminderKind) -> Select:
    """The reminders of ``kind`` with the ids in the parameter ``ids``, read in full."""
    k = _kinds(shape)[kind]
    return k.stmt.where(k.id.in_(SHOWN))


def _first_of_every_kind(
    session: Session, shape: _Shape, values: dict, limit: int
) -> dict[ReminderKind, Due]:
    """The first ``limit`` of every kind and the counts, from one statement: each kind's
    ids and due days, ranked and counted per kind by SQLite's window functions. Only
    the reminders shown are read in full (by id) and built."""
    totals: dict[str, int] = {}
    ids: dict[str, list[int]] = {}
    for kind, record_id, total, _rank in _rows(session, _ranked(shape), {**values, "limit": limit}):
        totals[kind] = total
        ids.setdefault(kind, []).append(record_id)
    found = {}
    for kind, k in _kinds(shape).items():
        if kind.value not in ids:
            found[kind] = Due([], 0)
            continue
        rows = _rows(session, _shown(shape, kind), {**values, "ids": ids[kind.value]})
        items = sorted((k.make(r) for r in rows), key=_order_key)
        found[kind] = Due(items[:limit], totals[kind.value])
    return found


def _plan_follow_ups(shape: _Shape) -> _Kind:
    def rule(c) -> tuple[ColumnElement, ColumnElement]:
        last = func.coalesce(c.last_plan_event_on, c.enrolled_on)
        return last, add_months_sql(last, c.plan_follow_up_months)

    # Due by the horizon: last followed up on or before the latest day that is (the
    # parameters plan_start_n, one per value of the insatser's months: ``_values``).
    latest_start = {n: bindparam(f"plan_start_{n}", type_=Date) for n in shape.plan_months}

    def is_due(c, last: ColumnElement) -> ColumnElement:
        return last <= as_case(latest_start, c.plan_follow_up_months)

    last, due = rule(TABLES)
    stmt = _open_cases(
        shape.for_staff, last.label("last"), InsatsRow.plan_follow_up_months, due.label("due")
    ).where(is_due(TABLES, last))

    def make(r) -> Reminder:
        due_on = plan_follow_up_due(r.last, r.last, r.plan_follow_up_months)
        return _reminder(ReminderKind.PLAN_FOLLOW_UP, due_on, r)

    def from_open(o: CTE) -> Select:
        last, due = rule(o.c)
        return select(o.c.id, due.label("due")).where(is_due(o.c, last))

    return _Kind(stmt, due, make, from_open=from_open)


def _remittent_contacts(shape: _Shape) -> _Kind:
    def rule(c) -> tuple[ColumnElement, ColumnElement]:
        last = func.coalesce(c.last_remittent_contact_on, c.enrolled_on)
        return last, _add_days_sql(last, c.remittent_contact_days)

    # last + days <= today, as last <= today - days (the parameters contact_last_n, one
    # per value of the insatser's days: ``_values``): no date arithmetic per row.
    latest_contact = {n: bindparam(f"contact_last_{n}", type_=Date) for n in shape.contact_days}

    def is_due(c, last: ColumnElement) -> ColumnElement:
        return last <= as_case(latest_contact, c.remittent_contact_days)

    last, due = rule(TABLES)
    stmt = _open_cases(
        shape.for_staff, last.label("last"), InsatsRow.remittent_contact_days, due.label("due")
    ).where(is_due(TABLES, last))

    def make(r) -> Reminder:
        due_on = remittent_contact_due(r.last, r.last, r.remittent_contact_days)
        detail = _("Last contact {date}").format(date=format_date(r.last))
        return _reminder(ReminderKind.REMITTENT_CONTACT, due_on, r, detail)

    def from_open(o: CTE) -> Select:
        last, due = rule(o.c)
        return select(o.c.id, due.label("due")).where(is_due(o.c, last))

    return _Kind(stmt, due, make, from_open=from_open)


def _study_support_ends(shape: _Shape) -> _Kind:
    s = StudySupportRow
    within = (s.ends_on >= TODAY, s.ends_on <= STUDY_UNTIL)
    stmt = (
        _open_cases(shape.for_staff, s.ends_on.label("due"), s.school, s.months)
        .join(s, s.participation_id == ParticipationRow.id)
        .where(*within)
    )

    def make(r) -> Reminder:
        detail = _("{school}, month {n} of at most 3").format(school=r.school, n=r.months)
        return _reminder(ReminderKind.STUDY_SUPPORT_END, r.due, r, detail)

    def from_open(o: CTE) -> Select:
        return (
            select(o.c.id, s.ends_on.label("due"))
            .join(s, s.participation_id == o.c.id)
            .where(*within)
        )

    return _Kind(stmt, s.ends_on, make, from_open=from_open)


def _ends(kind: ReminderKind, shape: _Shape) -> _Kind:
    """Participations ending within 30 days (ENROLMENT_END), or past their end without
    avslut (PAST_END)."""

    def when(end: ColumnElement) -> tuple[ColumnElement, ...]:
        if kind is ReminderKind.PAST_END:
            return (end < TODAY,)
        return (end >= TODAY, end <= END_UNTIL)

    end = _effective_end()
    stmt = _open_cases(shape.for_staff, end.label("due")).where(*when(end))

    def from_open(o: CTE) -> Select:
        end = _effective_end(o.c)
        return select(o.c.id, end.label("due")).where(*when(end))

    return _Kind(stmt, end, lambda r: _reminder(kind, r.due, r), from_open=from_open)


def _extension_decisions(shape: _Shape) -> _Kind:
    def waiting(c) -> tuple[ColumnElement, ...]:
        return c.extension_requested_on.is_not(None), c.extension_decided_on.is_(None)

    cf = CaseFileRow
    stmt = _open_cases(shape.for_staff, cf.extension_requested_on.label("due")).where(
        *waiting(TABLES)
    )

    def make(r) -> Reminder:
        detail = _("Requested {date}").format(date=format_date(r.due))
        return _reminder(ReminderKind.EXTENSION_DECISION, r.due, r, detail)

    def from_open(o: CTE) -> Select:
        return select(o.c.id, o.c.extension_requested_on.label("due")).where(*waiting(o.c))

    return _Kind(stmt, cf.extension_requested_on, make, from_open=from_open)


def _referral_answers(_shape: _Shape) -> _Kind:
    stmt = referrals.due_answers_until(ANSWERS_UNTIL).order_by(None)
    stmt = stmt.add_columns(ReferralRow.answer_due.label("due"))

    def make(r) -> Reminder:
        name = f"{r.first_name} {r.last_name}"
        return Reminder(
            ReminderKind.REFERRAL_ANSWER, r.due, name, referral_id=r.id, detail=r.case_number
        )

    return _Kind(stmt, ReferralRow.answer_due, make, ReferralRow.id)


@cache
def _kinds(shape: _Shape) -> dict[ReminderKind, _Kind]:
    """Every kind but the local models' missing outcomes (``krans.outcome_reminders``),
    built once for each shape."""
    return {
        ReminderKind.REFERRAL_ANSWER: _referral_answers(shape),
        ReminderKind.PLAN_FOLLOW_UP: _plan_follow_ups(shape),
        ReminderKind.REMITTENT_CONTACT: _remittent_contacts(shape),
        ReminderKind.STUDY_SUPPORT_END: _study_support_ends(shape),
        ReminderKind.ENROLMENT_END: _ends(ReminderKind.ENROLMENT_END, shape),
        ReminderKind.PAST_END: _ends(ReminderKind.PAST_END, shape),
        ReminderKind.EXTENSION_DECISION: _extension_decisions(shape),
    }


def _all(session: Session, kind: ReminderKind, today: date, staff_id: int | None = None):
    shape, values = _values(session, today, staff_id)
    return _every(session, _kinds(shape)[kind], values)


@requires(Permission.CASEWORK)
def plan_follow_ups(session: Session, today: date, staff_id: int | None = None) -> list[Reminder]:
    return _all(session, ReminderKind.PLAN_FOLLOW_UP, today, staff_id)


@requires(Permission.CASEWORK)
def remittent_contacts(session: Session, today: date, staff_id: int | None = None):
    return _all(session, ReminderKind.REMITTENT_CONTACT, today, staff_id)


@requires(Permission.CASEWORK)
def study_support_ends(session: Session, today: date, staff_id: int | None = None):
    return _all(session, ReminderKind.STUDY_SUPPORT_END, today, staff_id)


@requires(Permission.CASEWORK)
def enrolment_ends(session: Session, today: date, staff_id: int | None = None):
    """Participations ending within 30 days, and those past their end without avslut."""
    ending = _all(session, ReminderKind.ENROLMENT_END, today, staff_id)
    return _all(session, ReminderKind.PAST_END, today, staff_id) + ending


@requires(Permission.CASEWORK)
def extension_decisions(session: Session, today: date, staff_id: int | None = None):
    return _all(session, ReminderKind.EXTENSION_DECISION, today, staff_id)


@requires(Permission.CASEWORK)
def referral_answers(session: Session, today: date) -> list[Reminder]:
    return _all(session, ReminderKind.REFERRAL_ANSWER, today)


@requires(Permission.CASEWORK)
def due_summary(
    session: Session, today: date, staff_id: int | None = None, limit: int | None = 200
) -> dict[ReminderKind, Due]:
    """Everything due, by kind: the first ``limit`` (None: all), most urgent first, and
    how many in all, counted in SQL. ``staff_id``: only that person's cases (remissvar
    and local models' cases belong to the whole team and are always included)."""
    require(session, Permission.CASEWORK)
    shape, values = _values(session, today, staff_id)
    if limit is None:
        every = {kind: _every(session, k, values) for kind, k in _kinds(shape).items()}
        found = {kind: Due(items, len(items)) for kind, items in every.items()}
    else:
        found = _first_of_every_kind(session, shape, values, limit)
    # A local model's cases belong to its coordinator's whole team, like remissvar.
    outcomes = sorted(krans.outcome_reminders(session, today), key=_order_key)
    found[ReminderKind.OUTCOME_MISSING] = Due(outcomes[:limit], len(outcomes))
    return {kind: found[kind] for kind in ReminderKind}


@requires(Permission.CASEWORK)
def due_items(
    session: Session, today: date, staff_id: int | None = None
) -> dict[ReminderKind, list[Reminder]]:
    """Everything due, by kind, most urgent first. ``staff_id``: only that person's cases
    (remissvar belong to the whole team and are always included)."""
    require(session, Permission.CASEWORK)
    return {kind: due.items for kind, due in due_summary(session, today, staff_id, None).items()}
