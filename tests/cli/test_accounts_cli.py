"""The command line opens an encrypted database only with a user and a password."""

from __future__ import annotations

import pytest

from finsam_desktop import cli
from finsam_desktop.services import demo, signin

pytestmark = pytest.mark.sqlite_only(
    reason="accounts of an encrypted file and its key file; on a server: test_postgresql_cli.py"
)


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "finsam.sqlite"
    started = signin.first_start(path, "admin", "Anna", "correct horse 42", "correct horse 42")
    started.db.close()
    return path


def test_encrypted_database_needs_user(encrypted, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(encrypted), "info"])
    assert "--user" in str(exc.value)


def test_password_from_environment(encrypted, capsys, monkeypatch):
    monkeypatch.setenv("FINSAM_PASSWORD", "correct horse 42")
    assert cli.main(["--db", str(encrypted), "--user", "admin", "info"]) == 0
    out = capsys.readouterr().out
    assert "Schema" in out


def test_wrong_password_is_refused(encrypted, monkeypatch):
    monkeypatch.setenv("FINSAM_PASSWORD", "wrong password")
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(encrypted), "--user", "admin", "migrate"])
    assert "Fel användarnamn eller lösenord" in str(exc.value)


def test_the_command_line_demo_is_encrypted_with_the_demo_accounts(tmp_path, monkeypatch, capsys):
    from finsam_desktop.db.migrate import is_plain_sqlite

    path = tmp_path / "demo.sqlite"
    assert cli.main(["--db", str(path), "demo", "--participants", "5", "--lots", "5"]) == 0
    assert not is_plain_sqlite(path) and (tmp_path / "demo.sqlite.keys").exists()
    assert signin.DEMO_PASSWORD in capsys.readouterr().out
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    assert cli.main(["--db", str(path), "--user", "statistik", "info"]) == 0
    assert "Personer: 5" in capsys.readouterr().out


def test_a_plain_demo_from_before_encryption_gets_encrypted_with_the_demo_accounts(
    tmp_path, monkeypatch, capsys
):
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import demo

    path = tmp_path / "demo.sqlite"
    plain = open_database(path)
    demo.fill(plain, participants=5, lots=5)
    plain.close()
    demo.create_demo_database(path)  # what `finsam-desktop --demo` does at start
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    capsys.readouterr()
    assert cli.main(["--db", str(path), "--user", "statistik", "info"]) == 0
    assert "Personer: 5" in capsys.readouterr().out


def test_statistics_user_gets_no_registerutdrag(tmp_path, monkeypatch, capsys):
    from sqlalchemy import select

    from finsam_desktop.db.models import PersonRow

    path = tmp_path / "demo.sqlite"
    demo.create_demo_database(path, participants=5, lots=5)
    db, _user = signin.log_in(path, "demo", signin.DEMO_PASSWORD)
    with db.reading() as s:
        number = s.scalar(select(PersonRow.personnummer).limit(1))
    db.close()
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    out = tmp_path / "x.pdf"
    args = ["--db", str(path), "--user", "statistik", "registerutdrag", "--out", str(out), number]
    assert cli.main(args) == 4
    assert "behörighet" in capsys.readouterr().err and not out.exists()


def test_lots_summary_opens_an_encrypted_database_like_every_command(tmp_path, monkeypatch, capsys):
    import json

    path = tmp_path / "demo.sqlite"
    demo.create_demo_database(path, participants=5, lots=40)
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    out = tmp_path / "summary.json"
    args = ["--db", str(path), "--user", "statistik", "lots", "summary", "--year", "2026"]
    assert cli.main([*args, "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(path), "lots", "summary", "--year", "2026"])
    assert "--user" in str(exc.value)
