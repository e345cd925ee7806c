"""The historical import of participants: a team's earlier referrals and participations
from a spreadsheet someone else made, on a real database."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from finsam_desktop.db.casework_models import CaseFileRow, CaseOptionRow
from finsam_desktop.db.models import InsatsRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.services import demo
from finsam_desktop.services.participant_import import (
    ImportFileError,
    import_rows,
    preview_import,
)
from finsam_desktop.services.persons import person_name_key

TODAY = date(2026, 11, 22)


def pnr(born: date, serial: int) -> str:
    number = demo.fake_personnummer(None, born, serial)
    return f"{number[:8]}-{number[8:]}"


P1, P2, P3, P4 = (pnr(date(1985 + i, 3, 4 + i), i) for i in range(4))
KNOWN = pnr(date(1979, 6, 7), 9)

HEADER = (
    "Personnummer;Namn;kön;Utländsk bakgrund;INSATS;Hemkommun;Remitterande part;"
    "Ankomstdatum;Beslut;Inskriven;Avslutad;Avslutsorsak;Försörjning vid start;"
    "Sysselsättning vid start;Utbildningsnivå;Tid med offentlig försörjning;"
    "Försörjning vid avslut;Sysselsättning vid avslut"
)
ROWS = [
    # closed, exit to subsidised work, the full situation at entry and exit
    f"{P1};Testberg, Åsa;K;Ja;Samverkansteamet Exempelbygden;Älvsnäs;FK;2025-02-03;Antagen;"
    "2025-03-01;2025-11-28;Arbete / Subventionerad anställning;Försörjningsstöd;Arbetslös;"
    "Gymnasieskola;1-2 år;Lön;Subventionerat arbete",
    # ongoing participation, no decision column value: enrolled means accepted
    f"{P2};Örjan Exempelsson;man;nej;samverkansteamet exempelbygden;Björkhälla kommun;"
    "Arbetsförmedlingen;4/3/2025;;2025-04-01;;;;;;;;",
    # rejected
    f"{P3};Demovik, Märta;kvinna;okänt;Samverkansteamet Exempelbygden;Åkerby;Soc;"
    "20250505;avslag;;;;;;;;;",
    # a registered person: found by number, names not needed, unknown background filled in
    f"{KNOWN};;;ja;Lokal samverkan vuxna Granvik;Granvik;Region;2024-09-10;vilande;;;;;;;;;",
    # bad rows
    f"{P4};Provlund, Ture;M;kanske;Samverkansteamet Exempelbygden;Uppland;Skolan;"
    "2025-13-01;avslag;;;;;;;;;",
    "19850304-1234;Fel, Nummer;M;nej;Samverkansteamet Exempelbygden;Älvsnäs;AF;"
    "2025-01-01;avslag;;;;;;;;;",
    f"{pnr(date(1990, 1, 1), 5)};;M;nej;Samverkansteamet Exempelbygden;Älvsnäs;AF;"
    "2025-01-01;avslag;;;;;;;;;",
    f"{pnr(date(1991, 1, 1), 6)};Låtsasgren, Ivar;M;nej;Samverkansteamet Exempelbygden;"
    "Älvsnäs;AF;2025-01-01;vilande;2025-02-01;;;;;;;;",
    f"{pnr(date(1992, 1, 1), 7)};Fiktivén, Saga;K;nej;Samverkansteamet Exempelbygden;"
    "Älvsnäs;AF;2025-01-01;antagen;2025-02-01;2025-06-01;Månresa;Guld;;;;;",
    # the first row again, written differently: the same referral
    f"{P1};Testberg, Åsa;kvinna;ja;Samverkansteamet Exempelbygden;Älvsnäs;FK;03/02/2025;"
    "antagen;2025-03-01;2025-11-28;Subventionerad anställning;;;;;;",
]


@pytest.fixture
def org(db):
    with db.session() as s:
        ids = demo.create_organisation(s)
        s.add(
            PersonRow(
                personnummer=KNOWN.replace("-", ""),
                first_name="Hugo",
                last_name="Ärligsson",
                name_key=person_name_key("Hugo", "Ärligsson"),
                gender="man",
            )
        )
    return ids


def write(tmp_path, rows=ROWS, name="deltagare.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes("\n".join([HEADER, *rows]).encode(encoding))
    return path


def counts(db) -> tuple[int, int, int, int]:
    with db.reading() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t))
            for t in (PersonRow, ReferralRow, ParticipationRow, CaseFileRow)
        )


def test_the_preview_understands_the_rows_and_reports_the_bad_ones_in_swedish(db, org, tmp_path):
    before = counts(db)
    with db.reading() as s:
        p = preview_import(s, write(tmp_path), TODAY)
    assert counts(db) == before  # looking writes nothing
    assert p.rows_read == 10
    assert [r.row for r in p.rows] == [2, 3, 4, 5]
    assert p.new_persons == 3 and p.already_imported == 0
    first, second, third, known = p.rows
    assert (first.first_name, first.last_name) == ("Åsa", "Testberg")
    assert first.gender.value == "kvinna" and first.foreign_background.value == "ja"
    assert first.arrived_on == date(2025, 2, 3) and first.closed_on == date(2025, 11, 28)
    assert first.exit_route_id is not None and first.exit_sub_route_id is not None
    assert len(first.situation) == 6
    assert second.decision.value == "accepted" and second.arrived_on == date(2025, 3, 4)
    assert third.decision.value == "rejected" and third.arrived_on == date(2025, 5, 5)
    assert known.person_id is not None and known.decision.value == "dormant"
    by_row: dict[int, dict[str, str]] = {}
    for r in p.rejected:
        by_row.setdefault(r.row, {})[r.column] = r.reason
    assert p.rejected_rows == 6 and set(by_row) == {6, 7, 8, 9, 10, 11}
    assert set(by_row[6]) == {"Utländsk bakgrund", "Hemkommun", "Remitterande part", "Ankomstdatum"}
    assert "inte ett datum" in by_row[6]["Ankomstdatum"]
    assert "Okänd kommun 'Uppland'" in by_row[6]["Hemkommun"]
    assert "kontrollsiffra" in by_row[7]["Personnummer"].lower()
    assert "19850304-1234" not in " ".join(by_row[7].values())  # never repeated
    assert "förnamn och ett efternamn" in by_row[8]["Namn"]
    assert "antagen remiss" in by_row[9]["Inskriven"]
    assert "Månresa" in by_row[10]["Avslutsorsak"] and "Guld" in by_row[10]["Försörjning vid start"]
    assert "rad 2" in by_row[11][""]


def test_import_then_reimport_adds_nothing(db, org, tmp_path):
    path = write(tmp_path)
    people, referrals, parts, files = counts(db)
    with db.reading() as s:
        preview = preview_import(s, path, TODAY)
    with db.session() as s:
        result = import_rows(s, preview, TODAY)
    assert (result.referrals, result.participations) == (4, 2)
    assert (result.persons_created, result.persons_completed) == (3, 1)
    assert counts(db) == (people + 3, referrals + 4, parts + 2, files + 2)
    with db.reading() as s:
        åsa = s.scalar(select(PersonRow).where(PersonRow.last_name == "Testberg"))
        assert (åsa.gender, åsa.foreign_background) == ("kvinna", "ja")
        referral = s.scalar(select(ReferralRow).where(ReferralRow.person_id == åsa.id))
        assert referral.status == "enrolled" and referral.case_number == "R2025-00001"
        assert referral.arrived_on == date(2025, 2, 3) and referral.remittent_party_id
        assert referral.answer_sent_on == referral.decided_on == date(2025, 2, 3)
        part = s.scalar(select(ParticipationRow).where(ParticipationRow.person_id == åsa.id))
        assert part.status == "closed" and part.enrolled_on == date(2025, 3, 1)
        file = s.get(CaseFileRow, part.id)
        names = dict(s.execute(select(CaseOptionRow.id, CaseOptionRow.name)).all())
        assert names[file.exit_route_id] == "Arbete"
        assert names[file.exit_sub_route_id] == "Subventionerad anställning"
        assert names[file.entry_support_time_id] == "1–2 år"
        assert names[file.exit_occupation_id] == "Subventionerat arbete"
        assert file.closed_on == date(2025, 11, 28)
        contact = s.get(StaffRow, part.contact_person_id)
        assert contact.name == "Okänd (historisk import)" and not contact.active
        hugo = s.scalar(select(PersonRow).where(PersonRow.last_name == "Ärligsson"))
        assert (hugo.gender, hugo.foreign_background) == ("man", "ja")  # known kept, unknown filled
        granvik = s.scalar(select(InsatsRow.id).where(InsatsRow.name.like("%Granvik")))
        dormant = s.scalar(select(ReferralRow).where(ReferralRow.person_id == hugo.id))
        assert dormant.insats_id == granvik and dormant.status == "dormant"

    # The same file again (and the same rows in an XLSX): nothing new.
    for again in (path, xlsx_copy(tmp_path)):
        with db.reading() as s:
            preview = preview_import(s, again, TODAY)
        assert preview.rows == [] and preview.already_imported == 4
        with db.session() as s:
            assert import_rows(s, preview, TODAY).referrals == 0
    assert counts(db) == (people + 3, referrals + 4, parts + 2, files + 2)


def xlsx_copy(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Deltagare som fanns före programmet"])  # a title row above the header
    for line in [HEADER, *ROWS]:
        sheet.append([c or None for c in line.split(";")])
    path = tmp_path / "deltagare.xlsx"
    book.save(path)
    return path


def test_a_dry_run_from_the_command_line_changes_nothing(db, org, tmp_path, capsys):
    from finsam_desktop.cli import main

    path = write(tmp_path, encoding="cp1252")
    before = counts(db)
    db.close()
    code = main(["--db", str(db.location), "deltagare", "import", str(path), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Rader som importeras: 4" in out and "Avvisade rader: 6" in out
    assert "Rad 6, Hemkommun: Okänd kommun 'Uppland'" in out
    assert "Provkörning: ingenting har importerats." in out
    from finsam_desktop.db.migrate import open_database

    again = open_database(db.location)
    try:
        assert counts(again) == before
    finally:
        again.close()
    assert main(["--db", str(db.location), "deltagare", "import", str(path)]) == 0
    assert "4 remisser" in capsys.readouterr().out
    again = open_database(db.location)
    try:
        assert counts(again)[1] == before[1] + 4
    finally:
        again.close()


def test_a_file_without_the_needed_headers_says_so(db, org, tmp_path):
    path = tmp_path / "fel.csv"
    path.write_text("Namn;Kommun\nÅsa;Älvsnäs\n", encoding="utf-8")
    with db.reading() as s, pytest.raises(ImportFileError) as err:
        preview_import(s, path, TODAY)
    assert "Personnummer" in str(err.value) and "Ankomstdatum" in str(err.value)


def test_an_open_row_for_a_person_already_in_the_insats_is_refused(db, org, tmp_path):
    first = [ROWS[1]]
    with db.reading() as s:
        preview = preview_import(s, write(tmp_path, first), TODAY)
    with db.session() as s:
        import_rows(s, preview, TODAY)
    later = first[0].replace("4/3/2025", "2025-06-01").replace("2025-04-01", "2025-06-10")
    with db.reading() as s:
        preview = preview_import(s, write(tmp_path, [later]), TODAY)
    assert preview.rows == [] and preview.rejected_rows == 1
    assert "pågående deltagande" in preview.rejected[0].reason
