"""The historical import of a krans municipality's list (issue 11 item 6): rows of an
insats that follows a local model become aktualiseringar with their beredning decision
and outcome, on a real database, and the board's week table counts them exactly."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from finsam_desktop.db.krans_models import BeredningRow
from finsam_desktop.db.models import InsatsRow, PartyRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.krans import LocalListKind, ProcessProfile
from finsam_desktop.domain.organisation import Insats
from finsam_desktop.services import demo, krans, organisation
from finsam_desktop.services.participant_import import (
    import_rows,
    krans_summary,
    preview_import,
    result_text,
)

TODAY = date(2016, 12, 1)
MODEL = "Lokal samverkan Älvsnäs"
OTHER = "Lokal samverkan Granvik"
TEAM = "Samverkansteamet Exempelbygden"
WEEKS_26_43 = krans.iso_week_range(2016, 26, 43)


def pnr(n: int) -> str:
    number = demo.fake_personnummer(None, date(1990 + n % 9, 1 + n % 12, 1 + n), n)
    return f"{number[:8]}-{number[8:]}"


HEADER = [
    "Personnummer",
    "Namn",
    "Insats",
    "Kommun",
    "Aktualiserad",
    "Aktualiserad av",
    "Handläggare",
    "Syfte",
    "Samtycke",
    "Beslut",
    "Beredningsdatum",
    "Destination",
    "Skäl",
    "Utfall",
    "Avslutad",
    "Inskriven",
]


def line(n, name, arrived, party, *, insats=MODEL, decision=None, held=None, dest=None,
         reason=None, outcome=None, ended=None, officer=None, purpose=None, consent=None,
         enrolled=None):  # fmt: skip
    return [pnr(n), name, insats, "Älvsnäs", arrived, party, officer, purpose, consent,
            decision, held, dest, reason, outcome, ended, enrolled]  # fmt: skip


# Weeks 26–43 of 2016 (27 June – 30 October), and one case before them.
GOOD = [
    # to a destination named in the Destination column, studies on 20 October
    line(1, "Påhittsson, Kim", datetime(2016, 6, 28), "Liljaskolan", held="2016-07-07",
         dest="Lokal samverkan unga", outcome="Studier", ended="2016-10-20",
         officer="Ola Handläggarsson", purpose="Tillbaka till studier", consent="ja"),
    # the destination in the Beslut column; work, but the list gives no end date
    line(2, "Exempelsson, Alva", "2016-07-04", "AF", decision="Lokal samverkan vuxna",
         held=datetime(2016, 7, 7), outcome="arbete"),
    line(3, "Testberg, Nils", "2016-08-15", "Socialtjänsten", decision="Avvaktan",
         held="2016-08-25"),
    line(4, "Demovik, Li", "2016-09-01", "HC", decision="avslag", held="2016-09-08",
         reason="Ej målgrupp"),
    # sent to a destination, outcome missing
    line(5, "Provlund, Eja", "2016-09-05", "Försäkringskassan", decision="Antagen",
         held="2016-09-08", dest="Steget vidare"),
    # not yet at a beredning
    line(6, "Låtsasgren, Ivar", "2016-10-03", "AF"),
    # before week 26: only in the year to date
    line(7, "Fiktivén, Saga", "2016-05-02", "Liljaskolan", held="2016-05-12",
         dest="Lokal samverkan unga", outcome="Arbete", ended="2016-09-01"),
    # a row of the full process in the same file keeps working as before
    line(8, "Ärligsson, Hugo", "2016-03-01", "AF", insats=TEAM, decision="Antagen",
         enrolled="2016-04-01", ended="2016-11-01", outcome="Arbete"),
]  # fmt: skip

BAD = [
    line(11, "Fel, Part", "2016-07-01", "Kyrkan", decision="Avvaktan"),
    line(12, "Fel, Granvik", "2016-07-01", "Granviks skola", decision="Avvaktan"),
    line(13, "Fel, Destination", "2016-07-01", "AF", dest="Månbasen"),
    line(14, "Fel, Utfall", "2016-07-01", "AF", dest="Steget vidare", outcome="Lottovinst"),
    line(15, "Fel, Avslag", "2016-07-01", "AF", decision="Avslag"),
    line(16, "Fel, Avvaktan", "2016-07-01", "AF", decision="Avvaktan", outcome="Arbete"),
    line(17, "Fel, Beslut", "2016-07-01", "AF", decision="Kanske"),
    line(18, "Fel, Samtycke", "2016-07-01", "AF", consent="nej"),
    line(19, "Fel, Inskriven", "2016-07-01", "AF", enrolled="2016-08-01"),
    line(20, "Fel, Slut", "2016-07-01", "AF", dest="Steget vidare", ended="2016-08-01"),
    line(21, "Fel, Team", "2016-07-01", "AF", insats=TEAM, dest="Steget vidare"),
]  # fmt: skip


def workbook(tmp_path: Path, rows, name="krans.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Aktualiseringar Älvsnäs 2016"])  # a title row above the header
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def model(db):
    """Samverkansteamet (full process) and two local models with their own parties."""
    with db.session() as s:
        demo.create_organisation(s)
        ids = {}
        for name in (MODEL, OTHER):
            insats = organisation.save_insats(s, Insats(None, name, age_min=None, age_max=None))
            krans.set_process_profile(s, insats.id, ProcessProfile.LOCAL, outcome_reminder_weeks=8)
            ids[name] = insats.id
        krans.add_local_party(s, ids[MODEL], "Liljaskolan")
        krans.add_local_party(s, ids[MODEL], "Älvsnäs hälsocentral", "HC")
        krans.add_local_party(s, ids[OTHER], "Granviks skola")
    return ids


def counts(db) -> dict[str, int]:
    with db.reading() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t))
            for t in (PersonRow, ReferralRow, ParticipationRow, BeredningRow)
        }


def party_name(db, short: str) -> str:
    with db.reading() as s:
        return s.scalar(select(PartyRow.name).where(PartyRow.short_name == short))


def test_a_krans_list_is_imported_and_the_week_table_counts_it_exactly(db, model, tmp_path):
    path = workbook(tmp_path, GOOD)
    before = counts(db)
    with db.reading() as s:
        preview = preview_import(s, path, TODAY)
    assert counts(db) == before  # looking writes nothing
    assert preview.rejected == [] and [r.row for r in preview.rows] == list(range(3, 11))
    assert [r.kind for r in preview.rows] == ["aktualisering"] * 7 + ["referral"]
    assert [r.decision_text for r in preview.rows[:6]] == [
        "Lokal samverkan unga",
        "Lokal samverkan vuxna",
        "Avvaktan",
        "Avslag",
        "Steget vidare",
        "Ny",
    ]
    assert [r.outcome_text for r in preview.rows[:3]] == ["Studier", "Arbete", ""]
    assert krans_summary(preview) == [
        f"{MODEL}: 7 aktualiseringar (4 till en destination, 1 avvaktan, 1 avslag, "
        "1 ej beslutade; 3 med utfall)"
    ]

    with db.session() as s:
        result = import_rows(s, preview, TODAY)
    assert (result.referrals, result.participations) == (1, 1)  # the full-process row
    assert (result.aktualiseringar, result.decided, result.outcomes) == (7, 6, 3)
    assert "Lokala modeller: 7 aktualiseringar, 6 beslutade, 3 med utfall." in result_text(result)

    with db.reading() as s:
        table = krans.week_table(s, *WEEKS_26_43, insats_id=model[MODEL])
    (c,) = table.columns
    assert c.total == 6 and c.year_to_date == 7
    assert dict(c.by_party) == {
        "Liljaskolan": 1,
        party_name(db, "AF"): 2,
        party_name(db, "SOC"): 1,
        "Älvsnäs hälsocentral": 1,
        party_name(db, "FK"): 1,
    }
    assert dict(c.by_destination) == {
        "Lokal samverkan unga": 1,
        "Lokal samverkan vuxna": 1,
        "Steget vidare": 1,
    }
    assert dict(c.cross) == {
        ("Liljaskolan", "Lokal samverkan unga"): 1,
        (party_name(db, "AF"), "Lokal samverkan vuxna"): 1,
        (party_name(db, "FK"), "Steget vidare"): 1,
    }
    assert (c.avvaktan, c.avslag, c.not_decided) == (1, 1, 1)
    assert dict(c.outcomes) == {"Studier": 1, "Arbete": 1}
    assert (c.outcome_missing, c.work_or_studies) == (1, 2)

    with db.reading() as s:
        rows = {
            r.arrived_on: r
            for r in s.scalars(select(ReferralRow).where(ReferralRow.insats_id == model[MODEL]))
        }
        first = rows[date(2016, 6, 28)]
        assert (first.remittent_name, first.reason) == (
            "Ola Handläggarsson",
            "Tillbaka till studier",
        )
        assert first.consent and first.consent_on == date(2016, 6, 28)
        assert (first.decided_on, first.outcome_on) == (date(2016, 7, 7), date(2016, 10, 20))
        assert first.answer_sent_on is None  # a local model sends no remissvar
        second = rows[date(2016, 7, 4)]
        assert second.outcome_id is not None and second.outcome_on is None
        assert second.beredning_id == first.beredning_id  # one meeting on 7 July
        assert rows[date(2016, 9, 1)].decision_reason == "Ej målgrupp"
        assert rows[date(2016, 10, 3)].beredning_id is None
        meetings = s.scalars(
            select(BeredningRow.held_on).where(BeredningRow.insats_id == model[MODEL])
        ).all()
        assert sorted(meetings) == [date(2016, m, d) for m, d in ((5, 12), (7, 7), (8, 25), (9, 8))]
        team = s.scalar(
            select(ReferralRow)
            .join(InsatsRow, InsatsRow.id == ReferralRow.insats_id)
            .where(InsatsRow.name == TEAM)
        )
        assert (team.status, team.arrived_on) == ("enrolled", date(2016, 3, 1))
        assert team.beredning_id is None and team.destination_id is None
    assert counts(db)["participation"] == before["participation"] + 1


def test_reimport_adds_nothing_and_a_new_row_joins_that_days_beredning(db, model, tmp_path):
    path = workbook(tmp_path, GOOD)
    with db.reading() as s:
        preview = preview_import(s, path, TODAY)
    with db.session() as s:
        import_rows(s, preview, TODAY)
    after = counts(db)
    with db.reading() as s:
        again = preview_import(s, path, TODAY)
    assert again.rows == [] and again.already_imported == 8 and again.rejected == []
    assert krans_summary(again) == []
    later = line(9, "Nyberg, Tove", "2016-07-05", "Liljaskolan", decision="Ungdomstorget",
                 held="2016-07-07")  # fmt: skip
    with db.reading() as s:
        more = preview_import(s, workbook(tmp_path, [*GOOD, later], "fler.xlsx"), TODAY)
    assert [r.row for r in more.rows] == [11] and more.already_imported == 8
    with db.session() as s:
        import_rows(s, more, TODAY)
    now = counts(db)
    assert now["referral"] == after["referral"] + 1
    assert now["beredning"] == after["beredning"]  # decided in the meeting of 7 July
    with db.reading() as s:
        table = krans.week_table(s, *WEEKS_26_43, insats_id=model[MODEL])
        held = s.scalars(
            select(BeredningRow.held_on)
            .join(ReferralRow, ReferralRow.beredning_id == BeredningRow.id)
            .where(ReferralRow.arrived_on == date(2016, 7, 5))
        ).all()
    assert held == [date(2016, 7, 7)]
    assert table.columns[0].total == 7 and table.columns[0].by_destination["Ungdomstorget"] == 1


def test_bad_rows_get_swedish_reasons_naming_the_known_values(db, model, tmp_path):
    with db.reading() as s:
        preview = preview_import(s, workbook(tmp_path, BAD), TODAY)
    assert preview.rows == [] and preview.rejected_rows == len(BAD)
    reasons: dict[int, dict[str, str]] = {}
    for r in preview.rejected:
        reasons.setdefault(r.row - 2, {})[r.column] = r.reason
    party = reasons[1]["Aktualiserad av"]
    assert party.startswith(f"Okänd part 'Kyrkan' för {MODEL}. Använd en av: ")
    assert "Liljaskolan" in party and "Älvsnäs hälsocentral" in party
    assert "Granviks skola" not in party  # another model's own party
    assert "Okänd part 'Granviks skola'" in reasons[2]["Aktualiserad av"]
    assert reasons[3]["Destination"].startswith(f"Okänd destination 'Månbasen' för {MODEL}.")
    assert "Lokal samverkan unga, Lokal samverkan vuxna, Ungdomstorget" in reasons[3]["Destination"]
    assert reasons[4]["Utfall"] == (
        f"Okänt utfall 'Lottovinst' för {MODEL}. Använd ett av: Arbete, Studier, "
        "Annan lösning; eller lägg först till det i modellens lista."
    )
    assert reasons[5]["Skäl"] == "Skriv skälet till avslaget (kolumnen Skäl)."
    assert "skickat vidare" in reasons[6]["Utfall"]
    assert reasons[7]["Beslut"].startswith(f"'Kanske' är inget beslut i {MODEL}")
    assert "samtycke" in reasons[8]["Samtycke"]
    assert "fullständiga processen" in reasons[9]["Inskriven"]
    assert reasons[10]["Avslutad"] == "Ett avslutsdatum kräver utfallet (kolumnen Utfall)."
    assert "lokal modell" in reasons[11]["Destination"]
    for text in (t for row in reasons.values() for t in row.values()):
        assert not re.search(r"\d{8}-\d{4}", text)  # never a personnummer


def test_nothing_is_half_written_when_the_import_fails_midway(db, model, tmp_path):
    """A destination retired between the preview and the import: the beredning refuses
    it and the whole import, persons and aktualiseringar included, is rolled back."""
    with db.reading() as s:
        preview = preview_import(s, workbook(tmp_path, GOOD), TODAY)
    before = counts(db)
    with db.session() as s:
        (steget,) = (
            o
            for o in krans.local_options(s, model[MODEL], LocalListKind.DESTINATION)
            if o.name == "Steget vidare"
        )
        steget.active = False
        krans.save_local_option(s, steget)
    with pytest.raises(ValidationError), db.session() as s:
        import_rows(s, preview, TODAY)
    assert counts(db) == before


def test_the_command_line_dry_run_shows_the_krans_rows_and_their_errors(
    db, model, tmp_path, capsys
):
    from finsam_desktop.cli import main
    from finsam_desktop.db.migrate import open_database

    path = workbook(tmp_path, [*GOOD, *BAD])
    before = counts(db)
    db.close()
    code = main(["--db", str(db.location), "deltagare", "import", str(path), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Rader som importeras: 8" in out and f"Avvisade rader: {len(BAD)}" in out
    assert (
        f"  {MODEL}: 7 aktualiseringar (4 till en destination, 1 avvaktan, 1 avslag, "
        "1 ej beslutade; 3 med utfall)"
    ) in out
    assert "Rad 13, Destination: Okänd destination 'Månbasen'" in out
    assert "Provkörning: ingenting har importerats." in out
    again = open_database(db.location)
    try:
        assert counts(again) == before
    finally:
        again.close()


def test_the_documented_example_imports_as_the_manual_says(db, model, tmp_path):
    text = (Path(__file__).resolve().parents[2] / "docs" / "deltagare-import.md").read_text()
    section = text[text.index("### Exempel (Excel eller CSV, semikolon)") :]
    example = section.split("```")[1].strip()
    granvik = model[OTHER]  # with its own party, Granviks skola
    path = tmp_path / "granvik.csv"
    path.write_text(example + "\n", encoding="utf-8")
    with db.reading() as s:
        preview = preview_import(s, path, TODAY)
    assert preview.rejected == [] and len(preview.rows) == 5
    with db.session() as s:
        import_rows(s, preview, TODAY)
    with db.reading() as s:
        (c,) = krans.week_table(s, *WEEKS_26_43, insats_id=granvik).columns
    assert c.total == 5
    assert dict(c.by_destination) == {"Lokal samverkan unga": 1, "Lokal samverkan vuxna": 1}
    assert (c.avvaktan, c.avslag, c.not_decided) == (1, 1, 1)
    assert dict(c.outcomes) == {"Studier": 1, "Arbete": 1} and c.outcome_missing == 0
