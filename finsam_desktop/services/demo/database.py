"""A clearly fictitious team for newcomers and benchmarks.

Every name, municipality and address here is invented. Personnummer are generated
with valid check digits but birth numbers 980–999, a range kept for test data.
Large volumes are written with Core bulk inserts (ORM add_all is ~10x slower).
"""

from __future__ import annotations

import glob
import random
from datetime import date, timedelta
from pathlib import Path

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
from finsam_desktop.domain.persons import ForeignBackground, Gender
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.services.access import (
    BEFORE_LOGIN,
    Permission,
    building_block,
    declare,
    pure,
    requires,
)
from finsam_desktop.services.persons import person_name_key
from finsam_desktop.services.records import store_setting

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


DEMO_MARKER = "demo"
DEMO_FEDERATION = "Samordningsförbundet Exempelbygden"


@building_block
def mark_as_demo(session: Session) -> None:
    """The setting that tells a demo database from a real one (see ``is_demo_database``)."""
    store_setting(session, DEMO_MARKER, True)


def _read_only(path: Path, key: bytes | None = None):
    """A connection that cannot change anything, not even create a -wal or -shm file."""
    uri = f"file:{path}?immutable=1"
    if key is None:
        import sqlite3

        return sqlite3.connect(uri, uri=True)
    import sqlcipher3

    from finsam_desktop.db.keys import sqlcipher_key

    con = sqlcipher3.connect(uri, uri=True)
    con.execute(f'PRAGMA key = "{sqlcipher_key(key)}"')
    return con


def _has_demo_marker(path: Path, key: bytes | None = None) -> bool:
    """The marker, or (plain demo databases made before it) the demo förbund with only
    test-range personnummer."""
    try:
        con = _read_only(path, key)
    except Exception:
        return False
    try:
        marker = con.execute("SELECT value FROM setting WHERE key = ?", (DEMO_MARKER,)).fetchone()
        if marker is not None or key is not None:
            return marker is not None and marker[0] == "true"
        names = {r[0] for r in con.execute("SELECT name FROM federation")}
        real = con.execute(
            "SELECT count(*) FROM person WHERE CAST(substr(personnummer, 9, 3) AS INTEGER) "
            "NOT BETWEEN 980 AND 999"
        ).fetchone()[0]
        return names == {DEMO_FEDERATION} and real == 0
    except Exception:  # not a database, the wrong key, no such table: not a demo
        return False
    finally:
        con.close()


def _demo_keys(path: Path) -> list[bytes]:
    """The keys sealed to the demo account, opened with its public password, read-only:
    a probe of someone's real database must not count as a failed login or change a
    byte of it. Empty when there is no demo account or the password is not its."""
    from finsam_desktop.db import keys
    from finsam_desktop.services.signin import DEMO_ACCOUNTS, DEMO_PASSWORD

    try:
        unlocked = keys.KeyFile(path).probe(DEMO_ACCOUNTS[0][0], DEMO_PASSWORD)
    except Exception:  # noqa: BLE001 (a damaged key file: not a demo)
        return []
    return list(unlocked.keys) if unlocked is not None else []


@pure
def is_demo_database(path: Path) -> bool:
    """True only for a database the demo made: an encrypted one must open with the demo
    account's public password *and* carry the demo marker; anything else (a real case
    file, a damaged file, a missing key file) is not a demo and is never replaced.
    The check changes nothing, neither the database nor its key file."""
    from finsam_desktop.services import signin

    path = Path(path)
    try:
        state = signin.database_state(path)
    except Exception:  # a missing or damaged key file: certainly not ours to remove
        return False
    if state is signin.DatabaseState.NEW:
        return False
    if state is signin.DatabaseState.PLAIN:
        return _has_demo_marker(path)
    return any(_has_demo_marker(path, key) for key in _demo_keys(path))


@pure
def demo_files(path: Path) -> list[Path]:
    """The database file and everything that belongs to it: WAL, shared memory, journal,
    the key file and its kept copies."""
    from finsam_desktop.db.keys import sidecar_path

    path = Path(path)
    files = [Path(str(path) + s) for s in ("", "-wal", "-shm", "-journal")]
    keys = sidecar_path(path)
    files.append(keys)
    if keys.parent.is_dir():
        files += sorted(p for p in keys.parent.glob(glob.escape(keys.name) + ".*") if p.is_file())
    return files


