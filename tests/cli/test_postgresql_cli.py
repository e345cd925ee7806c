"""The program on a PostgreSQL server (issue 14 §1): `--db postgresql://…` and FINSAM_DB
reach every command, the first start and the login check the accounts table, and what is
not built for a server yet says so in Swedish. Runs when FINSAM_TEST_PG_URL names a test
server (``./dev.sh test`` starts one); the same commands on a file are tested elsewhere."""

from __future__ import annotations

import json

import pytest

from finsam_desktop.cli import main
from finsam_desktop.services import signin

PASSWORD = "correct horse 42"


@pytest.fixture
def url(db_location):
    if not isinstance(db_location, str):
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    return db_location


def test_info_and_migrate_through_the_url_and_through_finsam_db(url, capsys, monkeypatch):
    assert main(["--db", url, "info"]) == 0
    out = capsys.readouterr().out
    assert "postgresql://" in out and "Schema:" in out
    assert main(["--db", url, "migrate"]) == 0
    assert "Databasen är uppdaterad" in capsys.readouterr().out
    monkeypatch.setenv("FINSAM_DB", url)
    assert main(["info"]) == 0
    assert "postgresql://" in capsys.readouterr().out


def test_first_start_then_login_with_the_accounts_password(url, capsys, monkeypatch):
    assert signin.database_state(url) is signin.DatabaseState.NEW
    started = signin.first_start(url, "admin", "Anna Admin", PASSWORD, PASSWORD)
    try:
        assert started.recovery_key == "" and started.backup is None
        assert started.db.on_server and started.db.key is None and started.db.keyfile is None
    finally:
        started.db.close()
    assert signin.database_state(url) is signin.DatabaseState.SERVER
    with pytest.raises(Exception, match="redan konton"):
        signin.first_start(url, "admin2", "Bo Admin", PASSWORD, PASSWORD)
    db, user = signin.log_in(url, "admin", PASSWORD)
    db.close()
    assert user.username == "admin"
    with pytest.raises(signin.SignInRefused):
        signin.log_in(url, "admin", "wrong password here")

    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    assert main(["--db", url, "--user", "admin", "statistik", "--period", "2026", "--format",
                 "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["period"]["start"] == "2026-01-01"
    monkeypatch.setenv("FINSAM_PASSWORD", "wrong password here")
    with pytest.raises(SystemExit, match="Fel användarnamn eller lösenord"):
        main(["--db", url, "--user", "admin", "info"])


def test_what_is_not_built_for_a_server_says_so(url, tmp_path, capsys):
    # (A backup on a server is a pg_dump: tests/services/test_server_backups.py.)
    assert main(["--db", url, "demo"]) == 1
    assert "Demodatabasen finns ännu inte" in capsys.readouterr().err


def test_the_password_is_never_shown(url, capsys):
    from sqlalchemy.engine import make_url

    with_password = make_url(url).set(password="hemligt-lösen-123").render_as_string(False)
    code = main(["--db", with_password, "info"])
    out = capsys.readouterr()
    assert "hemligt-lösen-123" not in out.out + out.err
    assert code == 0  # the test server trusts 127.0.0.1: the password is not even asked
