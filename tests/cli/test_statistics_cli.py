"""`finsam statistik` on a real database (a file, or on a PostgreSQL server): the same report as the page."""

import json

from openpyxl import load_workbook
from pypdf import PdfReader
from statistics_fixture import build

from finsam_desktop.cli import main
from finsam_desktop.db.migrate import open_database


def test_statistik_prints_and_writes_every_format(db_location, tmp_path, capsys):
    path = db_location  # a file, or a database on the PostgreSQL test server
    db = open_database(path)
    build(db)
    db.close()
    base = ["--db", str(path), "statistik"]
    assert main([*base, "--period", "2026H1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    started = next(t for t in data["tables"] if t["key"] == "started")
    assert ["Kvinna", 6, 0.6] in started["rows"]
    assert data["period"]["start"] == "2026-01-01" and data["period"]["end"] == "2026-06-30"

    assert main([*base, "--period", "2026-01-01:2026-06-30", "--kommun", "Påhittsby",
                 "--insats", "Steget vidare", "--hide-small", "--format", "csv"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Hemkommun: Påhittsby" in out and "<5" in out

    for fmt in ("xlsx", "pdf", "csv", "json"):
        target = tmp_path / f"s.{fmt}"
        assert main([*base, "--period", "2026H1", "--out", str(target)]) == 0
        assert target.stat().st_size > 100
    assert "Deltagare som började under per" in load_workbook(tmp_path / "s.xlsx").sheetnames
    assert "60,0 %" in PdfReader(tmp_path / "s.pdf").pages[0].extract_text()

    assert main([*base, "--period", "2026"]) == 0
    assert "Flöde under perioden" in capsys.readouterr().out


def test_statistik_refuses_bad_input_in_swedish(db_location, tmp_path, capsys):
    path = db_location  # a file, or a database on the PostgreSQL test server
    open_database(path).close()
    base = ["--db", str(path), "statistik"]
    assert main([*base, "--period", "2026H3"]) == 2
    assert "Inte en period: 2026H3" in capsys.readouterr().err
    assert main([*base, "--period", "2026", "--format", "pdf"]) == 2
    assert main([*base, "--period", "2026", "--insats", "Finns inte"]) == 1
    assert "Det finns ingen insats som heter Finns inte." in capsys.readouterr().err
    assert main([*base, "--period", "2026", "--kommun", "Atlantis"]) == 1
