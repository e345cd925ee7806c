"""Kommande: what is booked in one ISO week, for the team or one coordinator.

Informationsmöten (either of the two staff), kartläggningssamtal (who held it),
closing meetings (held, or offered when not held yet) and plan follow-ups due (the
case's contact persons). The first three are one UNION ALL query restricted to the
week in SQL; the follow-ups are narrowed to the week in SQL and then dated with the
domain's month arithmetic, as on the case screen and under Due (services/reminders.py),
so the three places always agree.

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
from finsam_desktop.db.models import InsatsRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import InfoMeetingRow, ParticipationRow
from finsam_desktop.domain.casework import (
    CaseStatus,
    WeekEvent,
    WeekEventKind,
    iso_week_start,
    plan_follow_up_due,
)
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.services.access import Permission, require, requires
from finsam_desktop.services.reminders import as_case, cut_offs, last_start_due_by

DAY = timedelta(days=1)


@requires(Permission.CASEWORK)
def week_events(session: Session, any_day: date, staff_id: int | None = None) -> list[WeekEvent]:
    """Everything booked in the ISO week of ``any_day``, by day and time."""
    require(session, Permission.CASEWORK)
    monday = iso_week_start(any_day)
    sunday = monday + timedelta(days=6)
    week = {"monday": monday, "sunday": sunday, "staff_id": staff_id}
    # Plain rows on the session's connection: columns only, no entities to load.
    rows = list(session.connection().execute(_booked(staff_id is not None), week))
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
    # Only cases whose due date falls in the week, compared as stored dates (the
    # insats's months are a few values: no month arithmetic on every case).
    weeks = cut_offs(
        session,
        InsatsRow.plan_follow_up_months,
        lambda n: (last_start_due_by(monday - DAY, n), last_start_due_by(sunday, n)),
    )
    if not weeks:
        return []
    months = tuple(sorted(weeks))
    cuts: dict[str, object] = {"staff_id": staff_id}
    for n, (low, high) in weeks.items():
        cuts[f"low_{n}"], cuts[f"high_{n}"] = low, high
    cuts["low"] = min(low for low, _high in weeks.values())
    cuts["high"] = max(high for _low, high in weeks.values())
    by_plan, by_enrolment = _follow_up_selects(months, staff_id is not None)
    connection = session.connection()
    rows = [*connection.execute(by_plan, cuts), *connection.execute(by_enrolment, cuts)]
    out = []
    for r in rows:
        due = plan_follow_up_due(r.last, r.last, r.plan_follow_up_months)
        if monday <= due <= sunday:
            out.append(
                WeekEvent(
                    due,
                    "",
                    WeekEventKind.PLAN_FOLLOW_UP,
                    f"{r.first_name} {r.last_name}",
                    r.staff or "",
                    r.id,
                )
            )
    return out


@cache
def _follow_up_selects(months: tuple[int, ...], for_staff: bool):
    """The open cases with a plan follow-up in a week, for the insatser's ``months``
    values: the parameters ``low_n`` < the last plan event (or enrolment) <= ``high_n``
    for a case of an insats with ``n`` months, ``low`` and ``high`` the lowest and the
    highest of them, ``staff_id`` the coordinator when ``for_staff``. Two selects: by
    the day of the last plan event, and by the enrolment for a case without one."""
    p, cf, i, person, contact = (
        ParticipationRow,
        CaseFileRow,
        InsatsRow,
        PersonRow,
        aliased(StaffRow),
    )
    last = func.coalesce(cf.last_plan_event_on, p.enrolled_on)
    column = i.plan_follow_up_months
    lows = {n: bindparam(f"low_{n}", type_=Date) for n in months}
    highs = {n: bindparam(f"high_{n}", type_=Date) for n in months}
    base = (
        select(
            p.id,
            person.first_name,
            person.last_name,
            contact.name.label("staff"),
            last.label("last"),
            i.plan_follow_up_months,
        )
        .join(person, person.id == p.person_id)
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
        .outerjoin(contact, contact.id == p.contact_person_id)
        .where(
            unindexed(p.status) == CaseStatus.ENROLLED.value,
            last > as_case(lows, column),
            last <= as_case(highs, column),
        )
    )
    if for_staff:
        staff_id = bindparam("staff_id", type_=Integer)
        base = base.where(
            or_(
                unindexed(p.contact_person_id) == staff_id,
                unindexed(p.second_contact_person_id) == staff_id,
            )
        )
    # Found by the index of the day of the last plan event, or of the enrolment for a
    # case without one: a week's few days, not every open case of the coordinator.
    low, high = bindparam("low", type_=Date), bindparam("high", type_=Date)
    by_plan = base.where(cf.last_plan_event_on > low, cf.last_plan_event_on <= high)
    by_enrolment = base.where(
        unindexed(cf.last_plan_event_on).is_(None), p.enrolled_on > low, p.enrolled_on <= high
    )
    return by_plan, by_enrolment
