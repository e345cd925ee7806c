"""The week table as a statistics Report and `finsam statistik krans` (issue 11).

Needs the statistics report pipeline (reports/model.py, reports/export.py); until it is
merged the tests are skipped."""

from __future__ import annotations

import json
from datetime import date

from finsam_desktop.services import krans  # noqa: E402
from finsam_desktop.services.krans_report import krans_report  # noqa: E402
from finsam_desktop.services.krans_tables import sections  # noqa: E402


def this_year():
    today = date.today()
    return krans.iso_week_range(today.year, 1, today.isocalendar().week)


def test_report_tables_equal_the_week_table(demo_db, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from finsam_desktop.reports import export

    start, end = this_year()
    with demo_db.reading() as s:
        report = krans_report(s, start, end)
        table = krans.week_table(s, start, end)
    laid_out = sections(table)
    assert [t.key for t in report.tables] == [s.key for s in laid_out]
    for t, s in zip(report.tables, laid_out, strict=True):
        assert t.rows == s.rows
    first = report.table("by_party")
    assert first.cell("Aktualiserade totalt", "Totalt") == table.total.total > 0
    data = json.loads(export.json_text(report))
    assert data["report"] == "krans"
    assert sum(m["aktualiserade"] for m in data["models"][:-1]) == table.total.total
    export.write(report, tmp_path / "k.xlsx", "xlsx")
    sheet_values = [
        c.value for ws in load_workbook(tmp_path / "k.xlsx") for row in ws.iter_rows() for c in row
    ]
    assert table.total.total in sheet_values
    export.write(report, tmp_path / "k.pdf", "pdf")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "k.pdf").pages)
    assert "Aktualiserade totalt" in text


def test_cli_statistik_krans_json(demo_db, tmp_path, capsys):
    from finsam_desktop.cli import main

    start, end = this_year()
    year, week, _day = date.today().isocalendar()
    argv = ["--db", str(demo_db.location), "statistik", "krans"]
    argv += [
        "--period",
        f"{year}-W01:{year}-W{week:02d}",
        "--kommun",
        "Granvik",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    with demo_db.reading() as s:
        from finsam_desktop.services.lots_summary import municipality_named

        granvik = municipality_named(s, "Granvik")
        table = krans.week_table(s, start, end, None, granvik)
    totals = {m["insats"]: m["aktualiserade"] for m in data["models"]}
    assert totals == {c.name: c.total for c in table.columns} | {"Totalt": table.total.total}