@pure
def remove_demo(path: Path) -> None:
    """Delete a demo database with its key file and side files; refuses anything else."""
    if not is_demo_database(path):
        raise NotADemoDatabase(path)
    for file in demo_files(path):
        file.unlink(missing_ok=True)


class NotADemoDatabase(RuntimeError):
    def __init__(self, path: Path):
        super().__init__(
            _(
                "{path} is not a demo database, so it is not replaced. Give the demo another "
                "file with --db, or remove that file yourself if you are sure it holds "
                "nothing of value."
            ).format(path=path)
        )


def create_demo_database(path: Path, participants: int = 60, **fill_options) -> Database:
    """An encrypted demo database with fictitious data and the three demo accounts,
    all with the password ``DEMO_PASSWORD`` (printed in the README). A plain demo
    database from before encryption is converted and gets the accounts instead."""
    from finsam_desktop.services import accounts
    from finsam_desktop.services.signin import (
        DEMO_ACCOUNTS,
        DEMO_PASSWORD,
        DEMO_USERNAME,
        DatabaseState,
        database_state,
        first_start,
        recovery_key_shown,
    )

    state = database_state(path)
    if state is DatabaseState.PLAIN and not is_demo_database(path):
        # Never put the public demo password on a real (plain) case file.
        raise NotADemoDatabase(path)
    new = state is DatabaseState.NEW
    started = first_start(path, DEMO_USERNAME, DEMO_ACCOUNTS[0][1], DEMO_PASSWORD, DEMO_PASSWORD)
    db = started.db
    recovery_key_shown(db)  # a demo needs no paper in a safe
    for username, display_name, role in DEMO_ACCOUNTS[1:]:
        with db.session() as session:
            if not accounts.username_taken(session, username):
                accounts.create_user(
                    session, username, display_name, role, DEMO_PASSWORD, DEMO_PASSWORD
                )
    db.user = None  # the demo generator writes as the program
    if new:
        fill(db, participants=participants, **fill_options)
    from finsam_desktop.services.statistics_extract import refresh_extract

    refresh_extract(db, force=True)  # for the demo statistics account
    db.close()
    return db


# Run by the program before anyone is signed in, as the sign-in steps are (signin.py).
declare(create_demo_database, BEFORE_LOGIN)


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
            expected_per_year=60,
            target_work_studies_percent=40,
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
            expected_per_year=20,
            target_work_studies_percent=30,
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
    # A generator of its own, so the other fields stay as they were for a given seed.
    background = random.Random(seed + 1)
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
                "gender": (Gender.WOMAN if woman else Gender.MAN).value,
                "foreign_background": _foreign_background(background).value,
                "protected_identity": n % 97 == 0,
                "phone": "",
                "email": "",
                "version": 1,
            }
        )
    return rows


def _foreign_background(rng: random.Random) -> ForeignBackground:
    """About 17 % ja (seed 000's Steget vidare: 17.2 %), some not known."""
    roll = rng.random()
    if roll < 0.17:
        return ForeignBackground.YES
    if roll < 0.93:
        return ForeignBackground.NO
    return ForeignBackground.UNKNOWN


@requires(Permission.ADMINISTER)
def fill(db: Database, participants: int = 60, seed: int = 2026, lots: int = 400) -> dict[str, int]:
    """Fill an empty database with the demo team and ``participants`` persons."""
    with db.session() as session:
        ids = create_organisation(session)
        mark_as_demo(session)
    municipality_ids = [v for k, v in ids.items() if k.startswith("m:")]
    rows = person_rows(participants, municipality_ids, seed)
    with db.session() as session:
        for i in range(0, len(rows), 10_000):
            session.execute(insert(PersonRow), rows[i : i + 10_000])
    from finsam_desktop.services.demo.referrals import fill_referrals

    fill_referrals(db, seed=seed)
    from finsam_desktop.services.demo.cases import fill_cases

    fill_cases(db, seed=seed)
    from finsam_desktop.services.demo.lots import fill_lots

    fill_lots(db, lots, seed=seed)
    from finsam_desktop.services.demo.krans import fill_krans

    fill_krans(db, seed=seed)
    return ids
