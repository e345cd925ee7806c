"""A participant enrolled in the demo team, for the case-work tests (fixed calendar)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from finsam_desktop.db.models import InsatsRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.referrals import planned_end
from finsam_desktop.services import organisation
from finsam_desktop.services.demo import fake_personnummer
from finsam_desktop.services.persons import person_name_key

ENROLLED = date(2026, 1, 15)


def enrol_participant(
    db, enrolled_on: date = ENROLLED, first: str = "Märta", last: str = "Åkerprov", serial: int = 3
) -> dict:
    """A person, a referral from AF and a participation; returns ids and staff ids."""
    with db.session() as s:
        insats_row = s.scalar(select(InsatsRow).where(InsatsRow.name.like("Samverk%")))
        insats = organisation.get_insats(s, insats_row.id)
        staff = list(
            s.scalars(select(StaffRow.id).where(StaffRow.insats_id == insats.id, StaffRow.active))
        )
        af = s.scalar(select(PartyRow.id).where(PartyRow.short_name == "AF"))
        person = PersonRow(
            personnummer=fake_personnummer(random.Random(serial), date(2000, 3, serial), serial),
            first_name=first,
            last_name=last,
            name_key=person_name_key(first, last),
            street="Testvägen 4",
            postcode="999 12",
            city="Exempelstad",
        )
        s.add(person)
        s.flush()
        referral = ReferralRow(
            case_number=f"R-2026-{serial:04d}",
            person_id=person.id,
            insats_id=insats.id,
            arrived_on=enrolled_on,
            answer_due=enrolled_on,
            status="enrolled",
            answer_sent_on=enrolled_on,
            remittent_party_id=af,
            remittent_name="Rut Remissdotter",
            remittent_phone="010-111 11 11",
            remittent_address="Arbetsförmedlingen\nBox 5\n999 40 Björkhälla",
        )
        s.add(referral)
        s.flush()
        participation = ParticipationRow(
            person_id=person.id,
            insats_id=insats.id,
            referral_id=referral.id,
            status="enrolled",
            enrolled_on=enrolled_on,
            planned_end=planned_end(enrolled_on, insats),
            contact_person_id=staff[0],
            second_contact_person_id=staff[1],
        )
        s.add(participation)
        s.flush()
        return {
            "participation": participation.id,
            "person": person.id,
            "insats": insats.id,
            "staff": staff,
        }
