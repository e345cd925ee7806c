"""Issue 9 §9: the demo command cannot destroy real data, and the demo is encrypted.

``finsam demo --replace`` removes only a database that is recognisably a demo: it
opens with the demo account's public password *and* carries the demo marker. Anything
else (a real encrypted case file, a real plain one, a file without its key file, a
file that is no database at all) is left exactly as it was, key file included.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from finsam_desktop.cli import main
from finsam_desktop.db.keys import sidecar_path
from finsam_desktop.db.migrate import is_plain_sqlite, open_database
from finsam_desktop.services import demo, signin

pytestmark = pytest.mark.sqlite_only(reason="the demo database is an encrypted file")

ADMIN_PASSWORD = "Ett-riktigt-lösen-2026"


def fingerprint(path: Path) -> dict[str, str]:
    """Every file that belongs to the database, with a hash of its contents."""
    out = {}
    for candidate in sorted(path.parent.iterdir()):
        if candidate.name.startswith(path.name) and candidate.is_file():
            out[candidate.name] = hashlib.sha256(candidate.read_bytes()).hexdigest()
    return out


def real_encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "riktig.sqlite"
    started = signin.first_start(path, "admin", "Ada Admin", ADMIN_PASSWORD, ADMIN_PASSWORD)
    started.db.close()
    return path


def real_plain(tmp_path: Path) -> Path:
    path = tmp_path / "riktig-okrypterad.sqlite"
    db = open_database(path)
    from finsam_desktop.domain.organisation import Federation
    from finsam_desktop.services import organisation

    with db.session() as s:
        organisation.save_federation(s, Federation(name="Samordningsförbundet Riktigbygden"))
    db.close()
    return path


def refused_to_replace(path: Path, capsys) -> str:
    before = fingerprint(path)
    assert main(["--db", str(path), "demo", "--participants", "3", "--lots", "3", "--replace"]) == 1
    assert fingerprint(path) == before, "nothing of the real database was touched"
    err = capsys.readouterr().err
    assert "ingen demodatabas" in err and "Traceback" not in err
    return err


def test_a_real_encrypted_database_is_never_replaced(tmp_path, capsys):
    path = real_encrypted(tmp_path)
    refused_to_replace(path, capsys)
    db, _user = signin.log_in(path, "admin", ADMIN_PASSWORD)  # still opens as before
    db.close()


def test_a_real_database_with_an_account_named_demo_is_never_replaced(tmp_path, capsys):
    """Even the demo password on a real account is not enough: the marker is missing."""
    path = tmp_path / "riktig.sqlite"
    started = signin.first_start(
        path, "demo", "Riktig Admin", signin.DEMO_PASSWORD, signin.DEMO_PASSWORD
    )
    started.db.close()
    refused_to_replace(path, capsys)


def test_a_real_plain_database_is_never_replaced_nor_given_demo_accounts(tmp_path, capsys):
    path = real_plain(tmp_path)
    refused_to_replace(path, capsys)
    before = fingerprint(path)
    with pytest.raises(demo.NotADemoDatabase):  # what the window's --demo would do
        demo.create_demo_database(path)
    assert fingerprint(path) == before and is_plain_sqlite(path)


def test_files_that_are_no_demo_are_never_replaced(tmp_path, capsys):
    letter = tmp_path / "brev.sqlite"
    letter.write_text("Inte en databas", encoding="utf-8")
    refused_to_replace(letter, capsys)
    orphan = real_encrypted(tmp_path)
    sidecar_path(orphan).rename(tmp_path / "nyckel-undanlagd")
    refused_to_replace(orphan, capsys)


def test_replacing_a_demo_removes_its_key_file_and_side_files(tmp_path, capsys, monkeypatch):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--participants", "3", "--lots", "3"]) == 0
    assert not is_plain_sqlite(path), "the command line's demo is encrypted like the window's"
    assert demo.is_demo_database(path)
    old_key = sidecar_path(path).read_bytes()
    for leftover in ("-wal", "-shm", ".keys.previous"):
        Path(str(path) + leftover).write_bytes(b"old")
    assert main(["--db", str(path), "demo", "--participants", "4", "--lots", "3", "--replace"]) == 0
    assert sidecar_path(path).read_bytes() != old_key, "a new key file, not the old one"
    for leftover in ("-wal", "-shm", ".keys.previous"):  # gone, or the new demo's own
        side = Path(str(path) + leftover)
        assert not side.exists() or side.read_bytes() != b"old"
    out = capsys.readouterr().out
    assert signin.DEMO_PASSWORD in out
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    assert main(["--db", str(path), "--user", "samordnare", "info"]) == 0
    assert "Personer: 4" in capsys.readouterr().out


def test_an_old_plain_demo_is_recognised(tmp_path):
    path = tmp_path / "gammal-demo.sqlite"
    db = open_database(path)
    demo.fill(db, participants=3, lots=3)
    db.close()
    assert demo.is_demo_database(path)
    assert not demo.is_demo_database(real_plain(tmp_path))
