import sqlite3

import pytest

from finsam_desktop.cli import main

pytestmark = pytest.mark.sqlite_only(
    reason="demo, backup and FINSAM_DB on files; on a server: test_postgresql_cli.py"
)


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


def test_demo_info_migrate_backup(tmp_path, capsys, monkeypatch):
    from finsam_desktop.db.engine import raw_connect
    from finsam_desktop.services import signin

    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--participants", "25", "--lots", "5"]) == 0
    assert main(["--db", str(path), "demo"]) == 1, "an existing demo database is not overwritten"
    capsys.readouterr()
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    user = ["--db", str(path), "--user", "demo"]
    assert main([*user, "info"]) == 0
    out = capsys.readouterr().out
    assert "Personer: 25" in out and "Insatser: 5" in out  # 2 teams, 3 local models
    assert main([*user, "migrate"]) == 0
    assert "uppdaterad" in capsys.readouterr().out
    assert main([*user, "backup", str(tmp_path / "copies")]) == 0
    assert main([*user, "backup", str(tmp_path / "copies")]) == 0, "the same second: a new name"
    copies = sorted(
        p
        for p in (tmp_path / "copies").iterdir()
        if not p.name.endswith((".keys", ".manifest.json"))
    )
    assert len(copies) == 2
    for copy in copies:  # the head of its access log beside each copy
        assert copy.with_name(copy.name + ".manifest.json").exists()
    db, _user = signin.log_in(path, "demo", signin.DEMO_PASSWORD)
    key = db.key
    db.close()
    with pytest.raises(sqlite3.DatabaseError):  # encrypted: plain SQLite reads nothing
        sqlite3.connect(copies[0]).execute("SELECT count(*) FROM person").fetchone()
    con = raw_connect(copies[0], key=key, readonly=True)
    assert con.execute("SELECT count(*) FROM person").fetchone() == (25,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_env_variable_chooses_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FINSAM_DB", str(tmp_path / "env.sqlite"))
    assert main(["info"]) == 0
    assert str(tmp_path / "env.sqlite") in capsys.readouterr().out
