"""The limits and reminders of a participation, on a fixed calendar."""

from datetime import date

import pytest

from finsam_desktop.domain.casework import (
    ContactEntry,
    ContactKind,
    Counterpart,
    Extension,
    ParticipationLimits,
    add_months,
    check_contact,
    check_extension_decision,
    check_extension_request,
    mapping_session_warning,
    note_locked,
    plan_follow_up_due,
    planned_end,
    remittent_contact_due,
    study_support_end,
)
from finsam_desktop.domain.closing import Closing, Situation, check_closing, check_reopen
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.plans import StudySupport, check_study_support

ENROLLED = date(2026, 1, 15)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 22), 3) == date(2027, 2, 22)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_enrolment_lasts_one_year_and_extension_adds_at_most_its_months():
    end = planned_end(ENROLLED, 12)
    assert end == date(2027, 1, 15)
    limits = ParticipationLimits(ENROLLED, end)
    today = date(2026, 12, 20)
    assert limits.days_since_enrolment(today) == 339
    assert limits.days_left(today) == 26
    assert limits.ending_soon(today)
    assert not limits.ending_soon(date(2026, 12, 15))  # 31 days left
    assert limits.past_end(date(2027, 1, 16))
    extended = ParticipationLimits(
        ENROLLED, end, Extension(date(2026, 12, 1), date(2026, 12, 10), 6)
    )
    assert extended.ends_on == date(2027, 7, 15)
    assert not extended.ending_soon(today)


def test_extension_once_with_decision_date_and_at_most_six_months():
    limits = ParticipationLimits(ENROLLED, planned_end(ENROLLED, 12))
    today = date(2026, 12, 20)
    check_extension_decision(limits, date(2026, 12, 10), 6, 6, today)
    with pytest.raises(ValidationError) as err:
        check_extension_decision(limits, None, 7, 6, today)
    assert set(err.value.problems) == {"decided_on", "months"}
    with pytest.raises(ValidationError) as err:
        check_extension_decision(limits, date(2026, 12, 21), 3, 6, today)
    assert "decided_on" in err.value.problems
    granted = ParticipationLimits(limits.enrolled_on, limits.planned_end, Extension(None, today, 3))
    with pytest.raises(ValidationError) as err:
        check_extension_decision(granted, today, 2, 6, today)
    assert "already" in err.value.problems["months"] or err.value.problems["months"]
    with pytest.raises(ValidationError):
        check_extension_request(granted.extension, today, today)


def test_study_support_one_month_extendable_to_three_never_more():
    start = date(2026, 8, 17)
    assert study_support_end(start, 1) == date(2026, 9, 17)
    assert StudySupport(None, 1, start, "Komvux", 3).ends_on == date(2026, 11, 17)
    check_study_support(StudySupport(None, 1, start, "Komvux", 3), previous_months=1)
    with pytest.raises(ValidationError) as err:
        check_study_support(StudySupport(None, 1, start, "Komvux", 4), previous_months=3)
    assert "3" in err.value.problems["months"]
    with pytest.raises(ValidationError):
        check_study_support(StudySupport(None, 1, start, "Komvux", 1), previous_months=2)


def test_follow_up_and_remittent_contact_due_dates():
    assert plan_follow_up_due(None, ENROLLED, 3) == date(2026, 4, 15)
    assert plan_follow_up_due(date(2026, 5, 31), ENROLLED, 3) == date(2026, 8, 31)
    assert remittent_contact_due(None, ENROLLED, 30) == date(2026, 2, 14)
    assert remittent_contact_due(date(2026, 3, 1), ENROLLED, 30) == date(2026, 3, 31)


def test_mapping_session_norm_three_to_six():
    assert mapping_session_warning(2)
    assert mapping_session_warning(3) == ""
    assert mapping_session_warning(6) == ""
    assert mapping_session_warning(7)


def test_notes_lock_after_the_day_they_were_written():
    written = date(2026, 11, 20)
    assert not note_locked(written, written)
    assert note_locked(written, date(2026, 11, 21))
    entry = ContactEntry(
        None, 1, written, ContactKind.TELEFON, [Counterpart.REMITTENT], "x", written
    )
    assert entry.with_remittent and entry.locked(date(2026, 11, 22))
    with pytest.raises(ValidationError):
        check_contact(entry, date(2026, 11, 19))  # occurred in the future
    with pytest.raises(ValidationError):
        check_contact(ContactEntry(None, 1, written, ContactKind.SMS, [], "x", written), written)


def test_closing_needs_route_summary_and_exit_situation():
    today = date(2026, 11, 22)
    with pytest.raises(ValidationError) as err:
        check_closing(Closing(None, None), ENROLLED, today, None)
    assert {"closed_on", "exit_route_id", "summary", "exit_income_source_id"} <= set(
        err.value.problems
    )
    good = Closing(today, 1, 2, "Sammanfattning", exit_situation=Situation(1, 2, 3))
    check_closing(good, ENROLLED, today, sub_route_parent=1)
    with pytest.raises(ValidationError) as err:
        check_closing(good, ENROLLED, today, sub_route_parent=5)
    assert "exit_sub_route_id" in err.value.problems
    with pytest.raises(ValidationError):
        check_reopen("  ")
