"""The demo generator gives every demo participation believable case content."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from finsam_desktop.db.casework_models import CaseContactRow, CaseFileRow, PlanRevisionRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import CaseStatus
from finsam_desktop.services import casework, demo, reminders
from finsam_desktop.services.demo import cases as demo_cases

TODAY = date(2026, 11, 22)


def test_demo_cases_fill_every_participation_once(db):
    demo.fill(db, participants=200, lots=0)
    with db.reading() as s:
        participations = s.scalar(select(func.count()).select_from(ParticipationRow))
        files = s.scalar(select(func.count()).select_from(CaseFileRow))
        closed_without_route = s.scalar(
            select(func.count())
            .select_from(ParticipationRow)
            .join(CaseFileRow, CaseFileRow.participation_id == ParticipationRow.id)
            .where(
                ParticipationRow.status == CaseStatus.CLOSED.value,
                CaseFileRow.exit_route_id.is_(None),
            )
        )
        plans = s.scalar(select(func.count()).select_from(PlanRevisionRow))
        contacts = s.scalar(select(func.count()).select_from(CaseContactRow))
        past_end = reminders.due_items(s, date.today())
    assert participations > 0 and files == participations
    assert closed_without_route == 0
    assert plans >= participations and contacts > participations
    assert past_end  # something is due on the demo's Översikt
    assert demo_cases.fill_cases(db, TODAY) == 0  # a second run adds nothing
    with db.reading() as s:
        pid = s.scalar(select(ParticipationRow.id).limit(1))
        assert casework.timeline(s, pid)
