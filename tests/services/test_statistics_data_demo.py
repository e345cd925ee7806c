"""The demo has the data the statistics need: utländsk bakgrund, insats targets, exit
route flags, surveys of closed participations, lotsärenden with several outcomes."""

from __future__ import annotations

from sqlalchemy import func, select

from finsam_desktop.db.casework_models import CaseOptionRow, ParticipantSurveyRow
from finsam_desktop.db.lots_models import LotsCaseOutcomeRow
from finsam_desktop.db.models import InsatsRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.services import demo


def test_the_demo_has_the_statistics_data(db):
    demo.fill(db, participants=300, lots=300)
    with db.reading() as s:
        background = dict(
            s.execute(
                select(PersonRow.foreign_background, func.count()).group_by(
                    PersonRow.foreign_background
                )
            ).all()
        )
        assert set(background) == {"ja", "nej", "okant"}
        assert 0.12 <= background["ja"] / 300 <= 0.22  # about 17 %, as seed 000
        targets = s.execute(
            select(InsatsRow.expected_per_year, InsatsRow.target_work_studies_percent)
        ).all()
        assert all(e and t for e, t in targets)
        flags = {
            name: (a, w)
            for name, a, w in s.execute(
                select(
                    CaseOptionRow.name, CaseOptionRow.in_activity, CaseOptionRow.work_or_studies
                ).where(CaseOptionRow.list_key == "exit_route")
            )
        }
        assert flags["Arbete"] == (True, True) and flags["Studier"] == (True, True)
        assert flags["Arbetsträning/praktik"] == (True, False)
        assert flags["Avbrott"] == (False, False)
        statuses = s.execute(
            select(ParticipationRow.status, func.count())
            .join(ParticipantSurveyRow)
            .group_by(ParticipationRow.status)
        ).all()
        assert dict(statuses).keys() == {"closed"} and dict(statuses)["closed"] > 0
        answered = s.scalar(select(func.count()).where(ParticipantSurveyRow.score.is_not(None)))
        assert 0 < answered < dict(statuses)["closed"]
        several = s.scalar(
            select(func.count()).select_from(
                select(LotsCaseOutcomeRow.lots_case_id)
                .group_by(LotsCaseOutcomeRow.lots_case_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        assert several > 0
