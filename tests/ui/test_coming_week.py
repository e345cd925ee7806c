"""Kommande on Översikt: the ISO week's informationsmöten, kartläggningssamtal, plan
follow-ups and closing meetings, per coordinator or the team."""

from __future__ import annotations

from datetime import date

import pytest
from casework_fixtures import enrol_participant
from sqlalchemy import select

from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import InfoMeetingRow
from finsam_desktop.domain.casework import WeekEventKind, add_months
from finsam_desktop.domain.mapping import MappingSession
from finsam_desktop.services import coming_week, mapping

K = WeekEventKind


@pytest.fixture
def booked(db):
    from finsam_desktop.services import demo

    with db.session() as s:
        demo.create_organisation(s)
    case = enrol_participant(db)  # enrolled Thursday 2026-01-15, ISO week 3
    staff = case["staff"]
    with db.session() as s:
        mapping.add_session(
            s,
            case["participation"],
            MappingSession(None, date(2026, 1, 20), staff[0]),
            date(2026, 2, 1),
        )
        s.add(
            InfoMeetingRow(
                person_id=case["person"],
                insats_id=case["insats"],
                meeting_date=date(2026, 1, 21),
                meeting_time="10:00",
                staff1_id=staff[1],
                staff2_id=staff[1],
            )
        )
        s.scalar(select(CaseFileRow)).meeting_offered_on = date(2026, 1, 22)
        months = s.get(InsatsRow, case["insats"]).plan_follow_up_months
    return case, add_months(date(2026, 1, 15), months)


def test_the_week_per_team_and_per_coordinator(db, booked):
    case, follow_up = booked
    staff = case["staff"]
    with db.reading() as s:
        team = coming_week.week_events(s, date(2026, 1, 25), None)  # a Sunday: same week
        assert [(e.day.day, e.kind) for e in team] == [
            (20, K.MAPPING_SESSION),
            (21, K.INFO_MEETING),
            (22, K.CLOSING_MEETING),
        ]
        assert team[1].time == "10:00" and team[1].participation_id is None
        assert team[0].participant == "Märta Åkerprov"
        mine = coming_week.week_events(s, date(2026, 1, 19), staff[0])
        assert [e.kind for e in mine] == [K.MAPPING_SESSION, K.CLOSING_MEETING]
        theirs = coming_week.week_events(s, date(2026, 1, 19), staff[1])
        assert [e.kind for e in theirs] == [K.INFO_MEETING, K.CLOSING_MEETING]
        assert coming_week.week_events(s, date(2026, 1, 12), None) == []
        due = coming_week.week_events(s, follow_up, None)
        assert [(e.day, e.kind) for e in due] == [(follow_up, K.PLAN_FOLLOW_UP)]
        for days in (-7, 7):
            other = date.fromordinal(follow_up.toordinal() + days)
            assert K.PLAN_FOLLOW_UP not in [e.kind for e in coming_week.week_events(s, other)]


def test_the_week_view_navigates_and_opens_the_case(db, booked, tmp_path, qapp, qtbot):
    from conftest import app_context

    from finsam_desktop.services import organisation
    from finsam_desktop.ui.pages.overview.coming_week import ComingWeek

    case, _follow_up = booked
    opened = []
    view = ComingWeek(app_context(db, tmp_path), opened.append)
    qtbot.addWidget(view)
    with db.reading() as s:
        view.fill_staff(organisation.list_staff(s))
    view.monday = date(2026, 1, 12)
    view.refresh()
    assert view.tree.topLevelItemCount() == 0 and "Inget" in view.empty.text()
    view.next_button.click()
    assert view.week_label.text().startswith("Vecka 4: 2026-01-19")
    assert view.tree.topLevelItemCount() == 3
    assert view.tree.topLevelItem(0).text(0).startswith("tisdag")
    view.tree.itemDoubleClicked.emit(view.tree.topLevelItem(0), 0)
    assert opened == [case["participation"]]
    view.previous_button.click()
    assert view.week_label.text().startswith("Vecka 3: 2026-01-12")
    view.choose_staff(case["staff"][1])
    view.next_button.click()
    assert view.tree.topLevelItemCount() == 2
