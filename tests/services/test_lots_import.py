"""Importing spreadsheets made by someone else: headers and values in their own words."""

from datetime import date

import pytest
from openpyxl import Workbook

from finsam_desktop.domain.lots_summary import Answer, CategoryKind
from finsam_desktop.domain.persons import Gender
from finsam_desktop.services import lots
from finsam_desktop.services.lots_import import (
    ImportFileError,
    import_cases,
    parse_date,
    preview_import,
)
from finsam_desktop.services.lots_summary import lots_summary, year_period
from tests.lots_fixtures import county

TODAY = date(2026, 11, 22)

SEMICOLON_CP1252 = (
    "Datum inkommen;Kommun;Myndighet;Handläggare/vårdgivare;Kön;Född;Utländsk härkomst;"
    "Sjukskriven med fs;Individ;Frågeställning;Samordningsbehov;Utfall;Avslutsdatum;"
    "Namn;Enkät;Betyg\n"
    "2016-03-04;Håbo kommun;FK;Anna B;Kvinna;1988;nej;J;x;Information och rådgivning "
    "om insatser och individuell planering;Ja;Arbete;2016-05-01;Lisa Exempel;ja;5\n"
    "4/3/2016;Håbo;Försäkringskassan;anna b ;K;85;;Ja;;Helt ny fråga;x;;;;;\n"
    "20160304;Enköping;AF;AF-2;m;1990;Okänt;nej;Nej;;nej;;;;;\n"
    "2016-13-01;Håbo;AF;;kvinna;;;;;;;;;;;\n"
    "2016-03-05;Uppland;Skolan;;Q;19x5;kanske;;;;;;;;;\n"
    "2016-03-06;Tierp;AF;;okänt;;;;;;;;;;;\n"
)


