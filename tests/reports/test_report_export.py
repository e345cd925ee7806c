"""The one exporter, read back: PDF text (pypdf), XLSX cell types and percent formats
(openpyxl), CSV and JSON — for a report built by hand and for the statistics."""

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from finsam_desktop.reports import export
from finsam_desktop.reports.model import (
    SMALL,
    Chart,
    Column,
    Kind,
    Report,
    Rounding,
    Table,
    format_cell,
    share,
)


def sample() -> Report:
    r = Rounding()
    rows = [
        ["Totalt", 180, r.share(180, 180)],
        ["Kvinnor", 98, r.share(98, 180)],
        ["Män", 82, r.share(82, 180)],
        ["Utländsk bakgrund", 31, r.share(31, 180)],
        ["=SUMMA(A1)", SMALL, SMALL],
        ["Snittålder", 38.9, None],
    ]
    table = Table(
        "started",
        "Steget vidare",
        [Column("Grupp", Kind.TEXT), Column("Antal"), r.share_column("Andel")],
        rows,
        base="av 180 deltagare",
        notes=["Påhittade siffror."],
        chart=Chart("Könsfördelning", ["Kvinnor", "Män"], [("Antal", [98.0, 82.0])]),
        bold_rows={0},
        row_kinds={5: Column("", Kind.NUMBER, 1)},
    )
    cross = Table(
        "exit",
        "Ute i aktivitet",
        [Column("Väg", Kind.TEXT), Column("Totalt"), Column("Kvinnor")],
        [["Totalt ute", 60, 34], ["Avslutade", 128, 72], ["Andel", 0.47, 0.47]],
        row_kinds={2: r.share_column("", cross=True)},
    )
    return Report(
        "Statistik",
        "2013",
        [("Insats", "Steget vidare")],
        [table, cross],
        organisation="Samordningsförbundet Exempelbygden",
        created=date(2026, 12, 1),
    )


def test_shares_round_as_the_seeds_print_them():
    assert share(98, 180, 1) == 0.544 and share(82, 180, 1) == 0.456
    assert share(31, 180, 1) == 0.172
    assert share(60, 128, 0) == 0.47 and share(1, 8, 0) == 0.13  # 12,5 -> 13: halves up
    assert share(1, 0, 1) is None
    assert format_cell(Column("", Kind.SHARE, 1), 0.544) == "54,4\u00a0%"


def test_xlsx_keeps_numbers_numbers_and_shares_percent(tmp_path):
    path = export.write(sample(), tmp_path / "r.xlsx", "xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Steget vidare", "Ute i aktivitet"]
    sheet = book["Steget vidare"]
    cells = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    women = cells["Kvinnor"]
    assert women[1].value == 98 and isinstance(women[1].value, int)
    assert women[2].value == pytest.approx(0.544) and women[2].number_format == "0.0 %"
    assert cells["Snittålder"][1].value == pytest.approx(38.9)
    assert cells["Snittålder"][1].number_format == "0.0"
    formula = cells["'=SUMMA(A1)"]  # text that would run as a formula is neutralised
    assert formula[1].value == SMALL and formula[1].data_type == "s"
    other = {row[0].value: row for row in book["Ute i aktivitet"].iter_rows() if row[0].value}
    assert other["Andel"][1].number_format == "0 %" and other["Andel"][1].value == 0.47
    assert "av 180 deltagare" in [c.value for c in sheet["A"]]


def test_csv_is_swedish_excel_csv(tmp_path):
    path = export.write(sample(), tmp_path / "r.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert ["Kvinnor", "98", "54,4"] in rows
    assert ["Grupp", "Antal", "Andel (%)"] in rows
    assert ["Andel", "47", "47"] in rows
    assert ["'=SUMMA(A1)", "<5", "<5"] in rows
    assert ["Snittålder", "38,9", ""] in rows


def test_json_is_the_report_as_data(tmp_path):
    path = export.write(sample(), tmp_path / "r.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    table = data["tables"][0]
    assert table["base"] == "av 180 deltagare"
    assert table["columns"][2] == {"title": "Andel", "kind": "share", "decimals": 1}
    assert ["Kvinnor", 98, 0.544] in table["rows"]


def test_pdf_has_letterhead_tables_chart_and_page_numbers(tmp_path):
    from finsam_desktop.domain.organisation import PostalAddress
    from finsam_desktop.services.organisation import Federation

    federation = Federation(
        name="Samordningsförbundet Exempelbygden",
        address=PostalAddress("Påhittsgatan 1", "999 90", "Exempelstad"),
    )
    report = sample()
    report.tables = report.tables * 12  # several pages
    path = export.write(report, tmp_path / "r.pdf", "pdf", federation)
    pdf = PdfReader(path)
    assert len(pdf.pages) > 1
    first = pdf.pages[0].extract_text()
    assert "Samordningsförbundet Exempelbygden" in first
    assert "Påhittsgatan 1" in first
    assert "Steget vidare" in first and "54,4" in first and "av 180 deltagare" in first
    assert "Könsfördelning" in first  # the chart's title, drawn by ReportLab graphics
    assert f"{len(pdf.pages)} ({len(pdf.pages)})" in pdf.pages[-1].extract_text()


def test_chart_as_svg_for_the_window():
    svg = export.chart_svg(sample().tables[0].chart).decode()
    assert svg.startswith("<?xml") and "Kvinnor" in svg and "clipPath" not in svg


def test_no_word_of_a_heading_or_label_is_split_in_a_wide_table(tmp_path):
    """Uppföljning Finsam has nine figures per insats: every heading word and every label
    word stays whole on its line (the PDF once printed "Deltagar / e," and "Samverkansteame
    / t")."""
    import pdfplumber

    columns = [Column("Insats", Kind.TEXT)] + [
        Column(f"{what}, {who}")
        for what in ("Deltagare", "Nya", "Avslutade")
        for who in ("kvinnor", "män", "totalt")
    ]
    rows = [["Samverkansteamet Exempelbygden", *range(9)], ["Alla insatser", *range(9)]]
    report = Report("Statistik", "2026", [], [Table("finsam", "Uppföljning Finsam", columns, rows)])
    path = export.write(report, tmp_path / "wide.pdf", "pdf")
    with pdfplumber.open(path) as pdf:
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    for word in ("Deltagare,", "Avslutade,", "kvinnor", "totalt", "Samverkansteamet"):
        assert word in words, word
