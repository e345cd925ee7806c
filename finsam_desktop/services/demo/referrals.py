"""Fictitious referrals for the demo database and the 100,000-referral benchmark.

Every remittent name is invented. Referrals are spread over the last two years:
old ones are decided and answered (most enrolled, some rejected), recent ones are
still waiting for the team, and a few are overdue, so Översikt and the Remisser
list have something to show. Written with Core bulk inserts in one transaction.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow, MeetingPlaceRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import (
    InfoMeetingRow,
    ParticipationRow,
    ReferralPartyContactRow,
    ReferralRow,
)
from finsam_desktop.domain import clock
from finsam_desktop.domain.referrals import (
    MeetingOutcome,
    ParticipationStatus,
    ReferralStatus,
    add_months,
)
from finsam_desktop.services.access import Permission, requires

REMITTENT_FIRST = ("Rut", "Bo", "Inga", "Sten", "Greta", "Nils", "Vera", "Olle")
REMITTENT_LAST = ("Remissdotter", "Handläggarsson", "Påhittsberg", "Exempelqvist")
REASONS = (
    "Behöver samordnat stöd för att komma vidare mot arbete eller studier.",
    "Långvarigt utanförskap, har kontakt med flera myndigheter.",
    "Aktivitetsersättning, vill pröva arbetsträning.",
    "Önskar stöd i kontakten mellan myndigheterna.",
)
BATCH = 10_000


@requires(Permission.ADMINISTER)
def fill_referrals(
    db: Database, count: int | None = None, today: date | None = None, seed: int = 2026
) -> int:
    """Give up to ``count`` persons (default: two in three) a referral; returns how many."""
    today = today or clock.today()
    rng = random.Random(seed)
    with db.session() as session:
        people = session.execute(
            select(PersonRow.id, PersonRow.municipality_id).order_by(PersonRow.id)
        ).all()
        insatser = session.execute(
            select(InsatsRow.id, InsatsRow.answer_days, InsatsRow.enrolment_months).where(
                InsatsRow.active
            )
        ).all()
        if not people or not insatser:
            return 0
        served = {
            m: i
            for i, m in session.execute(
                select(MeetingPlaceRow.insats_id, MeetingPlaceRow.municipality_id)
            )
        }
        places = {
            (p.insats_id, p.municipality_id): p for p in session.scalars(select(MeetingPlaceRow))
        }
        staff_by_insats: dict[int, list[int]] = {}
        for staff_id, insats_id in session.execute(
            select(StaffRow.id, StaffRow.insats_id).where(StaffRow.active)
        ):
            staff_by_insats.setdefault(insats_id, []).append(staff_id)
        party_ids = list(session.scalars(select(PartyRow.id).where(PartyRow.active)))
        next_id = (session.scalar(select(func.max(ReferralRow.id))) or 0) + 1
        next_meeting = (session.scalar(select(func.max(InfoMeetingRow.id))) or 0) + 1
        year_seq: dict[int, int] = {}
        for case_number in session.scalars(select(ReferralRow.case_number)):
            year, seq = case_number[1:].split("-")
            year_seq[int(year)] = max(year_seq.get(int(year), 0), int(seq))
        rules = {i.id: i for i in insatser}

        wanted = len(people) * 2 // 3 if count is None else min(count, len(people))
        chosen = rng.sample(people, wanted) if wanted < len(people) else list(people)
        # Arrival order decides the case numbers, as in real life.
        arrivals = sorted(today - timedelta(days=rng.randrange(0, 730)) for _ in chosen)
        referrals, contacts, meetings, participations = [], [], [], []
        for (person_id, municipality_id), arrived in zip(chosen, arrivals, strict=True):
            insats_id = served.get(municipality_id, insatser[0].id)
            rule = rules.get(insats_id, insatser[0])
            staff = staff_by_insats.get(insats_id) or staff_by_insats.get(insatser[0].id) or []
            year_seq[arrived.year] = year_seq.get(arrived.year, 0) + 1
            row = _referral(rng, next_id, person_id, insats_id, municipality_id, arrived)
            row["case_number"] = f"R{arrived.year}-{year_seq[arrived.year]:05d}"
            row["remittent_party_id"] = rng.choice(party_ids)
            row["answer_due"] = arrived + timedelta(days=rule.answer_days)
            age = (today - arrived).days
            _decide(rng, row, age, today, staff)
            if rng.random() < 0.5 and len(staff) >= 2:
                place = places.get((insats_id, municipality_id))
                meetings.append(
                    _meeting(rng, next_meeting, row, person_id, insats_id, staff, place)
                )
                row["info_meeting_id"] = next_meeting
                next_meeting += 1
            referrals.append(row)
            for party_id in rng.sample(party_ids, rng.choice((1, 2, 2, 2, 3))):
                contacts.append({"referral_id": next_id, "party_id": party_id})
            if row["status"] == ReferralStatus.ENROLLED.value and len(staff) >= 2:
                participations.append(_participation(rng, row, rule, staff, today))
            next_id += 1
        for table, rows in (
            (InfoMeetingRow, meetings),
            (ReferralRow, referrals),
            (ReferralPartyContactRow, contacts),
            (ParticipationRow, participations),
        ):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(table), rows[start : start + BATCH])
    return len(referrals)


def _referral(rng, referral_id, person_id, insats_id, municipality_id, arrived) -> dict:
    first, last = rng.choice(REMITTENT_FIRST), rng.choice(REMITTENT_LAST)
    return {
        "id": referral_id,
        "person_id": person_id,
        "insats_id": insats_id,
        "info_meeting_id": None,
        "municipality_id": municipality_id,
        "arrived_on": arrived,
        "remittent_name": f"{first} {last}",
        "remittent_phone": f"010-{rng.randrange(100, 999)} {rng.randrange(10, 99)} 00",
        "remittent_email": f"{_ascii(first)}.{_ascii(last)}@myndighet.example",
        "remittent_address": "",
        "reason": rng.choice(REASONS),
        "consent": True,
        "consent_on": arrived,
        "status": ReferralStatus.RECEIVED.value,
        "decided_on": None,
        "decision_reason": "",
        "next_step": "",
        "exclusions_applying": [],
        "override_motivation": "",
        "answer_sent_on": None,
        "answer_contact1_id": None,
        "answer_contact2_id": None,
        "version": 1,
    }


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe"))


def _decide(rng, row: dict, age: int, today: date, staff: list[int]) -> None:
    """Old referrals are decided and answered; recent ones are still in the team's hands."""
    arrived = row["arrived_on"]
    if age < 10:
        status = rng.choice((ReferralStatus.RECEIVED,) * 3 + (ReferralStatus.DORMANT,))
    elif age < 30:
        status = rng.choice(
            (ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, ReferralStatus.REJECTED)
            + (ReferralStatus.RECEIVED,)
        )
    else:
        status = rng.choices(
            (ReferralStatus.ENROLLED, ReferralStatus.REJECTED, ReferralStatus.DORMANT),
            weights=(70, 25, 5),
        )[0]
    row["status"] = status.value
    if status is ReferralStatus.RECEIVED:
        return
    decided = min(today, arrived + timedelta(days=rng.randrange(3, 13)))
    row["decided_on"] = decided
    if status is ReferralStatus.REJECTED:
        row["decision_reason"] = "Har inte kontakt med två av parterna."
    if len(staff) >= 2:
        row["answer_contact1_id"], row["answer_contact2_id"] = rng.sample(staff, 2)
    # Most answers go out within the deadline, a few late, a few not yet.
    if rng.random() < 0.97 or (today - decided).days > 60:
        row["answer_sent_on"] = min(today, decided + timedelta(days=rng.randrange(0, 5)))