def write_csv(path, text, encoding="cp1252"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def ids(db):
    return county(db)


def test_dates_in_the_usual_forms():
    assert parse_date("2016-03-04") == date(2016, 3, 4)
    assert parse_date("4/3/2016") == date(2016, 3, 4)
    assert parse_date("20160304") == date(2016, 3, 4)
    assert parse_date("160304") == date(2016, 3, 4)  # as the seed writes 150914
    assert parse_date("8/12-2017") == date(2017, 12, 8)  # 'Knivsta 8/12-2017'
    assert parse_date(42433) == date(2016, 3, 4)  # an Excel day number
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("2016-13-01")


def test_preview_of_a_semicolon_windows_file(db, ids, tmp_path):
    path = write_csv(tmp_path / "lots.csv", SEMICOLON_CP1252)
    with db.reading() as s:
        p = preview_import(s, path, TODAY)
    assert p.rows_read == 6
    assert len(p.rows) == 4
    assert p.personal_columns == ["Namn"]
    first = p.rows[0].case
    assert first.received == date(2016, 3, 4) and first.municipality_id == ids["Håbo"]
    assert first.party_id == ids["FK"] and first.gender is Gender.WOMAN
    assert first.sick_leave_fs is Answer.YES and first.individual_case
    assert first.survey_sent and first.survey_score == 5
    assert first.question_id == ids["question:1"] and first.outcome_ids == [ids["outcome:1"]]
    second = p.rows[1].case
    assert second.birth_year == 1985 and second.foreign_background is Answer.UNKNOWN
    assert p.rows[2].case.gender is Gender.MAN and p.rows[2].case.party_id == ids["AF"]
    assert p.new_categories == {CategoryKind.QUESTION: ["Helt ny fråga"]}
    rejected = {(r.row, r.column) for r in p.rejected}
    assert (5, "Datum inkommen") in rejected  # month 13
    assert {(6, "Kommun"), (6, "Myndighet"), (6, "Kön"), (6, "Född"),
            (6, "Utländsk härkomst")} <= rejected  # fmt: skip
    assert p.rejected_rows == 2
    # Nothing was written by looking.
    with db.reading() as s:
        assert lots_summary(s, *year_period(2016)).cases == 0


def test_import_then_import_again_adds_nothing(db, ids, tmp_path):
    path = write_csv(tmp_path / "lots.csv", SEMICOLON_CP1252)
    with db.reading() as s:
        p = preview_import(s, path, TODAY)
    with db.session() as s:
        result = import_cases(s, p)
    assert (result.imported, result.categories_added) == (4, 1)
    with db.reading() as s:
        again = preview_import(s, path, TODAY)
        summary = lots_summary(s, *year_period(2016))
        questions = [c.name for c in lots.list_categories(s, CategoryKind.QUESTION)]
    assert (len(again.rows), again.already_imported) == (0, 4)
    assert summary.cases == 4
    assert summary.distinct_officers == 2  # 'Anna B' twice at FK, AF-2
    assert "Helt ny fråga" in questions
    with db.session() as s:
        assert import_cases(s, p).imported == 0


def test_identical_rows_in_one_file_are_two_lotsarenden(db, ids, tmp_path):
    text = "Inkom,Kommun,Kön\n2016-01-10,Tierp,K\n2016-01-10,Tierp,K\n"
    path = write_csv(tmp_path / "same.csv", text, "utf-8")
    with db.reading() as s:
        p = preview_import(s, path, TODAY)
    with db.session() as s:
        assert import_cases(s, p).imported == 2
    with db.reading() as s:
        assert len(preview_import(s, path, TODAY).rows) == 0


def test_xlsx_with_a_title_row_and_real_dates(db, ids, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Lotsärenden Heby 2017"])
    sheet.append(["Inkom", "Kommun", "Part", "Kön", "Födelseår", "Individärende", "Avslutad",
                  "Enkät skickad", "Betyg", "Referens"])  # fmt: skip
    from datetime import datetime

    sheet.append([datetime(2017, 2, 1), "Heby", "Soc", "Man", 1979, "Ja",
                  datetime(2017, 3, 1), "ja", 4, "H-1"])  # fmt: skip
    sheet.append([20170202, "Heby", "Region", "kvinna", 2001.0, "nej", None, None, None,
                  "850101-1234"])  # fmt: skip
    path = tmp_path / "heby.xlsx"
    book.save(path)
    with db.reading() as s:
        p = preview_import(s, path, TODAY)
    assert [r.row for r in p.rows] == [3]
    assert p.rows[0].case.survey_score == 4 and p.rows[0].case.reference == "H-1"
    assert [(r.row, r.column) for r in p.rejected] == [(4, "Referens")]
    assert "850101" not in p.rejected[0].reason  # the value is never repeated


def test_a_file_without_the_required_columns_is_refused(db, ids, tmp_path):
    path = write_csv(tmp_path / "x.csv", "Namn,Telefon\nA,1\n", "utf-8")
    with db.reading() as s, pytest.raises(ImportFileError):
        preview_import(s, path, TODAY)
    with db.reading() as s, pytest.raises(ImportFileError):
        preview_import(s, tmp_path / "x.pdf", TODAY)


def test_several_outcomes_in_one_cell_are_marks_of_one_case(db, ids, tmp_path):
    """Seed 003's Heby: a case may go from försörjningsstöd to another benefit *and* be
    RITA. The cell holds both, separated by ';' (or '|', or a line break)."""
    text = (
        "Inkom;Kommun;Individärende;Utfall;Avslutad\n"
        '2017-02-01;Heby;ja;"Från försörjningsstöd till annan ersättning; '
        'RITA – rätt insats i rätt tid av rätt aktör";2017-09-01\n'
        "2017-02-02;Heby;ja;Arbete | Helt nytt utfall | arbete;2017-09-01\n"
        "2017-02-03;Heby;ja;Studier;2017-09-01\n"
    )
    path = write_csv(tmp_path / "heby.csv", text, "utf-8")
    with db.reading() as s:
        p = preview_import(s, path, TODAY)
    assert [len(r.outcomes) for r in p.rows] == [2, 2, 1]  # 'arbete' twice counts once
    assert p.new_categories == {CategoryKind.OUTCOME: ["Helt nytt utfall"]}
    with db.session() as s:
        assert import_cases(s, p).imported == 3
    with db.reading() as s:
        summary = lots_summary(s, *year_period(2017))
        again = preview_import(s, path, TODAY)
    outcome = summary.breakdown("outcome_individual")
    assert (outcome.total, outcome.marks) == (3, 5)
    counts = {r.label: r.count for r in outcome.rows}
    assert counts["Från försörjningsstöd till annan ersättning"] == 1
    assert counts["RITA – rätt insats i rätt tid av rätt aktör"] == 1
    assert counts["Helt nytt utfall"] == 1 and counts["Ej angivet"] == 0
    assert summary.work_or_studies == 2  # arbete, studier: cases, not marks
    assert (len(again.rows), again.already_imported) == (0, 3)
