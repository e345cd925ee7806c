"""Kommande: what is booked in one ISO week, for the team or one coordinator.

Informationsmöten (either of the two staff), kartläggningssamtal (who held it),
closing meetings (held, or offered when not held yet) and plan follow-ups due (the
case's contact persons). The first three are one UNION ALL query restricted to the
week in SQL; the follow-ups are a range of the day stored on the participation
(``db/due_dates.py``, the domain's month arithmetic), the same day Due lists
(services/reminders.py), so the places always agree.

The statements are built once per process (``functools.cache``), with the week and the
coordinator as bound parameters: Översikt asks for a week on every refresh, and building
the union of three joined selects again each time cost more than SQLite reading it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from finsam_desktop.db.casework_models import CaseFileRow, MappingSessionRow
from finsam_desktop.db.expressions import unindexed
from finsam_desktop.db.models import PersonRow, StaffRow
from finsam_desktop.db.referral_models import InfoMeetingRow, ParticipationRow
from finsam_desktop.domain.casework import (
    WeekEvent,
    WeekEventKind,
    iso_week_start,
)
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.services.access import Permission, require, requires

DAY = timedelta(days=1)


@requires(Permission.CASEWORK)
def week_events(session: Session, any_day: date, staff_id: int | None = None) -> list[WeekEvent]:
    """Everything booked in the ISO week of ``any_day``, by day and time."""
    require(session, Permission.CASEWORK)
    monday = iso_week_start(any_day)
    sunday = monday + timedelta(days=6)
    week = {"monday": monday, "sunday": sunday, "staff_id": staff_id}
    # Plain rows on the session's connection, all at once: columns only, no entities.
    rows = session.connection().execute(_booked(staff_id is not None), week).all()
    out = [
        WeekEvent(
            r.day,
            r.time or "",
            WeekEventKind(r.kind),
            f"{r.first_name} {r.last_name}",
            r.staff or "",
            r.participation_id,
            r.info_meeting_id,
        )
        for r in rows
    ]
    out += _follow_ups(session, monday, sunday, staff_id)
    out.sort(key=lambda e: (e.day, e.time or "99", swedish_key(e.participant)))
    return out


@cache
def _booked(for_staff: bool):
    """The week's meetings, sessions and closing meetings (of the coordinator
    ``staff_id`` when ``for_staff``), between the parameters ``monday`` and ``sunday``."""
    monday, sunday = bindparam("monday", type_=Date), bindparam("sunday", type_=Date)
    staff_id = bindparam("staff_id", type_=Integer)
    person = PersonRow
    s1, s2 = aliased(StaffRow), aliased(StaffRow)
    m = InfoMeetingRow
    meetings = (
        select(
            m.meeting_date.label("day"),
            m.meeting_time.label("time"),
            literal(WeekEventKind.INFO_MEETING.value).label("kind"),
            person.first_name,
            person.last_name,
            (func.coalesce(s1.name, "") + literal(", ") + func.coalesce(s2.name, "")).label(
                "staff"
            ),
            cast(literal(None), m.id.type).label("participation_id"),
            m.id.label("info_meeting_id"),
        )
        .join(person, person.id == m.person_id)
        .outerjoin(s1, s1.id == m.staff1_id)
        .outerjoin(s2, s2.id == m.staff2_id)
        .where(m.meeting_date.between(monday, sunday))
    )
    if for_staff:
        meetings = meetings.where(or_(m.staff1_id == staff_id, m.staff2_id == staff_id))

    p, ms, staff = ParticipationRow, MappingSessionRow, aliased(StaffRow)
    sessions = (
        select(
            ms.held_on.label("day"),
            cast(literal(""), String).label("time"),
            literal(WeekEventKind.MAPPING_SESSION.value).label("kind"),
            person.first_name,
            person.last_name,
            staff.name.label("staff"),
            p.id.label("participation_id"),
            cast(literal(None), m.id.type).label("info_meeting_id"),
        )
        .join(p, p.id == ms.participation_id)
        .join(person, person.id == p.person_id)
        .outerjoin(staff, staff.id == ms.staff_id)
        .where(ms.held_on.between(monday, sunday))
    )
    if for_staff:
        sessions = sessions.where(ms.staff_id == staff_id)

    cf, contact = CaseFileRow, aliased(StaffRow)
    meeting_day = func.coalesce(cf.meeting_held_on, cf.meeting_offered_on)
    # The day held, or offered when not held yet, in the week: written so that each
    # day's own index finds the week's meetings (the coalesce of both could not).
    in_week = or_(
        cf.meeting_held_on.between(monday, sunday),
        and_(
            unindexed(cf.meeting_held_on).is_(None), cf.meeting_offered_on.between(monday, sunday)
        ),
    )
    closings = (
        select(
            meeting_day.label("day"),
            cast(literal(""), String).label("time"),
            literal(WeekEventKind.CLOSING_MEETING.value).label("kind"),
            person.first_name,
            person.last_name,
            contact.name.label("staff"),
            p.id.label("participation_id"),
            cast(literal(None), m.id.type).label("info_meeting_id"),
        )
        .join(p, p.id == cf.participation_id)
        .join(person, person.id == p.person_id)
        .outerjoin(contact, contact.id == p.contact_person_id)
        .where(in_week)
    )
    if for_staff:
        # Not by the contact persons' indexes: a coordinator has thousands of
        # participations, a week a few closing meetings.
        closings = closings.where(
            or_(
                unindexed(p.contact_person_id) == staff_id,
                unindexed(p.second_contact_person_id) == staff_id,
            )
        )
    return union_all(meetings, sessions, closings)


def _follow_ups(session: Session, monday: date, sunday: date, staff_id: int | None):
    """The plan follow-ups due in the week: a range of the stored, indexed day
    (``participation.due_plan_follow_up``, the domain's month arithmetic, kept by
    ``db/due_dates.py``), the same day Due lists."""
    week = {"monday": monday, "sunday": sunday, "staff_id": staff_id}
    rows = session.connection().execute(_follow_up_select(staff_id is not None), week).all()
    return [
        WeekEvent(
            r.due,
            "",
            WeekEventKind.PLAN_FOLLOW_UP,
            f"{r.first_name} {r.last_name}",
            r.staff or "",
            r.id,
        )
        for r in rows
    ]


@cache
def _follow_up_select(for_staff: bool):
    """The participations (of the coordinator ``staff_id`` when ``for_staff``) whose plan
    follow-up is due between the parameters ``monday`` and ``sunday``."""
    p, person, contact = ParticipationRow, PersonRow, aliased(StaffRow)
    due = p.due_plan_follow_up  # NULL unless enrolled
    stmt = (
        select(p.id, person.first_name, person.last_name, contact.name.label("staff"))
        .add_columns(due.label("due"))
        .join(person, person.id == p.person_id)
        .outerjoin(contact, contact.id == p.contact_person_id)
        .where(due.between(bindparam("monday", type_=Date), bindparam("sunday", type_=Date)))
    )
    if for_staff:
        # From the index of the day (which holds both contact persons), not by person.
        staff_id = bindparam("staff_id", type_=Integer)
        stmt = stmt.where(
            or_(
                unindexed(p.contact_person_id) == staff_id,
                unindexed(p.second_contact_person_id) == staff_id,
            )
        )
    return stmt
