"""finsam restore BACKUPFILE and finsam registerutdrag PERSONNUMMER --out FILE."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from finsam_desktop import cli
from finsam_desktop.db.migrate import open_database
from finsam_desktop.services import backups
from finsam_desktop.services.demo import fake_personnummer
from tests.services.person_history import add_person_with_history, organisation

pytestmark = pytest.mark.sqlite_only(
    reason="restoring file backups and the encrypted statistics extract"
)


def backup_then_add_a_person(db):
    """One person in the backup, a second (Märta) only in the file; the file is closed."""
    with db.session() as s:
        org = organisation(s)
        add_person_with_history(s, org, date(1990, 1, 1), 2025, 1)
    made = backups.backup_now(db, datetime(2026, 11, 21, 17, 0))
    with db.session() as s:
        add_person_with_history(s, org, date(1991, 1, 1), 2026, 2, first="Märta")
    db.close()
    return made


def test_restore_from_the_command_line_keeps_the_current_file_aside(tmp_path, capsys):
    path = tmp_path / "finsam.sqlite"
    db = open_database(path)
    made = backup_then_add_a_person(db)

    assert cli.main(["--db", str(path), "restore", str(made.path)]) == 0
    out = capsys.readouterr().out
    assert "before-restore" in out
    with sqlite3.connect(path) as con:
        assert [r[0] for r in con.execute("SELECT first_name FROM person")] == ["Åsa"]
    kept = next(tmp_path.glob("finsam.before-restore-*.sqlite"))
    with sqlite3.connect(kept) as con:
        assert len(con.execute("SELECT id FROM person").fetchall()) == 2


def test_restore_of_a_broken_file_changes_nothing(tmp_path, capsys):
    path = tmp_path / "finsam.sqlite"
    open_database(path).close()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    assert cli.main(["--db", str(path), "restore", str(bad)]) == 1
    assert capsys.readouterr().err.strip()
    assert not list(tmp_path.glob("*before-restore*"))


def test_registerutdrag_writes_the_pdf(tmp_path, capsys):
    path = tmp_path / "finsam.sqlite"
    db = open_database(path)
    with db.session() as s:
        add_person_with_history(s, organisation(s), date(1990, 1, 1), 2025, 1)
    db.close()
    out = tmp_path / "utdrag.pdf"
    assert cli.main(["--db", str(path), "registerutdrag", "19900101-9810", "--out", str(out)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(out.read_bytes())).pages)
    assert "Åsa" in text and "19900101-9810" in text
    assert cli.main(["--db", str(path), "registerutdrag", "19800101-9812", "--out", str(out)]) == 1
    assert cli.main(["--db", str(path), "registerutdrag", "12345", "--out", str(out)]) == 2


def test_encrypted_database_backup_keeps_its_key_file_and_restores_from_the_cli(
    tmp_path, monkeypatch, capsys
):
    pytest.importorskip("sqlcipher3")
    from finsam_desktop.db.keys import sidecar_path
    from finsam_desktop.services.signin import first_start

    path = tmp_path / "finsam.sqlite"
    password = "ett långt lösenord 2026"
    started = first_start(path, "admin", "Admin Istratör", password, password)
    db = started.db
    made = backup_then_add_a_person(db)

    assert sidecar_path(made.path).exists()  # the wrapped keys travel with the copy
    with sqlite3.connect(made.path) as con, pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT * FROM person").fetchall()

    monkeypatch.setenv("FINSAM_PASSWORD", password)
    args = ["--db", str(path), "--user", "admin"]
    assert cli.main([*args, "restore", str(made.path)]) == 0
    out = tmp_path / "utdrag.pdf"
    assert cli.main([*args, "registerutdrag", "19900101-9810", "--out", str(out)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(out.read_bytes())).pages)
    assert "Åsa" in text
    marta = fake_personnummer(None, date(1991, 1, 1), 2)  # added after the backup
    assert cli.main([*args, "registerutdrag", marta, "--out", str(out)]) == 1
    kept = next(tmp_path.glob("finsam.before-restore-*.sqlite"))
    assert sidecar_path(kept).exists()
