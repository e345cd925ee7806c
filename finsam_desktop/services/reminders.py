"""Everything due, for Översikt: remissvar, plan follow-ups, contact with the remittent,
the end of stöd vid studier, participations ending within 30 days or past their end
without avslut, and extensions awaiting the styrgrupp.

``today`` always comes from the caller (the screen passes the real date, tests a
fixed one). Each kind is one SQL query over the open participations, narrowed with a
margin in SQL and then judged exactly with the domain rules in Python, so that month
arithmetic is the same here as on the case screen.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import CaseFileRow, StudySupportRow
from finsam_desktop.db.models import InsatsRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import (
    END_WARNING_DAYS,
    CaseStatus,
    Reminder,
    ReminderKind,
    plan_follow_up_due,
    remittent_contact_due,
)
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import krans, referrals
from finsam_desktop.services.access import Permission, require, requires

PLAN_HORIZON_DAYS = 7  # plan follow-ups show a week ahead, so a meeting can be booked
STUDY_HORIZON_DAYS = 14


def _open_cases(staff_id: int | None, *columns) -> Select:
    p, person, cf, i = ParticipationRow, PersonRow, CaseFileRow, InsatsRow
    stmt = (
        select(p.id, person.first_name, person.last_name, p.contact_person_id, *columns)
        .join(person, person.id == p.person_id)
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
        .where(p.status == CaseStatus.ENROLLED.value)
    )
    if staff_id is not None:
        stmt = stmt.where(
            or_(p.contact_person_id == staff_id, p.second_contact_person_id == staff_id)
        )
    return stmt


def _reminder(kind: ReminderKind, due: date, r, detail: str = "") -> Reminder:
    return Reminder(
        kind, due, f"{r.first_name} {r.last_name}", r.id, None, r.contact_person_id, detail
    )


def _effective_end():
    p, cf = ParticipationRow, CaseFileRow
    return case((cf.extension_months > 0, cf.ends_on), else_=p.planned_end)


@requires(Permission.CASEWORK)
def plan_follow_ups(session: Session, today: date, staff_id: int | None = None) -> list[Reminder]:
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    last = func.coalesce(cf.last_plan_event_on, p.enrolled_on)
    # A month has at most 31 days: anything whose last event is later cannot be due.
    latest_possible = today + timedelta(days=PLAN_HORIZON_DAYS)
    stmt = _open_cases(staff_id, last.label("last"), i.plan_follow_up_months).where(
        func.julianday(last) + i.plan_follow_up_months * 28 <= func.julianday(latest_possible)
    )
    out = []
    for r in session.execute(stmt):
        due = plan_follow_up_due(r.last, r.last, r.plan_follow_up_months)
        if due <= latest_possible:
            out.append(_reminder(ReminderKind.PLAN_FOLLOW_UP, due, r))
    return out


@requires(Permission.CASEWORK)
def remittent_contacts(session: Session, today: date, staff_id: int | None = None):
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    last = func.coalesce(cf.last_remittent_contact_on, p.enrolled_on)
    stmt = _open_cases(staff_id, last.label("last"), i.remittent_contact_days).where(
        func.julianday(last) + i.remittent_contact_days <= func.julianday(today)
    )
    out = []
    for r in session.execute(stmt):
        due = remittent_contact_due(r.last, r.last, r.remittent_contact_days)
        detail = _("Last contact {date}").format(date=format_date(r.last))
        out.append(_reminder(ReminderKind.REMITTENT_CONTACT, due, r, detail))
    return out


@requires(Permission.CASEWORK)
def study_support_ends(session: Session, today: date, staff_id: int | None = None):
    s = StudySupportRow
    stmt = (
        _open_cases(staff_id, s.ends_on, s.school, s.months)
        .join(s, s.participation_id == ParticipationRow.id)
        .where(s.ends_on >= today, s.ends_on <= today + timedelta(days=STUDY_HORIZON_DAYS))
    )
    return [
        _reminder(
            ReminderKind.STUDY_SUPPORT_END,
            r.ends_on,
            r,
            _("{school}, month {n} of at most 3").format(school=r.school, n=r.months),
        )
        for r in session.execute(stmt)
    ]


@requires(Permission.CASEWORK)
def enrolment_ends(session: Session, today: date, staff_id: int | None = None):
    """Participations ending within 30 days, and those past their end without avslut."""
    end = _effective_end()
    stmt = _open_cases(staff_id, end.label("ends")).where(
        end <= today + timedelta(days=END_WARNING_DAYS)
    )
    out = []
    for r in session.execute(stmt):
        if r.ends < today:
            out.append(_reminder(ReminderKind.PAST_END, r.ends, r))
        else:
            out.append(_reminder(ReminderKind.ENROLMENT_END, r.ends, r))
    return out


@requires(Permission.CASEWORK)
def extension_decisions(session: Session, today: date, staff_id: int | None = None):
    cf = CaseFileRow
    stmt = _open_cases(staff_id, cf.extension_requested_on).where(
        cf.extension_requested_on.is_not(None), cf.extension_decided_on.is_(None)
    )
    return [
        _reminder(
            ReminderKind.EXTENSION_DECISION,
            r.extension_requested_on,
            r,
            _("Requested {date}").format(date=format_date(r.extension_requested_on)),
        )
        for r in session.execute(stmt)
    ]


@requires(Permission.CASEWORK)
def referral_answers(session: Session, today: date) -> list[Reminder]:
    return [
        Reminder(
            ReminderKind.REFERRAL_ANSWER,
            a.due,
            a.person_name,
            referral_id=a.referral_id,
            detail=a.case_number,
        )
        for a in referrals.due_answers(session, today)
    ]


@requires(Permission.CASEWORK)
def due_items(
    session: Session, today: date, staff_id: int | None = None
) -> dict[ReminderKind, list[Reminder]]:
    """Everything due, by kind, most urgent first. ``staff_id``: only that person's cases
    (remissvar belong to the whole team and are always included)."""
    require(session, Permission.CASEWORK)
    found: dict[ReminderKind, list[Reminder]] = {kind: [] for kind in ReminderKind}
    found[ReminderKind.REFERRAL_ANSWER] = referral_answers(session, today)
    # A local model's cases belong to its coordinator's whole team, like remissvar.
    found[ReminderKind.OUTCOME_MISSING] = krans.outcome_reminders(session, today)
    for fn in (
        plan_follow_ups,
        remittent_contacts,
        study_support_ends,
        enrolment_ends,
        extension_decisions,
    ):
        for item in fn(session, today, staff_id):
            found[item.kind].append(item)
    for items in found.values():
        items.sort(key=lambda x: (x.due_on, swedish_key(x.person_name)))
    return found
