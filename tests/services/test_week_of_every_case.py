"""Kommande's week is found by indexes (services/coming_week.py): the plan follow-ups by
the day of the last plan event or of the enrolment, the closing meetings by the day held
or offered. Here every week around today is compared with the domain rules applied to
every case, for the team and for one coordinator."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import (
    CaseStatus,
    WeekEventKind,
    iso_week_start,
    plan_follow_up_due,
)
from finsam_desktop.services import coming_week, demo


def test_every_week_holds_every_follow_up_and_closing_meeting_due_in_it(db):
    demo.fill(db, participants=120, lots=0)
    today = date.today()
    with db.session() as s:
        # Insatser with their own months; closing meetings offered only, held after
        # being offered in another week, and held without an offer, around today.
        insatser = s.scalars(select(InsatsRow).order_by(InsatsRow.id)).all()
        for insats, months in zip(insatser, (1, 6, 2), strict=False):
            insats.plan_follow_up_months = months
        files = s.scalars(select(CaseFileRow).order_by(CaseFileRow.participation_id)).all()
        for n, case_file in enumerate(files[:60]):
            offered = today + timedelta(days=n - 30)
            case_file.meeting_offered_on = offered if n % 3 else None
            case_file.meeting_held_on = offered + timedelta(days=9) if n % 2 else None
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    with db.reading() as s:
        cases = s.execute(
            select(p.id, p.status, p.enrolled_on, p.contact_person_id, p.second_contact_person_id)
            .add_columns(cf.last_plan_event_on, cf.meeting_held_on, cf.meeting_offered_on)
            .add_columns(i.plan_follow_up_months)
            .join(i, i.id == p.insats_id)
            .outerjoin(cf, cf.participation_id == p.id)
        ).all()
        staff_id = cases[0].contact_person_id
        seen = {WeekEventKind.PLAN_FOLLOW_UP: 0, WeekEventKind.CLOSING_MEETING: 0}
        for who in (None, staff_id):
            for weeks in range(-6, 8):
                monday = iso_week_start(today) + timedelta(weeks=weeks)
                sunday = monday + timedelta(days=6)
                mine = [c for c in cases if who in (None, c.contact_person_id)] + [
                    c for c in cases if who is not None and c.second_contact_person_id == who
                ]
                follow_ups, closings = set(), set()
                for c in mine:
                    due = plan_follow_up_due(
                        c.last_plan_event_on, c.enrolled_on, c.plan_follow_up_months
                    )
                    if c.status == CaseStatus.ENROLLED.value and monday <= due <= sunday:
                        follow_ups.add((c.id, due))
                    day = c.meeting_held_on or c.meeting_offered_on
                    if day and monday <= day <= sunday:
                        closings.add((c.id, day))
                events = coming_week.week_events(s, monday, who)
                found = {
                    kind: {(e.participation_id, e.day) for e in events if e.kind is kind}
                    for kind in seen
                }
                assert found[WeekEventKind.PLAN_FOLLOW_UP] == follow_ups, (who, monday)
                assert found[WeekEventKind.CLOSING_MEETING] == closings, (who, monday)
                seen[WeekEventKind.PLAN_FOLLOW_UP] += len(follow_ups)
                seen[WeekEventKind.CLOSING_MEETING] += len(closings)
    assert min(seen.values()) > 10  # the weeks held both kinds
