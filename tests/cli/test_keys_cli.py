"""The command line with a missing or damaged key file, the recovery key and a new key."""

from __future__ import annotations

import re

import pytest

from finsam_desktop import cli
from finsam_desktop.db import safe_file
from finsam_desktop.db.engine import raw_connect
from finsam_desktop.db.keys import key_from_recovery_key, sidecar_path
from finsam_desktop.services import signin

pytestmark = pytest.mark.sqlite_only(reason="the recovery key and re-keying of an encrypted file")

PASSWORD = "correct horse 42"


@pytest.fixture
def started(tmp_path):
    path = tmp_path / "finsam.sqlite"
    result = signin.first_start(path, "admin", "Anna", PASSWORD, PASSWORD)
    result.db.close()
    return result


@pytest.mark.parametrize("damage", [None, b"", b'{"format": 2', b"\xff\xfe garbage"])
def test_a_missing_or_damaged_key_file_names_the_way_back(started, damage, monkeypatch, capsys):
    path = started.db.path
    if damage is None:
        sidecar_path(path).unlink()
    else:
        sidecar_path(path).write_bytes(damage)
    safe_file.previous_path(sidecar_path(path)).unlink(missing_ok=True)
    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", str(path), "--user", "admin", "info"])
    message = str(exc.value)
    assert "återställningsnyckeln" in message and "återställ-nycklar" in message
    assert "Traceback" not in message + capsys.readouterr().err

    monkeypatch.setenv("FINSAM_RECOVERY_KEY", started.recovery_key)
    monkeypatch.setenv("FINSAM_NEW_PASSWORD", "a-new-password-1")
    assert cli.main(["--db", str(path), "återställ-nycklar", "--admin", "admin"]) == 0
    assert "byggts upp" in capsys.readouterr().out
    db, _user = signin.log_in(path, "admin", "a-new-password-1")
    db.close()


def test_a_wrong_recovery_key_is_refused_in_swedish(started, monkeypatch, capsys):
    sidecar_path(started.db.path).unlink()
    monkeypatch.setenv("FINSAM_RECOVERY_KEY", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    monkeypatch.setenv("FINSAM_NEW_PASSWORD", "a-new-password-1")
    assert cli.main(["--db", str(started.db.path), "återställ-nycklar", "--admin", "admin"]) == 1
    assert "Återställningsnyckeln" in capsys.readouterr().err


def test_byt_nyckel_prints_a_new_recovery_key_that_opens_the_database(
    started, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    pdf = tmp_path / "key.pdf"
    path = str(started.db.path)
    assert cli.main(["--db", path, "--user", "admin", "byt-nyckel", "--pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    new_key = re.search(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", out).group(0)
    assert new_key != started.recovery_key and pdf.exists()
    raw_connect(path, key_from_recovery_key(new_key)).close()
    with pytest.raises(Exception, match="not a database"):
        raw_connect(path, key_from_recovery_key(started.recovery_key))
    db, _user = signin.log_in(path, "admin", PASSWORD)
    assert not signin.needs_new_recovery_key(db)
    db.close()
