"""Everything due, for Översikt: remissvar, plan follow-ups, contact with the remittent,
the end of stöd vid studier, participations ending within 30 days or past their end
without avslut, and extensions awaiting the styrgrupp.

``today`` always comes from the caller (the screen passes the real date, tests a
fixed one). The day each kind of reminder of an enrolled participation is due is stored
on the participation and indexed with its two contact persons (``db/due_dates.py``
keeps it on every change it depends on, by the domain's month arithmetic): each kind is
a range of its stored day, so Översikt counts every kind from the indexes alone (one
statement) and reads in full only the first 200 of each (``due_summary``: at 100,000
participants, 1,000 of 13,500), not the open participations with their case files.
Remissvar are a range of the referrals' index of open answers, stöd vid studier of the
index of its end. ``tests/services/test_reminders.py`` and ``tests/db/test_due_dates.py``
check that they agree with the domain rules.

The statements are built once per process for each shape (a coordinator or the whole
team), with the day, the coordinator and the cut-offs as bound parameters: building
them again for every refresh of Översikt cost Python time for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from finsam_desktop.db import expressions
from finsam_desktop.db.casework_models import CaseFileRow, StudySupportRow
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.casework import (
    END_WARNING_DAYS,
    CaseStatus,
    Reminder,
    ReminderKind,
)
from finsam_desktop.domain.referrals import DUE_SOON_DAYS
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import krans, referrals
from finsam_desktop.services.access import (
    Permission,
    pure,
    require,
    requires,
)

PLAN_HORIZON_DAYS = 7  # plan follow-ups show a week ahead, so a meeting can be booked
STUDY_HORIZON_DAYS = 14
# The day after every stored day: "no cut" for a kind with fewer reminders than shown.
NO_CUT = date(9999, 12, 31)

# The values a statement is run with (``_values``); built into the statements as these.
TODAY = bindparam("today", type_=Date)
STAFF = bindparam("staff_id", type_=Integer)
PLAN_UNTIL = bindparam("plan_until", type_=Date)
STUDY_UNTIL = bindparam("study_until", type_=Date)
END_UNTIL = bindparam("end_until", type_=Date)
ANSWERS_UNTIL = bindparam("answers_until", type_=Date)
SHOWN = bindparam("shown", type_=Integer)  # how many of each kind are shown
LAST_SHOWN = bindparam("last_shown", type_=Integer)  # the limit less one: an OFFSET


def _values(today: date, staff_id: int | None) -> dict[str, Any]:
    """The values the statements are run with for ``today`` and ``staff_id``."""
    return {
        "today": today,
        "staff_id": staff_id,
        "plan_until": today + timedelta(days=PLAN_HORIZON_DAYS),
        "study_until": today + timedelta(days=STUDY_HORIZON_DAYS),
        "end_until": today + timedelta(days=END_WARNING_DAYS),
        "answers_until": today + timedelta(days=DUE_SOON_DAYS),
    }


def _of_staff(for_staff: bool) -> tuple[ColumnElement, ...]:
    """The coordinator's participations (either contact person), or every one."""
    p = ParticipationRow
    if not for_staff:
        return ()
    # Read from the index of the kind's day (which holds both), not looked up by person:
    # a coordinator has half the team's participations, of which a few are due.
    cp, second = (
        expressions.unindexed(p.contact_person_id),
        expressions.unindexed(p.second_contact_person_id),
    )
    return (or_(cp == STAFF, second == STAFF),)


def _reminder(kind: ReminderKind, due: date, r, detail: str = "") -> Reminder:
    return Reminder(
        kind, due, f"{r.first_name} {r.last_name}", r.id, None, r.contact_person_id, detail
    )


@pure
def add_months_sql(day: ColumnElement, months: ColumnElement) -> ColumnElement:
    """``domain.casework.add_months`` in SQL (``db/expressions.add_months``)."""
    return expressions.add_months(day, months)


@dataclass(frozen=True)
class _Kind:
    """One kind of reminder: the day it is due (``due``), which rows are due
    (``where``), the columns a reminder is made of (``stmt``: every row due) and how a
    row becomes a Reminder. ``due`` and ``where`` are read by an index alone."""

    stmt: Select
    due: ColumnElement
    where: tuple[ColumnElement, ...]
    make: Callable[[object], Reminder]
    # What the count and the cut are read from: ``due``'s table (of the coordinator).
    counted: Select
    # The order the cut walks (None: ``due``): the same days in an order an index of
    # ``where``'s columns gives as it is (see ``_referral_answers``).
    walked: tuple[ColumnElement, ...] | None = None

    def count(self) -> ColumnElement:
        return self.counted.with_only_columns(func.count()).where(*self.where).scalar_subquery()

    def cut(self) -> ColumnElement:
        """The day of the last reminder shown (the parameter ``last_shown`` is the
        limit less one), ``NO_CUT`` when there are no more than that: where the
        database has no WITH TIES (``expressions.first_with_ties``)."""
        last = (
            self.counted.with_only_columns(self.due)
            .where(*self.where)
            .order_by(*(self.walked or (self.due,)))
            .offset(LAST_SHOWN)
            .limit(1)
            .scalar_subquery()
        )
        return func.coalesce(last, literal(NO_CUT, Date))


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


