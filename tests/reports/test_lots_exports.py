"""The exports read back by real readers show the same numbers as the summary."""

import csv
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from finsam_desktop.domain.lots_summary import Answer
from finsam_desktop.domain.persons import Gender
from finsam_desktop.reports import export, lots_tables
from finsam_desktop.services.lots_summary import lots_summary, municipality_named, year_period
from tests.lots_fixtures import case, county, register


@pytest.fixture
def habo(db):
    ids = county(db)
    base = case(ids, "Håbo", date(2016, 6, 1), party_id=ids["SOC"])
    for i in range(25):
        register(db, 1, base, gender=Gender.MAN if i < 15 else Gender.WOMAN,
                 sick_leave_fs=Answer.YES if i < 15 else Answer.NO,
                 birth_year=1995 if i < 10 else 1970, officer=f"soc-{i % 13}")  # fmt: skip
    with db.reading() as s:
        return lots_summary(s, *year_period(2016), municipality_named(s, "Håbo"))


def test_pdf_states_the_figures_in_the_reports_words(habo, tmp_path):
    report = lots_tables.summary_report(habo, "Samordningsförbundet Uppsala län")
    path = export.write(report, tmp_path / "s.pdf", "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "Sammanställning av lotsärenden" in flat
    assert "Kommun: Håbo" in flat
    assert "Under 2016 inkom 25 lotsärenden." in flat
    # The share states its base: after "10 gällde individer under 30 år", "15 av dessa"
    # would read as 15 of the 10.
    assert (
        "Av samtliga 25 lotsärenden rörde 15 (60 %) sjukskrivna individer med försörjningsstöd."
        in flat
    )
    assert "av dessa" not in flat
    assert "Sammanlagt 13 olika handläggare/vårdgivare" in flat
    assert "10 gällde individer under 30 år (40 %)" in flat
    assert "Andel av 25 lotsärenden" in flat
    assert "personnummer" in flat  # the footer says none are included


def test_xlsx_has_one_sheet_per_table_with_numbers(habo, tmp_path):
    report = lots_tables.summary_report(habo)
    path = export.write(report, tmp_path / "s.xlsx", "xlsx")
    book = load_workbook(path)
    assert len(book.sheetnames) == len(report.tables)
    gender = book["Kön"]
    values = {r[0].value: r[1:3] for r in gender.iter_rows() if r[0].value}
    assert [c.value for c in values["Man"]] == [15, 0.6]
    assert [c.value for c in values["Kvinna"]] == [10, 0.4]
    assert [c.value for c in values["Totalt"]] == [25, 1]
    assert isinstance(values["Man"][0].value, int) and values["Man"][1].number_format == "0 %"


def test_csv_and_json(habo, tmp_path):
    report = lots_tables.summary_report(habo)
    path = export.write(report, tmp_path / "s.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert ["Kön", "Antal", "Andel (%)"] in rows
    assert ["Man", "15", "60"] in rows
    data = json.loads(export.write(report, tmp_path / "s.json", "json").read_text())
    assert data["lotsarenden"] == 25 and data["distinct_officers"] == 13
    gender = next(b for b in data["breakdowns"] if b["key"] == "gender")
    assert {"label": "Man", "count": 15, "percent": 60} in gender["rows"]
    assert data["period"] == {"start": "2016-01-01", "end": "2016-12-31"}


def test_sheet_names_are_valid_and_unique():
    title = "Utfall: individärenden / alla [2016]?"
    names = export.sheet_names([title, title])
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len(set(names)) == 2
