"""Rules of the front door, without a database."""

from __future__ import annotations

from datetime import date

from finsam_desktop.domain.organisation import Insats
from finsam_desktop.domain.referrals import (
    Referral,
    ReferralStatus,
    add_months,
    answer_due_date,
    check_eligibility,
    planned_end,
    unmet,
)


def test_answer_is_due_two_weeks_after_arrival():
    assert answer_due_date(date(2026, 11, 16), 14) == date(2026, 11, 30)
    referral = Referral(None, 1, 1, date(2026, 11, 16), answer_due=date(2026, 11, 30))
    assert referral.days_left(date(2026, 11, 22)) == 8
    assert referral.days_left(date(2026, 12, 2)) == -2
    referral.answer_sent_on = date(2026, 11, 25)
    assert referral.days_left(date(2026, 12, 2)) is None


def test_enrolment_ends_after_the_insats_months_even_at_month_end():
    insats = Insats(None, "Samverkansteamet", enrolment_months=12)
    assert planned_end(date(2026, 11, 22), insats) == date(2027, 11, 22)
    assert planned_end(date(2024, 2, 29), insats) == date(2025, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_checklist_warns_about_age_parties_and_exclusions():
    insats = Insats(None, "Samverkansteamet", exclusion_criteria=["Pågående missbruk"])
    fine = check_eligibility(insats, 24, 2, [])
    assert unmet(fine) == []
    too_old = check_eligibility(insats, 31, 1, ["Pågående missbruk"])
    assert [c.key for c in unmet(too_old)] == ["age", "parties", "exclusion:Pågående missbruk"]
    unknown_age = check_eligibility(insats, None, 2, [])
    assert unknown_age[0].met is None and unmet(unknown_age) == []


def test_open_statuses_block_a_second_referral():
    assert ReferralStatus.RECEIVED.is_open and ReferralStatus.DORMANT.is_open
    assert ReferralStatus.ACCEPTED.is_open
    assert not ReferralStatus.REJECTED.is_open and not ReferralStatus.ENROLLED.is_open