def _rows(session: Session, stmt: Select, values: dict) -> list:
    """The rows of ``stmt`` as plain rows, on the session's connection: the statements
    here read columns, never entities, and the ORM's result machinery cost 10 % of
    Översikt's Due (1,000 rows and seven statements at 100,000 participants). All at
    once: row by row psycopg took twice as long (1 µs more a row)."""
    return session.connection().execute(stmt, values).all()


def _every(session: Session, kind: _Kind, values: dict) -> list[Reminder]:
    """Every reminder of ``kind``, most urgent first."""
    return sorted((kind.make(r) for r in _rows(session, kind.stmt, values)), key=_order_key)


def _participations(for_staff: bool, due: ColumnElement, *columns) -> Select:
    """The participations of a kind stored on them, with the person's name."""
    p, person = ParticipationRow, PersonRow
    return (
        select(p.id, person.first_name, person.last_name, p.contact_person_id)
        .add_columns(due.label("due"), *columns)
        .join(person, person.id == p.person_id)
        .where(*_of_staff(for_staff))
    )


def _stored(
    for_staff: bool,
    due: ColumnElement,
    where: tuple[ColumnElement, ...],
    make: Callable[[object], Reminder],
    *columns,
    outerjoin=None,
) -> _Kind:
    """A kind whose day is stored on the participation (NULL unless enrolled)."""
    stmt = _participations(for_staff, due, *columns)
    if outerjoin is not None:
        stmt = stmt.outerjoin(*outerjoin)
    counted = select(ParticipationRow.id).where(*_of_staff(for_staff))
    return _Kind(stmt.where(*where), due, where, make, counted)


@cache
def _counts(for_staff: bool) -> Select:
    """How many reminders of every kind there are, from the indexes: one row."""
    return select(*(k.count().label(kind.value) for kind, k in _kinds(for_staff).items()))


@cache
def _shown(for_staff: bool, dialect: str) -> CompoundSelect:
    """The first reminders of every kind (the parameter ``shown``: how many, and every
    one due the same day as the last of them: ties share the cut, and Python orders them
    by name), read in full, in one statement: each kind's rows tagged with it (``kind``)
    and given every kind's columns (NULL where not its own). One statement instead of one
    per kind: on a server each was a round trip and a plan of its own (2 ms apiece under
    row-level security). ``expressions.first_with_ties``: on PostgreSQL each kind's index
    read in order and stopped there, in a plan made once for any day (the last day shown
    given as a value instead took 2 ms of planning at every Översikt, and as a subquery
    PostgreSQL expected a third of the kind's rows and read every person first: under
    row-level security 150 ms for a coordinator's Översikt)."""
    every = _kinds(for_staff)
    columns: dict[str, Any] = {}
    for k in every.values():
        for column in k.stmt.selected_columns:
            columns.setdefault(column.name, column.type)
    arms = []
    for kind, k in every.items():
        own = {c.name: c for c in k.stmt.selected_columns}
        tagged = [literal(kind.value, String).label("kind")]
        tagged += [
            own[name].label(name) if name in own else cast(null(), type_).label(name)
            for name, type_ in columns.items()
        ]
        order = k.walked or (k.due,)
        first = expressions.first_with_ties(dialect, k.stmt, order, SHOWN, k.cut())
        arms.append(first.with_only_columns(*tagged))
    return union_all(*arms)


def _first_of_every_kind(
    session: Session, for_staff: bool, values: dict, limit: int
) -> dict[ReminderKind, Due]:
    """The first ``limit`` of every kind and the counts: the counts from one statement,
    the reminders of every kind from another (``_shown``), read in full and built."""
    values = {**values, "shown": limit, "last_shown": max(limit - 1, 0)}
    # On a server both statements keep one plan (index scans, each by its own index
    # whatever the day; planning them took 4 ms under row-level security) and start no
    # parallel workers (two took 13.6 ms to read the kinds' thousand rows, none 8 ms);
    # then the connection's own settings again (a plan made for any day read the local
    # models' outcomes in 20 ms instead of 1).
    planned_once = {"plan_cache_mode": "force_generic_plan", "max_parallel_workers_per_gather": 0}
    expressions.set_locally(session, **planned_once)
    totals = _rows(session, _counts(for_staff), values)[0]._mapping
    kinds = _kinds(for_staff)
    rows: dict[str, list] = {kind.value: [] for kind in kinds}
    if limit:
        dialect = session.get_bind().dialect.name
        for r in _rows(session, _shown(for_staff, dialect), values):
            rows[r.kind].append(r)
    expressions.set_locally(session, **dict.fromkeys(planned_once, "DEFAULT"))
    found = {}
    for kind, k in kinds.items():
        items = sorted((k.make(r) for r in rows[kind.value]), key=_order_key)
        found[kind] = Due(items[:limit], totals[kind.value])
    return found


