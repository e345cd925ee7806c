"""The deltagarenkät: what may be recorded, the optimistic check, the goal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from casework_fixtures import enrol_participant

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.surveys import ParticipantSurvey
from finsam_desktop.services import demo, surveys
from finsam_desktop.services.records import ConcurrentChange

TODAY = date(2026, 11, 22)


@pytest.fixture
def pid(db):
    with db.session() as s:
        demo.create_organisation(s)
    return enrol_participant(db)["participation"]


def test_a_survey_is_sent_answered_and_saved_with_the_optimistic_check(db, pid):
    with db.reading() as s:
        empty = surveys.get_survey(s, pid)
    assert empty.version == 0 and empty.empty
    sent = replace(empty, sent_on=date(2026, 11, 1))
    with db.session() as s:
        first = surveys.save_survey(s, sent, TODAY)
    assert first.version == 1
    with db.session() as s, pytest.raises(ConcurrentChange):
        surveys.save_survey(s, sent, TODAY)  # a second copy that also started from nothing
    answered = replace(first, answered_on=date(2026, 11, 5), score=4, comment="Bra")
    with db.session() as s:
        second = surveys.save_survey(s, answered, TODAY)
    assert (second.version, second.satisfied) == (2, True)
    with db.session() as s, pytest.raises(ConcurrentChange):
        surveys.save_survey(s, replace(first, score=None), TODAY)


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"answered_on": date(2026, 11, 5)}, "sent_on"),
        ({"sent_on": date(2026, 11, 5), "answered_on": date(2026, 11, 4)}, "answered_on"),
        ({"sent_on": date(2026, 11, 23)}, "sent_on"),
        ({"sent_on": date(2026, 11, 1), "score": 4}, "answered_on"),
        ({"sent_on": date(2026, 11, 1), "answered_on": date(2026, 11, 2), "score": 6}, "score"),
        ({"sent_on": date(2026, 11, 1), "comment": "Hej"}, "answered_on"),
    ],
)
def test_impossible_surveys_are_refused_in_swedish(db, pid, fields, problem):
    with db.session() as s, pytest.raises(ValidationError) as err:
        surveys.save_survey(s, ParticipantSurvey(pid, **fields), TODAY)
    assert problem in err.value.problems
    assert err.value.problems[problem][0].isupper()


def test_the_goal_defaults_to_80_and_is_a_percentage(db):
    with db.reading() as s:
        assert surveys.survey_goal(s) == 80
    with db.session() as s:
        surveys.set_survey_goal(s, 75)
        with pytest.raises(ValidationError):
            surveys.set_survey_goal(s, 0)
    with db.reading() as s:
        assert surveys.survey_goal(s) == 75