def _meeting(rng, meeting_id, row, person_id, insats_id, staff, place) -> dict:
    first, second = rng.sample(staff, 2)
    return {
        "id": meeting_id,
        "person_id": person_id,
        "insats_id": insats_id,
        "meeting_date": row["arrived_on"] - timedelta(days=rng.randrange(3, 20)),
        "meeting_time": rng.choice(("09:00", "10:00", "13:30", "15:00")),
        "staff1_id": first,
        "staff2_id": second,
        "place_name": place.name if place else "",
        "place_street": place.street if place else "",
        "place_postcode": place.postcode if place else "",
        "place_city": place.city if place else "",
        "outcome": MeetingOutcome.YES.value,
        "notes": "",
        "remittent_party_id": row["remittent_party_id"],
        "remittent_name": row["remittent_name"],
        "remittent_phone": row["remittent_phone"],
        "remittent_email": row["remittent_email"],
        "remittent_address": "",
        "version": 1,
    }


def _participation(rng, row, rule, staff, today: date) -> dict:
    enrolled = min(today, row["decided_on"] + timedelta(days=rng.randrange(0, 10)))
    end = add_months(enrolled, rule.enrolment_months)
    first, second = rng.sample(staff, 2)
    return {
        "person_id": row["person_id"],
        "insats_id": row["insats_id"],
        "referral_id": row["id"],
        "status": (
            ParticipationStatus.CLOSED if end < today else ParticipationStatus.ENROLLED
        ).value,
        "enrolled_on": enrolled,
        "planned_end": end,
        "contact_person_id": first,
        "second_contact_person_id": second,
        "af_registered": True,
        "version": 1,
    }
