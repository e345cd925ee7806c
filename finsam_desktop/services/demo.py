"""A clearly fictitious team for newcomers and benchmarks.

Every name, municipality and address here is invented. Personnummer are generated
with valid check digits but birth numbers 980–999, a range kept for test data.
Large volumes are written with Core bulk inserts (ORM add_all is ~10x slower).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.domain.organisation import (
    DEFAULT_PARTIES,
    Federation,
    Insats,
    MeetingPlace,
    Municipality,
    Party,
    PostalAddress,
    Staff,
    default_exclusion_criteria,
)
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.services.access import Permission, pure, requires
from finsam_desktop.services.persons import person_name_key

MUNICIPALITIES = ("Älvsnäs", "Björkhälla", "Östra Lindö", "Åkerby", "Granvik")
FIRST_WOMEN = ("Åsa", "Ebba", "Märta", "Linnea", "Saga", "Ylva", "Tove", "Agnes", "Hedvig")
FIRST_MEN = ("Örjan", "Elias", "Måns", "Hugo", "Ture", "Algot", "Vilgot", "Ivar", "Sixten")
LAST_NAMES = (
    "Exempelsson",
    "Påhittsdotter",
    "Testberg",
    "Övningström",
    "Låtsasgren",
    "Fiktivén",
    "Provlund",
    "Ärligsson",
    "Demovik",
    "Åkerprov",
)
STREETS = ("Påhittsgatan", "Testvägen", "Exempelgränd", "Övningsallén", "Låtsasstigen")


@pure
def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


@pure
def fake_personnummer(rng: random.Random, born: date, serial: int) -> str:
    """A 12-digit number in the test range (birth number 980–999)."""
    birth_number = 980 + serial % 20
    nine = f"{born:%y%m%d}{birth_number:03d}"
    return f"{born:%Y%m%d}{birth_number:03d}{luhn_check_digit(nine)}"


@requires(Permission.ADMINISTER)
def create_organisation(session: Session) -> dict[str, int]:
    """The demo förbund, its insatser, parties, municipalities and staff; returns ids."""
    organisation.save_federation(
        session,
        Federation(
            name="Samordningsförbundet Exempelbygden",
            address=PostalAddress("Box 123", "999 90", "Exempelstad"),
            phone="010-000 00 00",
            email="kansli@exempelbygden.example",
            website="exempelbygden.example",
            org_number="222000-0000",
        ),
    )
    municipalities = {
        name: organisation.save_municipality(session, Municipality(None, name)).id
        for name in MUNICIPALITIES
    }
    parties = {
        short: organisation.save_party(session, Party(None, _(name), short)).id
        for name, short in DEFAULT_PARTIES
    }
    parties["KAA"] = organisation.save_party(
        session, Party(None, "Kommunala aktivitetsansvaret", "KAA")
    ).id
    parties["SKOLA"] = organisation.save_party(session, Party(None, "Exempelgymnasiet", "Skola")).id
    office = PostalAddress("Påhittsgatan 6", "999 30", "Älvsnäs")
    team = organisation.save_insats(
        session,
        Insats(
            id=None,
            name="Samverkansteamet Exempelbygden",
            address=office,
            phone="0999-100 00",
            email="samverkansteamet@exempelbygden.example",
            exclusion_criteria=default_exclusion_criteria(),
            meeting_places=[
                MeetingPlace(municipalities["Älvsnäs"], "Samverkansteamets lokaler", office),
                MeetingPlace(
                    municipalities["Björkhälla"],
                    "Arbetsförmedlingen Björkhälla",
                    PostalAddress("Storgatan 1", "999 40", "Björkhälla"),
                ),
                MeetingPlace(
                    municipalities["Östra Lindö"],
                    "Arbetsförmedlingen Östra Lindö",
                    PostalAddress("Torget 3", "999 50", "Östra Lindö"),
                ),
                MeetingPlace(
                    municipalities["Åkerby"],
                    "Kommunhuset",
                    PostalAddress("Kommunvägen 2", "999 60", "Åkerby"),
                ),
            ],
        ),
    )
    adults = organisation.save_insats(
        session,
        Insats(
            id=None,
            name="Lokal samverkan vuxna Granvik",
            address=PostalAddress("Hamngatan 9", "999 70", "Granvik"),
            age_min=30,
            age_max=64,
            meeting_places=[
                MeetingPlace(
                    municipalities["Granvik"],
                    "Kommunhuset Granvik",
                    PostalAddress("Hamngatan 9", "999 70", "Granvik"),
                ),
            ],
        ),
    )
    staff = [
        ("Karin Exempeldotter", "Arbetsspecialist", "AF", team.id),
        ("Jonas Påhittsson", "Försäkringshandläggare", "FK", team.id),
        ("Maja Övningsberg", "Socialsekreterare", "SOC", team.id),
        ("Åke Testlund", "Kurator", "REG", team.id),
        ("Lena Låtsasgren", "Samordnare", "SOC", adults.id),
    ]
    for i, (name, title, party, insats_id) in enumerate(staff):
        organisation.save_staff(
            session,
            Staff(
                None,
                name,
                title,
                parties[party],
                insats_id,
                phone=f"0999-100 1{i}",
                email=f"{name.split()[0].lower()}@exempelbygden.example",
            ),
        )
    retired = organisation.save_staff(
        session, Staff(None, "Bertil Förrästid", "Arbetsspecialist", parties["AF"], team.id)
    )
    retired.active = False
    organisation.save_staff(session, retired)
    return {"insats": team.id, **{f"m:{k}": v for k, v in municipalities.items()}}


@pure
def person_rows(count: int, municipality_ids: list[int], seed: int = 2026) -> list[dict]:
    """Fictitious persons as plain rows for a bulk insert; unique personnummer."""
    rng = random.Random(seed)
    rows = []
    seen: set[str] = set()
    start = date(1962, 1, 1)
    for n in range(count):
        while True:
            born = start + timedelta(days=rng.randrange(365 * 44))
            number = fake_personnummer(rng, born, rng.randrange(20))
            if number not in seen:
                seen.add(number)
                break
        woman = int(number[10]) % 2 == 0
        first = rng.choice(FIRST_WOMEN if woman else FIRST_MEN)
        last = rng.choice(LAST_NAMES)
        municipality = rng.choice(municipality_ids)
        rows.append(
            {
                "personnummer": number,
                "first_name": first,
                "last_name": last,
                "name_key": person_name_key(first, last),
                "street": f"{rng.choice(STREETS)} {1 + n % 90}",
                "postcode": f"999 {10 + n % 80:02d}",
                "city": "Exempelstad",
                "municipality_id": municipality,
                "gender": (Gender.KVINNA if woman else Gender.MAN).value,
                "protected_identity": n % 97 == 0,
                "phone": "",
                "email": "",
                "version": 1,
            }
        )
    return rows


@requires(Permission.ADMINISTER)
def fill(db: Database, participants: int = 60, seed: int = 2026, lots: int = 400) -> dict[str, int]:
    """Fill an empty database with the demo team and ``participants`` persons."""
    with db.session() as session:
        ids = create_organisation(session)
    municipality_ids = [v for k, v in ids.items() if k.startswith("m:")]
    rows = person_rows(participants, municipality_ids, seed)
    with db.session() as session:
        for i in range(0, len(rows), 10_000):
            session.execute(insert(PersonRow), rows[i : i + 10_000])
    from finsam_desktop.services.demo_referrals import fill_referrals

    fill_referrals(db, seed=seed)
    from finsam_desktop.services.demo_cases import fill_cases

    fill_cases(db, seed=seed)
    from finsam_desktop.services.demo_lots import fill_lots

    fill_lots(db, lots, seed=seed)
    return ids
