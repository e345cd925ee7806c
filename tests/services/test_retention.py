"""Gallring: the preview, the run, what goes and what stays."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from finsam_desktop.db.casework_models import (
    CaseEventRow,
    CaseFileRow,
    ParticipantSurveyRow,
    PlanGoalRow,
)
from finsam_desktop.db.migrate import open_database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow, SentLetterRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import retention
from finsam_desktop.services.retention import RetentionRules
from tests.services.person_history import SECRET_NOTE, add_person_with_history, organisation

TODAY = date(2026, 11, 22)


@pytest.fixture
def db(db_location):
    database = open_database(db_location)
    with database.session() as s:
        org = organisation(s)
        database.people = {
            "old_closed": add_person_with_history(s, org, date(1990, 1, 1), 2019, 1),
            "old_open": add_person_with_history(s, org, date(1991, 2, 2), 2019, 2, closed=False),
            "recent": add_person_with_history(s, org, date(1992, 3, 3), 2024, 3),
            "born_15th": add_person_with_history(s, org, date(1993, 4, 15), 2018, 4),
            "protected": add_person_with_history(
                s, org, date(1994, 5, 6), 2020, 5, protected=True, first="Tove"
            ),
        }
    yield database
    database.close()


def preview_ids(db) -> set[int]:
    with db.reading() as s:
        return {c.person_id for c in retention.candidates(s, TODAY)}


def test_default_rule_is_five_years_after_the_last_entry_of_a_closed_participation(db):
    p = db.people
    assert preview_ids(db) == {p["old_closed"], p["born_15th"], p["protected"]}


def test_the_research_option_keeps_persons_born_on_the_5th_15th_or_25th(db):
    with db.session() as s:
        retention.save_rules(s, RetentionRules(years=5, keep_research_days=True))
    assert db.people["born_15th"] not in preview_ids(db)
    with db.session() as s:
        retention.save_rules(s, RetentionRules(years=8))
    assert preview_ids(db) == {db.people["born_15th"]}


def test_rules_outside_reason_are_refused_next_to_the_field(db):
    with db.session() as s, pytest.raises(ValidationError) as err:
        retention.save_rules(s, RetentionRules(years=0))
    assert "years" in err.value.problems


def test_the_preview_masks_a_protected_person_and_says_what_goes(db):
    with db.reading() as s:
        shown = {c.person_id: c for c in retention.candidates(s, TODAY)}
    protected = shown[db.people["protected"]]
    assert protected.personnummer == "19940506-****"
    assert "Tove" not in protected.name
    old = shown[db.people["old_closed"]]
    assert old.name == "Åsa Testberg" and old.birth_year == 1990
    assert old.last_activity == date(2019, 3, 1)
    assert old.rows >= 8  # person, referral, participation, case file, event, plan, goal, letter


def test_running_anonymises_personal_data_and_keeps_the_statistics(db):
    pid = db.people["old_closed"]
    with db.session() as s:
        person = s.get(PersonRow, pid)
        person.foreign_background = "ja"
        person.updated_at = datetime(2019, 3, 1)  # an old change, as gallring needs
        part_id = s.scalars(
            select(ParticipationRow.id).where(ParticipationRow.person_id == pid)
        ).one()
        s.add(
            ParticipantSurveyRow(
                participation_id=part_id,
                sent_on=date(2019, 3, 1),
                answered_on=date(2019, 3, 5),
                score=4,
                comment="Handläggaren Påhittsson var bra",
                updated_at=datetime(2019, 3, 5),
            )
        )
    with db.session() as s:
        result = retention.run(s, [pid], TODAY)
    assert result.persons == 1 and result.rows >= 7  # the participation row holds nothing personal

    with db.reading() as s:
        person = s.get(PersonRow, pid)
        assert (person.first_name, person.last_name, person.name_key) == ("", "", "")
        assert (person.street, person.postcode, person.city) == ("", "", "")
        assert (person.phone, person.email) == ("", "")
        assert retention.is_anonymised(person.personnummer)
        assert person.personnummer.startswith("1990")  # birth year stays
        assert person.gender == "kvinna" and person.municipality_id is not None
        assert person.foreign_background == "ja"  # utländsk bakgrund is statistics
        survey = s.get(ParticipantSurveyRow, part_id)
        assert (survey.score, survey.answered_on, survey.comment) == (4, date(2019, 3, 5), "")
        referral = s.scalars(select(ReferralRow).where(ReferralRow.person_id == pid)).one()
        assert referral.reason == "" and referral.remittent_name == ""
        assert referral.arrived_on == date(2019, 3, 1) and referral.status == "enrolled"
        assert referral.remittent_party_id is not None
        part = s.scalars(select(ParticipationRow).where(ParticipationRow.person_id == pid)).one()
        assert part.status == "closed" and part.enrolled_on == date(2019, 3, 1)
        case = s.get(CaseFileRow, part.id)
        assert case.summary == "" and case.meeting_attendees == ""
        assert case.closed_on == date(2019, 3, 1) and case.exit_route_id is not None
        event = s.scalars(
            select(CaseEventRow).where(CaseEventRow.participation_id == part.id)
        ).one()
        assert event.text == "" and event.kind == "closed"
        assert s.scalars(select(PlanGoalRow.text)).all().count("") == 1
        letter = s.scalars(select(SentLetterRow).where(SentLetterRow.person_id == pid)).one()
        assert letter.pdf == b"" and letter.kind == "remissvar"
        # Nobody else was touched.
        other = s.get(PersonRow, db.people["recent"])
        assert other.first_name == "Åsa" and other.street == "Påhittsgatan 1"

    # The secret note is gone from the anonymised rows (the others still hold theirs).
    with db.reading() as s:
        notes = s.execute(
            text("SELECT count(*) FROM case_event WHERE text = :t"), {"t": SECRET_NOTE}
        ).scalar_one()
    assert notes == 4
    assert pid not in preview_ids(db)


def test_a_run_is_logged_without_the_removed_data(db):
    pid = db.people["old_closed"]
    with db.session() as s:
        retention.run(s, [pid], TODAY)
    with db.reading() as s:
        rows = s.execute(
            text(
                "SELECT action, details FROM audit_log WHERE person_id = :p AND action = 'gallring'"
            ),
            {"p": pid},
        ).all()
        after = s.execute(
            text("SELECT details FROM audit_log WHERE id > (SELECT max(id) - 1 FROM audit_log)")
        ).scalar_one()
    assert len(rows) == 1
    assert "Testberg" not in str(after) and SECRET_NOTE not in str(after)


def test_run_skips_anyone_who_is_no_longer_a_candidate(db):
    with db.session() as s:
        result = retention.run(s, [db.people["recent"], db.people["old_open"]], TODAY)
    assert result.persons == 0
    with db.reading() as s:
        assert s.get(PersonRow, db.people["recent"]).first_name == "Åsa"


def test_gallring_never_touches_the_access_log(db):
    with db.reading() as s:
        before = s.execute(text("SELECT id, hash FROM audit_log ORDER BY id")).all()
    with db.session() as s:
        retention.run(s, sorted(preview_ids(db)), TODAY)
    with db.reading() as s:
        after = s.execute(text("SELECT id, hash FROM audit_log ORDER BY id")).all()
        from finsam_desktop.services import log_review

        assert log_review.verify_chain(s).ok
    assert after[: len(before)] == before


def test_drafts_older_than_the_retention_period_go_too(db):
    from datetime import datetime

    from finsam_desktop.db.referral_models import DraftRow

    with db.session() as s:
        s.add(
            DraftRow(
                kind="referral",
                record_key="",
                payload={"reason": SECRET_NOTE},
                saved_at=datetime(2019, 1, 1, 12, 0),
            )
        )
        s.add(
            DraftRow(
                kind="referral",
                record_key="7",
                payload={"reason": "nyss"},
                saved_at=datetime(2026, 11, 20, 12, 0),
            )
        )
    with db.session() as s:
        retention.run(s, [], TODAY)
    with db.reading() as s:
        left = s.scalars(select(DraftRow.record_key)).all()
    assert left == ["7"]
