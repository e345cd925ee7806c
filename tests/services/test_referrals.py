"""The front door on a real database: meeting, referral, decision, answer, enrolment."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.domain.referrals import (
    Decision,
    DecisionInput,
    InfoMeeting,
    MeetingOutcome,
    Referral,
    ReferralStatus,
    Remittent,
)
from finsam_desktop.services import info_meetings, organisation, referrals
from finsam_desktop.services.demo import fake_personnummer

TODAY = date(2026, 11, 22)


def number(born: date, serial: int = 1) -> str:
    import random

    return fake_personnummer(random.Random(0), born, serial)


@pytest.fixture
def org(demo_db):
    with demo_db.session() as s:
        insats = next(i for i in organisation.list_insatser(s) if i.name.startswith("Samverk"))
        staff = [x for x in organisation.list_staff(s) if x.insats_id == insats.id]
        parties = {p.short_name: p.id for p in organisation.list_parties(s)}
        municipalities = {m.name: m.id for m in organisation.list_municipalities(s)}
    return {"insats": insats, "staff": staff, "parties": parties, "m": municipalities}


def new_person(municipality_id: int, protected: bool = False) -> Person:
    return Person(
        None,
        PersonalNumber(""),
        "Åsa",
        "Övningström",
        PostalAddress("Testvägen 4", "999 12", "Exempelstad"),
        municipality_id=municipality_id,
        protected_identity=protected,
    )


def remittent(org) -> Remittent:
    return Remittent(org["parties"]["AF"], "Rut Remissdotter", "010-111 11 11", "rut@af.example")


def referral(org, arrived=date(2026, 11, 16), parties=("AF", "FK")) -> Referral:
    return Referral(
        id=None,
        person_id=None,
        insats_id=org["insats"].id,
        arrived_on=arrived,
        remittent=remittent(org),
        parties_in_contact=[org["parties"][p] for p in parties],
        reason="Behöver samordnat stöd mot arbete.",
        consent=True,
        consent_on=arrived,
    )


def register(db, org, pnr=None, **kw) -> Referral:
    pnr = pnr or number(date(2001, 5, 17))
    with db.session() as s:
        return referrals.save_referral(
            s, referral(org, **kw), pnr, new_person(org["m"]["Älvsnäs"]), TODAY
        )


def test_meeting_gets_place_from_home_municipality_and_needs_two_staff(demo_db, org):
    with demo_db.session() as s:
        place = info_meetings.proposed_place(s, org["insats"].id, org["m"]["Björkhälla"])
        assert place.name == "Arbetsförmedlingen Björkhälla"
        meeting = InfoMeeting(
            None,
            None,
            org["insats"].id,
            date(2026, 12, 3),
            "9.30",
            org["staff"][0].id,
            org["staff"][0].id,
            place.name,
            place.address,
            remittent(org),
        )
        with pytest.raises(ValidationError) as err:
            info_meetings.save_meeting(
                s, meeting, number(date(2000, 1, 2)), new_person(org["m"]["Björkhälla"]), TODAY
            )
        assert set(err.value.problems) == {"staff2_id"}
        meeting.staff2_id = org["staff"][1].id
        saved = info_meetings.save_meeting(
            s, meeting, number(date(2000, 1, 2)), new_person(org["m"]["Björkhälla"]), TODAY
        )
    assert saved.meeting_time == "09:30"
    assert saved.place_address.city == "Björkhälla"
    with demo_db.session() as s:
        done = info_meetings.record_meeting_outcome(
            s, saved.id, MeetingOutcome.THINKING, saved.version
        )
    assert done.outcome is MeetingOutcome.THINKING


def test_bad_referral_input_is_named_per_field(demo_db, org):
    bad = referral(org, arrived=date(2026, 11, 30))
    bad.remittent = Remittent(org["parties"]["AF"], "  ")
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        referrals.save_referral(s, bad, "19900101-1235", new_person(1), TODAY)
    assert {"personnummer", "arrived_on", "remittent_name"} <= set(err.value.problems)


def test_referral_gets_case_number_due_date_and_home_municipality(demo_db, org):
    saved = register(demo_db, org)
    assert saved.case_number.startswith("R2026-")
    assert saved.answer_due == date(2026, 11, 30)  # 14 days after arrival
    assert saved.municipality_id == org["m"]["Älvsnäs"]
    assert saved.days_left(TODAY) == 8
    assert len(saved.parties_in_contact) == 2
    second = register(demo_db, org, pnr=number(date(1999, 3, 3)))
    assert int(second.case_number[6:]) == int(saved.case_number[6:]) + 1


def test_second_open_referral_to_same_insats_is_refused(demo_db, org):
    first = register(demo_db, org)
    with pytest.raises(ValidationError) as err:
        register(demo_db, org)
    assert first.case_number in err.value.problems["personnummer"]


def test_eligibility_rules_warn_and_acceptance_needs_motivation(demo_db, org):
    saved = register(demo_db, org, pnr=number(date(1980, 1, 1)), parties=("AF",))
    with demo_db.session() as s:
        checks = referrals.eligibility(s, saved.id)
    met = {c.key.split(":")[0]: c.met for c in checks}
    assert met["age"] is False and met["parties"] is False
    accept = DecisionInput(Decision.ACCEPT, TODAY)
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        referrals.decide(s, saved.id, accept, saved.version, TODAY)
    assert "override_motivation" in err.value.problems
    accept.override_motivation = "Styrgruppen har medgett undantag."
    with demo_db.session() as s:
        decided = referrals.decide(s, saved.id, accept, saved.version, TODAY)
    assert decided.status is ReferralStatus.ACCEPTED


def test_exclusion_ticked_is_an_unmet_rule(demo_db, org):
    saved = register(demo_db, org)
    criterion = org["insats"].exclusion_criteria[0]
    with demo_db.session() as s:
        checks = referrals.eligibility(s, saved.id, [criterion])
    failing = [c for c in checks if c.met is False]
    assert [c.key for c in failing] == ["exclusion:" + criterion]


def test_rejection_needs_reason(demo_db, org):
    saved = register(demo_db, org)
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        referrals.decide(s, saved.id, DecisionInput(Decision.REJECT, TODAY), saved.version, TODAY)
    assert "reason" in err.value.problems


def test_due_answers_lists_overdue_and_due_soon_until_answered(demo_db, org):
    late = register(demo_db, org, arrived=date(2026, 11, 1))
    soon = register(demo_db, org, pnr=number(date(1999, 3, 3)), arrived=date(2026, 11, 12))
    fresh = register(demo_db, org, pnr=number(date(1998, 4, 4)), arrived=date(2026, 11, 21))
    mine = {late.id, soon.id, fresh.id}
    with demo_db.reading() as s:
        due = [d for d in referrals.due_answers(s, TODAY) if d.referral_id in mine]
    assert [d.referral_id for d in due] == [late.id, soon.id]
    assert due[0].days_left == -7 and due[0].overdue
    assert due[1].days_left == 4
    assert due[0].person_name == "Åsa Övningström"
    with demo_db.session() as s:
        referrals.decide(s, late.id, DecisionInput(Decision.DORMANT, TODAY), late.version, TODAY)
        referrals.record_answer_sent(s, late.id, TODAY, TODAY)
    with demo_db.reading() as s:
        left = [d.referral_id for d in referrals.due_answers(s, TODAY) if d.referral_id in mine]
    assert left == [soon.id]


def test_enrolment_needs_two_different_contact_persons_and_sets_planned_end(demo_db, org):
    saved = register(demo_db, org)
    a, b = org["staff"][2].id, org["staff"][3].id
    with demo_db.session() as s:
        decided = referrals.decide(
            s, saved.id, DecisionInput(Decision.ACCEPT, TODAY), saved.version, TODAY
        )
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        referrals.enrol(s, decided.id, a, a, TODAY, True, TODAY)
    assert "second_contact_person_id" in err.value.problems
    with demo_db.session() as s:
        enrolled = referrals.enrol(s, decided.id, a, b, date(2026, 11, 20), True, TODAY)
    assert enrolled.planned_end == date(2027, 11, 20)
    assert enrolled.af_registered
    with demo_db.reading() as s:
        assert referrals.get_referral(s, saved.id).status is ReferralStatus.ENROLLED
    # An enrolled person cannot be referred again to the same insats.
    with pytest.raises(ValidationError):
        register(demo_db, org)


def test_rejected_referral_allows_a_new_one(demo_db, org):
    saved = register(demo_db, org)
    with demo_db.session() as s:
        referrals.decide(
            s, saved.id, DecisionInput(Decision.REJECT, TODAY, "Pågående missbruk."), 0, TODAY
        )
    again = register(demo_db, org)
    assert again.case_number != saved.case_number


def test_enrolment_can_be_corrected_and_planned_end_follows(demo_db, org):
    saved = register(demo_db, org)
    a, b, c = (s.id for s in org["staff"][:3])
    with demo_db.session() as s:
        referrals.decide(s, saved.id, DecisionInput(Decision.ACCEPT, TODAY), saved.version, TODAY)
        enrolled = referrals.enrol(s, saved.id, a, b, date(2026, 11, 20), False, TODAY)
    enrolled.enrolled_on = date(2026, 11, 21)
    enrolled.second_contact_person_id = a
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        referrals.update_participation_start(s, enrolled, TODAY)
    assert "second_contact_person_id" in err.value.problems
    enrolled.second_contact_person_id = c
    enrolled.af_registered = True
    with demo_db.session() as s:
        fixed = referrals.update_participation_start(s, enrolled, TODAY)
    assert fixed.planned_end == date(2027, 11, 21) and fixed.af_registered
    with demo_db.reading() as s:
        assert [r.id for r in referrals.referrals_for_person(s, saved.person_id)] == [saved.id]


def test_the_days_left_order_is_stored_on_every_referral_and_kept(demo_db, org):
    """The Remisser list sorts by days left on referral.answer_sort_due: the due day
    while the answer is waiting, 9999-12-31 once sent. Every way a referral is written
    keeps it: the demo's bulk insert, registering, correcting, sending the answer."""
    from sqlalchemy import select

    from finsam_desktop.db.referral_models import ReferralRow
    from finsam_desktop.services.referral_list import referral_list

    def stored(referral_id):
        with demo_db.reading() as s:
            row = s.get(ReferralRow, referral_id)
            return row.answer_due, row.answer_sort_due

    late = register(demo_db, org, arrived=date(2026, 11, 1))
    soon = register(demo_db, org, pnr=number(date(1999, 3, 3)), arrived=date(2026, 11, 12))
    assert stored(late.id)[1] == stored(late.id)[0] == late.answer_due
    moved = dataclasses.replace(soon, arrived_on=date(2026, 11, 10))
    with demo_db.session() as s:
        soon = referrals.save_referral(s, moved, today=TODAY)
    assert stored(soon.id)[1] == stored(soon.id)[0] == soon.answer_due
    with demo_db.session() as s:
        referrals.decide(s, late.id, DecisionInput(Decision.DORMANT, TODAY), late.version, TODAY)
        referrals.record_answer_sent(s, late.id, TODAY, TODAY)
    assert stored(late.id)[1] == date(9999, 12, 31)
    with demo_db.reading() as s:
        rows = s.execute(
            select(ReferralRow.answer_due, ReferralRow.answer_sent_on, ReferralRow.answer_sort_due)
        ).all()
    assert len(rows) > 10 and any(r.answer_sent_on for r in rows)
    for due, sent, sort_due in rows:
        assert sort_due == (due if sent is None else date(9999, 12, 31))
    query = referral_list(demo_db, lambda: TODAY)
    days_left = [c.key for c in query.columns].index("days_left")
    shown = [r.values[-1] for r in query.page(0, None, days_left)]
    waiting = [d for d in shown if d != ""]
    assert waiting == sorted(waiting) and shown == waiting + [""] * (len(shown) - len(waiting))
    backwards = [r.values[-1] for r in query.page(0, None, days_left, True)]
    assert backwards == [""] * (len(shown) - len(waiting)) + waiting[::-1]


