"""`finsam lots summary` and `finsam lots import` on a real database (a file, or on a PostgreSQL server)."""

import json

from finsam_desktop.cli import main
from finsam_desktop.db.migrate import open_database
from tests.lots_fixtures import county


def test_import_dry_run_then_import_then_summary(db_location, tmp_path, capsys):
    path = db_location  # a file, or a database on the PostgreSQL test server
    db = open_database(path)
    county(db)
    db.close()
    sheet = tmp_path / "lots.csv"
    sheet.write_text(
        "Inkom;Kommun;Part;Handläggare;Kön;Födelseår;Sjukskriven med försörjningsstöd\n"
        "2016-02-01;Håbo;AF;AF-1;Man;1994;Ja\n"
        "2016-02-03;Håbo;FK;FK-1;Kvinna;1970;Nej\n"
        "2016-02-05;Håbo;FK;FK-1;Okänt;;x\n"
        "2016-02-05;Ingenstans;FK;FK-1;Man;;\n",
        encoding="utf-8",
    )
    assert main(["--db", str(path), "lots", "import", str(sheet), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Nya lotsärenden att importera: 3" in out
    assert "Rad 5, Kommun: Okänd kommun 'Ingenstans'" in out
    assert "ingenting har importerats" in out
    assert main(["--db", str(path), "lots", "import", str(sheet)]) == 0
    assert "3 lotsärenden importerades" in capsys.readouterr().out
    out_file = tmp_path / "s.json"
    code = main(["--db", str(path), "lots", "summary", "--year", "2016", "--kommun", "Håbo",
                 "--format", "json", "--out", str(out_file)])  # fmt: skip
    assert code == 0
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["municipality"] == "Håbo" and data["lotsarenden"] == 3
    assert data["distinct_officers"] == 2
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"s.{fmt}"
        assert main(["--db", str(path), "lots", "summary", "--year", "2016", "--out",
                     str(target)]) == 0  # fmt: skip
        assert target.stat().st_size > 100
    assert main(["--db", str(path), "lots", "summary", "--kommun", "Atlantis"]) == 1


def test_demo_has_lotsarenden(tmp_path, capsys, monkeypatch):
    from finsam_desktop.services.signin import DEMO_PASSWORD

    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--participants", "5", "--lots", "50"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("FINSAM_PASSWORD", DEMO_PASSWORD)
    args = ["--db", str(path), "--user", "statistik", "lots", "summary", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["lotsarenden"] <= 50