def _plan_follow_ups(for_staff: bool) -> _Kind:
    due = ParticipationRow.due_plan_follow_up

    def make(r) -> Reminder:
        return _reminder(ReminderKind.PLAN_FOLLOW_UP, r.due, r)

    return _stored(for_staff, due, (due <= PLAN_UNTIL,), make)


def _remittent_contacts(for_staff: bool) -> _Kind:
    p, cf = ParticipationRow, CaseFileRow
    due = p.due_remittent_contact
    last = func.coalesce(cf.last_remittent_contact_on, p.enrolled_on)

    def make(r) -> Reminder:
        detail = _("Last contact {date}").format(date=format_date(r.last))
        return _reminder(ReminderKind.REMITTENT_CONTACT, r.due, r, detail)

    return _stored(
        for_staff,
        due,
        (due <= TODAY,),
        make,
        last.label("last"),
        outerjoin=(cf, cf.participation_id == p.id),
    )


def _study_support_ends(for_staff: bool) -> _Kind:
    p, s = ParticipationRow, StudySupportRow
    # Those ending in the next two weeks, by the index of the end (a few), then enrolled.
    enrolled = expressions.unindexed(p.status) == CaseStatus.ENROLLED.value
    where = (s.ends_on >= TODAY, s.ends_on <= STUDY_UNTIL, enrolled)
    stmt = (
        _participations(for_staff, s.ends_on, s.school, s.months)
        .join(s, s.participation_id == p.id)
        .where(*where)
    )
    counted = (
        select(p.id).select_from(s).join(p, p.id == s.participation_id).where(*_of_staff(for_staff))
    )

    def make(r) -> Reminder:
        detail = _("{school}, month {n} of at most 3").format(school=r.school, n=r.months)
        return _reminder(ReminderKind.STUDY_SUPPORT_END, r.due, r, detail)

    return _Kind(stmt, s.ends_on, where, make, counted)


def _ends(kind: ReminderKind, for_staff: bool) -> _Kind:
    """Participations ending within 30 days (ENROLMENT_END), or past their end without
    avslut (PAST_END): the end stored is the extended one once extended."""
    due = ParticipationRow.due_end
    where = (due < TODAY,) if kind is ReminderKind.PAST_END else (due >= TODAY, due <= END_UNTIL)
    return _stored(for_staff, due, where, lambda r: _reminder(kind, r.due, r))


def _extension_decisions(for_staff: bool) -> _Kind:
    due = ParticipationRow.due_extension_decision

    def make(r) -> Reminder:
        detail = _("Requested {date}").format(date=format_date(r.due))
        return _reminder(ReminderKind.EXTENSION_DECISION, r.due, r, detail)

    return _stored(for_staff, due, (due.is_not(None),), make)


def _referral_answers(_for_staff: bool) -> _Kind:
    r = ReferralRow
    stmt = referrals.due_answers_until(ANSWERS_UNTIL).order_by(None)

    def make(row) -> Reminder:
        name = f"{row.first_name} {row.last_name}"
        return Reminder(
            ReminderKind.REFERRAL_ANSWER, row.due, name, referral_id=row.id, detail=row.case_number
        )

    full = stmt.add_columns(r.answer_due.label("due"))
    # Every one waiting (answer_sent_on IS NULL): by (answer_sent_on, answer_due) the cut
    # walks the index of open answers in order; PostgreSQL takes IS NULL for no equality
    # and walked the index of every answer_due past 64,000 answered referrals instead.
    walked = (r.answer_sent_on, r.answer_due)
    counted = referrals.due_answer_ids(ANSWERS_UNTIL)
    return _Kind(full, r.answer_due, (), make, counted, walked)


@cache
def _kinds(for_staff: bool) -> dict[ReminderKind, _Kind]:
    """Every kind but the local models' missing outcomes (``krans.outcome_reminders``),
    built once for the team and once for a coordinator."""
    return {
        ReminderKind.REFERRAL_ANSWER: _referral_answers(for_staff),
        ReminderKind.PLAN_FOLLOW_UP: _plan_follow_ups(for_staff),
        ReminderKind.REMITTENT_CONTACT: _remittent_contacts(for_staff),
        ReminderKind.STUDY_SUPPORT_END: _study_support_ends(for_staff),
        ReminderKind.ENROLMENT_END: _ends(ReminderKind.ENROLMENT_END, for_staff),
        ReminderKind.PAST_END: _ends(ReminderKind.PAST_END, for_staff),
        ReminderKind.EXTENSION_DECISION: _extension_decisions(for_staff),
    }


def _all(session: Session, kind: ReminderKind, today: date, staff_id: int | None = None):
    return _every(session, _kinds(staff_id is not None)[kind], _values(today, staff_id))


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
    for_staff, values = staff_id is not None, _values(today, staff_id)
    if limit is None:
        every = {kind: _every(session, k, values) for kind, k in _kinds(for_staff).items()}
        found = {kind: Due(items, len(items)) for kind, items in every.items()}
    else:
        found = _first_of_every_kind(session, for_staff, values, limit)
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