def test_every_kind_of_search_finds_the_same_referrals_narrow_or_not(demo_db, org, monkeypatch):
    """The Remisser list counts and pages a search in two ways (listing.ListQuery): along
    the list's joins, or by finding the persons first (``narrow_search``, for a search
    that matches few; ``person_count_search`` for the count, when a sample of the persons
    says that few match). For every kind of search (a letter, a name, part of a
    personnummer, a case number) every way gives the same count and the same rows in
    order."""
    from sqlalchemy import select

    from finsam_desktop.db.models import PersonRow
    from finsam_desktop.db.referral_models import ReferralRow
    from finsam_desktop.services import listing
    from finsam_desktop.services.referral_list import referral_list

    with demo_db.reading() as s:
        name, pnr, case = s.execute(
            select(PersonRow.last_name, PersonRow.personnummer, ReferralRow.case_number)
            .join(PersonRow, PersonRow.id == ReferralRow.person_id)
            .limit(1)
        ).one()
    query = referral_list(demo_db, lambda: TODAY)
    days_left = [c.key for c in query.columns].index("days_left")
    texts = ["a", name[:2], name, name.lower(), pnr[2:8], pnr[-4:], case, case[:6], "zzzqx"]
    counted = set()
    for text in texts:
        plain = query.page(0, None, days_left, False, text)
        narrow = query.page(0, None, days_left, False, text, matches=0)
        assert [r.id for r in narrow] == [r.id for r in plain], text
        assert query.count(text) == len(plain), text
        for persons_first in (True, False):
            monkeypatch.setattr(listing, "matches_few_persons", lambda *_a, f=persons_first: f)
            assert query.count(text) == len(plain), (text, persons_first)
            assert query.count(text, {"status": "open"}) == len(
                query.page(0, None, None, False, text, {"status": "open"})
            ), (text, persons_first)
        monkeypatch.undo()
        counted.add(len(plain) > 0)
        everything = query.page(0, None, days_left, False, "", matches=0)
        assert len(everything) == query.count()
    assert counted == {True, False}  # some texts found referrals, one found none
