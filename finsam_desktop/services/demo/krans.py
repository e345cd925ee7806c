"""Fictitious local models in three krans municipalities of the demo förbund (issue 11).

Each model has its own referring parties (a school, a hälsocentral), a year of
aktualiseringar decided at a beredning every second week, and outcomes for most of the
older cases, so that the board's week table and the reminder for missing outcomes have
something to show. Written through the services, as a coordinator would register it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PersonRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import (
    Beredning,
    BeredningDecision,
    CaseDecision,
    LocalListKind,
    ProcessProfile,
)
from finsam_desktop.domain.organisation import Insats, PostalAddress
from finsam_desktop.domain.referrals import Referral, Remittent
from finsam_desktop.services import krans, organisation, persons
from finsam_desktop.services.access import Permission, requires

# (municipality, expected aktualiseringar per year, the model's own parties)
MODELS = (
    ("Björkhälla", 40, ("Björkhälla skola", "Björkhälla hälsocentral")),
    ("Åkerby", 30, ("Åkerbyskolan", "Åkerby hälsocentral")),
    ("Granvik", 20, ("Granviks skola",)),
)
OFFICERS = ("Ola Handläggarsson", "Inga Påhittsberg", "Bo Exempelqvist", "Vera Remissdotter")
PURPOSES = (
    "Samordnat stöd mot arbete.",
    "Tillbaka till studier med stöd från flera parter.",
    "Behöver en plan tillsammans med socialtjänsten och AF.",
)


@requires(Permission.ADMINISTER)
def fill_krans(db: Database, today: date | None = None, seed: int = 2026) -> int:
    """Create the three local models and their aktualiseringar; returns how many."""
    today = today or clock.today()
    rng = random.Random(seed + 11)
    created = 0
    for municipality, expected, own_parties in MODELS:
        with db.session() as s:
            municipality_id = s.scalar(
                select(MunicipalityRow.id).where(MunicipalityRow.name == municipality)
            )
            if municipality_id is None:
                continue
            insats = organisation.save_insats(
                s,
                Insats(
                    None,
                    f"Lokal samverkan {municipality}",
                    PostalAddress("Påhittsgatan 11", "999 40", municipality),
                    age_min=None,
                    age_max=None,
                ),
            )
            krans.set_process_profile(s, insats.id, ProcessProfile.LOCAL, outcome_reminder_weeks=12)
            row = s.get(InsatsRow, insats.id)
            row.expected_per_year, row.target_work_studies_percent = expected, 30
            for name in own_parties:
                krans.add_local_party(s, insats.id, name)
            parties = [p.id for p in krans.parties_for_insats(s, insats.id)]
            destinations = [
                o.id for o in krans.local_options(s, insats.id, LocalListKind.DESTINATION)
            ]
            outcomes = [o.id for o in krans.local_options(s, insats.id, LocalListKind.OUTCOME)]
            people = s.scalars(
                select(PersonRow.id).where(PersonRow.municipality_id == municipality_id)
            ).all()
        people = list(people)
        rng.shuffle(people)
        count = min(len(people), round(expected * rng.uniform(0.8, 1.1)))
        arrivals = sorted(today - timedelta(days=rng.randrange(3, 365)) for _ in range(count))
        cases = []
        for person_id, arrived in zip(people, arrivals, strict=False):
            with db.session() as s:
                person = persons.get_person(s, person_id)
                referral = Referral(
                    None,
                    person_id,
                    insats.id,
                    arrived,
                    remittent=Remittent(rng.choice(parties), rng.choice(OFFICERS)),
                    reason=rng.choice(PURPOSES),
                    consent=True,
                    consent_on=arrived,
                    municipality_id=person.municipality_id,
                )
                cases.append(krans.register_aktualisering(s, referral, today=today))
        created += len(cases)
        _decide_and_close(db, insats.id, cases, destinations, outcomes, today, rng)
    return created


def _decide_and_close(db, insats_id, cases, destinations, outcomes, today, rng) -> None:
    """A beredning every second Thursday decides what arrived before it; most cases
    that went somewhere more than three months ago have an outcome."""
    if not cases:
        return
    first = cases[0].arrived_on
    day = first + timedelta(days=(3 - first.weekday()) % 7 + 7)
    pending = list(cases)
    while day <= today - timedelta(days=7) and pending:
        ready = [c for c in pending if c.arrived_on <= day]
        pending = [c for c in pending if c.arrived_on > day]
        decisions = []
        for case in ready:
            roll = rng.random()
            if roll < 0.08:
                decisions.append(
                    CaseDecision(case.id, BeredningDecision.AVSLAG, reason="Ej målgrupp just nu.")
                )
            elif roll < 0.14:
                decisions.append(CaseDecision(case.id, BeredningDecision.AVVAKTAN))
            else:
                weights = [6, 9, 1, 1, 1, 1][: len(destinations)]
                destination = rng.choices(destinations, weights=weights)[0]
                decisions.append(CaseDecision(case.id, BeredningDecision.DESTINATION, destination))
        if decisions:
            with db.session() as s:
                for d in decisions:
                    d.version = _version(s, d.referral_id)
                krans.hold_beredning(s, Beredning(None, insats_id, day, "", decisions), today)
            for d in decisions:
                ended = day + timedelta(days=rng.randrange(60, 200))
                if (
                    d.decision is BeredningDecision.DESTINATION
                    and ended <= today
                    and rng.random() < 0.75
                ):
                    with db.session() as s:
                        krans.record_outcome(
                            s, d.referral_id, rng.choice(outcomes), ended, today=today
                        )
        day += timedelta(days=14)


def _version(session, referral_id: int) -> int:
    from finsam_desktop.db.referral_models import ReferralRow

    return session.get(ReferralRow, referral_id).version
