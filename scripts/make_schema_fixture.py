"""Write the fixture database of one released schema, with data, for the upgrade tests.

    .venv/bin/python scripts/make_schema_fixture.py 0001
    .venv/bin/python scripts/make_schema_fixture.py heads

Run it once when a schema is released (before the next migration is written) and
commit the file it writes under tests/db/fixtures/. Schema 0001 is filled with plain
SQL; a later release ("heads": every current branch head) with the demo generator of
that release, which then matched its schema. All data is fictitious.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from finsam_desktop.db.engine import Database
from finsam_desktop.db.migrate import head_revisions, upgrade

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "db" / "fixtures"

DATA = {
    "0001": [
        "INSERT INTO federation (id, name, phone, email, website, org_number, version, street, "
        "postcode, city) VALUES (1, 'Samordningsförbundet Fixturbygden', '010-000 00 01', "
        "'kansli@fixtur.example', '', '', 1, 'Box 1', '999 01', 'Fixturstad')",
        "INSERT INTO municipality (id, name, name_key, active, version) VALUES "
        "(1, 'Älvsnäs', '|lvsn|s', 1, 1), (2, 'Åkerby', '{kerby', 0, 1)",
        "INSERT INTO party (id, name, name_key, short_name, active, version) VALUES "
        "(1, 'Arbetsförmedlingen', 'arbetsf}rmedlingen', 'AF', 1, 1)",
        "INSERT INTO insats (id, name, name_key, phone, email, answer_days, enrolment_months, "
        "extension_months, age_min, age_max, min_parties_in_contact, exclusion_criteria, "
        "caseload_cap, plan_follow_up_months, remittent_contact_days, active, version, street, "
        "postcode, city) VALUES (1, 'Samverkansteamet Fixtur', 'samverkansteamet fixtur', '', '', "
        "14, 12, 6, 18, 29, 2, '[\"Pågående missbruk\"]', 25, 3, 30, 1, 1, 'Prästvägen 6', "
        "'999 30', 'Älvsnäs')",
        "INSERT INTO meeting_place (id, insats_id, municipality_id, name, street, postcode, city) "
        "VALUES (1, 1, 1, 'Teamets lokaler', 'Prästvägen 6', '999 30', 'Älvsnäs'), "
        "(2, 1, 2, 'Kommunhuset', 'Kommunvägen 2', '999 60', 'Åkerby')",
        "INSERT INTO staff (id, name, name_key, title, party_id, insats_id, phone, email, active, "
        "version) VALUES (1, 'Karin Fixtursdotter', 'karin fixtursdotter', 'Arbetsspecialist', 1, "
        "1, '0999-1', 'karin@fixtur.example', 1, 1)",
        "INSERT INTO person (id, personnummer, first_name, last_name, name_key, street, postcode, "
        "city, municipality_id, gender, protected_identity, phone, email, version) VALUES "
        "(1, '199001019802', 'Åsa', 'Fixtursson', 'fixtursson {sa', 'Testvägen 1', '999 10', "
        "'Älvsnäs', 1, 'kvinna', 0, '', '', 1), "
        "(2, '198502149811', 'Örjan', 'Provlund', 'provlund }rjan', '', '', '', 2, 'man', 1, '', "
        "'', 1)",
    ],
}


def make(revision: str) -> Path:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    label = "_".join(sorted(head_revisions())) if revision == "heads" else revision
    path = FIXTURES / f"schema_{label}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = Database(path)
    upgrade(db, revision)
    if revision in DATA:
        with db.engine.begin() as connection:
            for statement in DATA[revision]:
                connection.exec_driver_sql(statement)
    else:
        from finsam_desktop.services import demo

        demo.fill(db, participants=40, lots=60)
    db.close()
    # One self-contained file in git: no WAL beside it.
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return path


if __name__ == "__main__":
    print(make(sys.argv[1]))
