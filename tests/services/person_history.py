"""A person with a history in every kind of table, for gallring and registerutdrag tests.

All data is fictitious; the personnummer are in the test range (birth number 980-999).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import (
    CaseEventRow,
    CaseFileRow,
    CaseOptionRow,
    PlanGoalRow,
    PlanRevisionRow,
)
from finsam_desktop.db.models import MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow, SentLetterRow
from finsam_desktop.services import demo
from finsam_desktop.services.persons import person_name_key

SECRET_NOTE = "Mår dåligt efter skilsmässan, berättade om sin mamma."


def organisation(session: Session) -> dict[str, int]:
    """The demo organisation's ids (created unless the database already has it)."""
    from finsam_desktop.db.models import InsatsRow

    existing = session.scalars(select(InsatsRow.id)).first()
    ids = {"insats": existing} if existing else demo.create_organisation(session)
    ids["staff"] = session.scalars(select(StaffRow.id)).first()
    ids["party"] = session.scalars(select(PartyRow.id)).first()
    ids["municipality"] = session.scalars(select(MunicipalityRow.id)).first()
    ids["option"] = session.scalars(select(CaseOptionRow.id)).first()
    return ids


def add_person_with_history(
    session: Session,
    org: dict[str, int],
    born: date,
    last_year: int,
    serial: int = 1,
    closed: bool = True,
    protected: bool = False,
    first: str = "Åsa",
    last: str = "Testberg",
) -> int:
    """A person referred, enrolled and (if ``closed``) closed, last touched in ``last_year``."""
    when = datetime(last_year, 3, 1, 10, 0)
    day = when.date()
    person = PersonRow(
        personnummer=demo.fake_personnummer(None, born, serial),
        first_name=first,
        last_name=last,
        name_key=person_name_key(first, last),
        street="Påhittsgatan 1",
        postcode="999 99",
        city="Exempelstad",
        municipality_id=org["municipality"],
        gender="kvinna",
        protected_identity=protected,
        phone="070-000 00 00",
        email="asa@example.org",
        created_at=when,
        updated_at=when,
    )
    session.add(person)
    session.flush()
    referral = ReferralRow(
        case_number=f"R-{last_year}-{person.id:04d}",
        person_id=person.id,
        insats_id=org["insats"],
        municipality_id=org["municipality"],
        arrived_on=day,
        answer_due=day,
        reason=SECRET_NOTE,
        status="enrolled",
        remittent_party_id=org["party"],
        remittent_name="Handläggare Exempelsson",
        remittent_phone="010-000 00 01",
        created_at=when,
        updated_at=when,
    )
    session.add(referral)
    session.flush()
    participation = ParticipationRow(
        person_id=person.id,
        insats_id=org["insats"],
        referral_id=referral.id,
        status="closed" if closed else "enrolled",
        enrolled_on=day,
        planned_end=day,
        contact_person_id=org["staff"],
        second_contact_person_id=org["staff"],
        updated_at=when,
    )
    session.add(participation)
    session.flush()
    session.add(
        CaseFileRow(
            participation_id=participation.id,
            closed_on=day if closed else None,
            exit_route_id=org["option"],
            summary=SECRET_NOTE,
            recommendations="Fortsatt kontakt med psykiatrin.",
            meeting_attendees="Åsa, mamma, handläggare",
            updated_at=when,
        )
    )
    session.add(
        CaseEventRow(
            participation_id=participation.id,
            happened_on=day,
            kind="closed",
            text=SECRET_NOTE,
            created_at=when,
        )
    )
    revision = PlanRevisionRow(
        participation_id=participation.id, number=1, made_on=day, note=SECRET_NOTE, created_at=when
    )
    session.add(revision)
    session.flush()
    session.add(
        PlanGoalRow(revision_id=revision.id, position=1, text="Börja studera", status="reached")
    )
    session.add(
        SentLetterRow(
            person_id=person.id,
            referral_id=referral.id,
            kind="remissvar",
            recipient="Deltagare",
            subject="Svar på remiss",
            sent_at=when,
            sent_by="Karin",
            pdf=b"%PDF Asa Testberg",
        )
    )
    session.flush()
    return person.id
