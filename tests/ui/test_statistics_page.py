"""The Statistik page: choose a period, read the tables, export in one click — and
every number on screen is the number in the exported file."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from statistics_fixture import build

from finsam_desktop.domain.periods import PeriodKind, half_year
from finsam_desktop.reports.export import csv_header
from finsam_desktop.reports.model import format_cell


@pytest.fixture
def page(db, tmp_path, qapp, qtbot):
    from conftest import app_context

    from finsam_desktop.ui.pages.statistics import StatisticsPage

    build(db)
    ctx = app_context(db, tmp_path)
    widget = StatisticsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.picker.set_period(half_year(2026, 1))
    return widget


def test_the_page_shows_the_boards_table(page):
    assert page.picker.current_kind() is PeriodKind.HALF
    started = {row[0]: row[1:] for row in page.tables["started"].texts()}
    assert started["Kvinna"] == ["6", "60,0\u00a0%"]
    assert started["Medelålder vid start"] == ["37,8", ""]
    exits = {row[0]: row[1:] for row in page.tables["exit_routes"].texts()}
    assert exits["Andel ute i aktivitet"] == ["71\u00a0%", "80\u00a0%", "50\u00a0%", "100\u00a0%"]
    assert "flow" in page.charts and "exit_routes" in page.charts


def test_rows_are_one_line_high_once_the_page_has_its_width(page, qtbot):
    """Rows were measured before the table had its width: labels that fit on one line
    were wrapped into two or three, so rows of one table had different heights."""
    page.resize(1200, 700)
    qtbot.wait(50)
    for name in ("foreign", "municipality", "party"):
        table = page.tables[name]
        heights = {table.rowHeight(r) for r in range(table.rowCount())}
        assert len(heights) == 1, (name, heights)
        assert table.height() >= sum(table.rowHeight(r) for r in range(table.rowCount()))


def test_hide_small_counts(page):
    page.hide_small.setChecked(True)
    started = {row[0]: row[1:] for row in page.tables["started"].texts()}
    assert started["Man"] == ["<5", "<5"]


def test_every_number_on_screen_is_the_exported_one(page, tmp_path):
    screen = {key: table.texts() for key, table in page.tables.items()}
    report = page.report

    # XLSX: each sheet's rows, formatted as the model formats them, equal the screen.
    page.write(tmp_path / "s.xlsx", "xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    for table, sheet in zip(report.tables, book.worksheets, strict=True):
        values = [
            # openpyxl reads 10.0 back as 10; the cell's format says it is a mean, "10,0"
            [float(c.value) if c.number_format == "0.0" else c.value for c in row]
            for row in sheet.iter_rows()
        ]
        header = values.index([c.title for c in table.columns])
        body = values[header + 1 : header + 1 + len(table.rows)]
        as_read = [
            [
                format_cell(table.column_at(r, c), v) if v is not None else ""
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(body)
        ]
        assert as_read == screen[table.key], table.key

    # CSV: the same figures, with decimal commas and no percent sign.
    page.write(tmp_path / "s.csv", "csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig")), delimiter=";"))
    for table in report.tables:
        start = rows.index([csv_header(c) for c in table.columns]) + 1
        for r, text_row in enumerate(screen[table.key]):
            exported = rows[start + r]
            assert exported[0] == text_row[0]
            for c, text in enumerate(text_row[1:], start=1):
                assert exported[c] == text.replace("\xa0", " ").replace(" %", ""), table.key

    # PDF: the board's table reads the same.
    page.write(tmp_path / "s.pdf", "pdf")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "s.pdf").pages)
    words = pdf_text.replace("\xa0", " ").split()
    for table in report.tables:  # every figure of every row, in the row's order
        for row in screen[table.key]:
            figures = " ".join(t.replace("\xa0", " ") for t in row[1:] if t).split()
            if figures:
                assert " ".join(figures) in " ".join(words), (table.key, row)


def test_exports_are_logged(page, tmp_path):
    from sqlalchemy import select

    from finsam_desktop.db.security_models import AuditRow

    page.write(tmp_path / "s.pdf", "pdf")
    with page.ctx.db.reading() as s:
        kinds = list(s.scalars(select(AuditRow.what)))
    assert "statistics-pdf" in kinds


def test_the_statistics_role_opens_the_page(sign_in, qtbot):
    from finsam_desktop.ui.main_window import MainWindow

    ctx = sign_in("statistik")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("statistics")
    assert page.report is not None
    assert "Deltagare som började under perioden" in [t.title for t in page.report.tables]
