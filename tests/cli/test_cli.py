import sqlite3

import pytest

from finsam_desktop.cli import main


def test_help_is_swedish(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: finsam")
    assert "skapa en demodatabas med påhittade uppgifter" in out
    assert "visa den här hjälpen och avsluta" in out


def test_unknown_command_is_a_swedish_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["flyga"])
    assert exit_.value.code == 2
    assert "fel:" in capsys.readouterr().err


def test_demo_info_migrate_backup(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--participants", "25"]) == 0
    assert main(["--db", str(path), "demo"]) == 1, "an existing demo database is not overwritten"
    capsys.readouterr()
    assert main(["--db", str(path), "info"]) == 0
    out = capsys.readouterr().out
    assert "Personer: 25" in out and "Insatser: 2" in out
    assert main(["--db", str(path), "migrate"]) == 0
    assert "uppdaterad" in capsys.readouterr().out
    assert main(["--db", str(path), "backup", str(tmp_path / "copies")]) == 0
    copy, manifest = sorted((tmp_path / "copies").iterdir())
    assert manifest.name == copy.name + ".manifest.json"  # the head of its access log
    con = sqlite3.connect(copy)
    assert con.execute("SELECT count(*) FROM person").fetchone() == (25,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_env_variable_chooses_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FINSAM_DB", str(tmp_path / "env.sqlite"))
    assert main(["info"]) == 0
    assert str(tmp_path / "env.sqlite") in capsys.readouterr().out
