"""Backups of a database on a PostgreSQL server (issue 14 §4): a verified pg_dump, a
pg_dump that fails leaves the earlier backups as they were, and pg_restore brings back
what was deleted. Runs when FINSAM_TEST_PG_URL names a test server."""

from __future__ import annotations

import hashlib
import os
import signal
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finsam_desktop.cli import main
from finsam_desktop.db import server_backup
from finsam_desktop.db.backup import BackupError
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.db.server import raw_connect
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.services import audit, backups, persons
from finsam_desktop.services.demo import fake_personnummer
from finsam_desktop.services.log_review import verify_chain


@pytest.fixture
def server_db(db):
    if not db.on_server:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    return db


def add_person(db, first: str, birth: int = 981) -> int:
    number = fake_personnummer(None, date(1990, 1, 1), birth)
    with db.session() as s:
        p = persons.save_person(
            s, Person(None, PersonalNumber(""), first, "Påhittsgatan"), personnummer_text=number
        )
    return p.id


def person_count(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(PersonRow))


def counts(url: str) -> dict[str, int]:
    with raw_connect(url) as connection:
        return server_backup.row_counts(connection)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_a_verified_pg_dump_that_restores_with_equal_counts(server_db, tmp_path):
    add_person(server_db, "Åsa")
    add_person(server_db, "Örjan", 982)
    seen: list[tuple[int, int, str]] = []
    with server_db.session() as s:
        backups.save_settings(s, backups.BackupSettings(str(tmp_path / "copies")))
    source = counts(server_db.url)
    made = backups.backup_now(
        server_db, datetime(2026, 11, 22, 8, 0), progress=lambda *p: seen.append(p)
    )
    assert made.path == tmp_path / "copies" / f"{backups.backup_stem(server_db)}-backup-" \
        "20261122-080000.dump"  # fmt: skip
    assert made.path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert not list((tmp_path / "copies").glob("*.part"))
    assert [b.path for b in backups.list_backups(server_db)] == [made.path]
    # Progress: one step per table, against the number of tables.
    total = len(counts(server_db.url))
    assert seen and seen[-1][:2] == (total, total) and {p[1] for p in seen} == {total}
    assert "person" in {p[2] for p in seen}
    # Restored into a database of its own, it holds the rows of the moment it was taken
    # (the access log's entry for the backup itself comes after it).
    with server_backup.scratch_database(server_db.url) as name:
        from finsam_desktop.db.server import engine_url

        target = engine_url(server_db.url).set(database=name)
        target_url = target.set(drivername="postgresql").render_as_string(False)
        code, _lines = server_backup._run(
            [
                str(server_backup.find_tool("pg_restore", 0)),
                "--no-owner",
                f"--dbname={target_url}",
                str(made.path),
            ],
            dict(os.environ),
            None,
            0,
            server_backup.RESTORING,
        )
        assert code == 0
        restored = counts(target_url)
    assert restored == source and source["person"] == 2
    # The scratch databases are gone.
    with raw_connect(server_db.url) as connection:
        left = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'finsam_verify_%'"
        ).fetchone()[0]
    assert left == 0


def test_a_failing_or_killed_pg_dump_leaves_the_earlier_backup(server_db, tmp_path, monkeypatch):
    add_person(server_db, "Åsa")
    folder = tmp_path / "copies"
    with server_db.session() as s:
        backups.save_settings(s, backups.BackupSettings(str(folder)))
    first = backups.backup_now(server_db, datetime(2026, 11, 21, 8, 0))
    before = digest(first.path)

    # pg_dump killed part-way (as by a full disk or a shutdown): a message, no new file.
    real_run = server_backup._run

    def killed(command, env, progress, total, pattern):
        def kill_on_first_table(done, total_, table):
            for proc in Path("/proc").iterdir():
                if proc.name.isdigit():
                    try:
                        cmdline = (proc / "cmdline").read_bytes().split(b"\0")
                    except OSError:
                        continue
                    if (
                        cmdline
                        and cmdline[0].endswith(b"pg_dump")
                        and any(str(folder).encode() in part for part in cmdline)
                    ):
                        os.kill(int(proc.name), signal.SIGKILL)

        return real_run(command, env, kill_on_first_table, total, pattern)

    monkeypatch.setattr(server_backup, "_run", killed)
    with pytest.raises(BackupError, match="pg_dump kunde inte skriva"):
        backups.backup_now(server_db, datetime(2026, 11, 22, 8, 0))
    monkeypatch.setattr(server_backup, "_run", real_run)
    assert sorted(p.name for p in folder.iterdir()) == [first.path.name]
    assert digest(first.path) == before

    # No pg_dump to be found: said in Swedish before anything is written.
    monkeypatch.setattr(server_backup, "_candidates", lambda name: [])
    with pytest.raises(BackupError, match="hittades inte"):
        backups.backup_now(server_db, datetime(2026, 11, 23, 8, 0))
    assert sorted(p.name for p in folder.iterdir()) == [first.path.name]


def test_a_pg_dump_older_than_the_server_is_refused(server_db, tmp_path, monkeypatch):
    monkeypatch.setattr(server_backup, "tool_major", lambda tool: 9)
    with pytest.raises(BackupError, match="version 9, äldre än servern"):
        server_backup.dump(server_db.url, tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


def test_the_password_goes_to_a_private_pgpass_file_not_the_command_line(server_db):
    from sqlalchemy.engine import make_url

    secret = make_url(server_db.url).set(password="hemligt:lösen").render_as_string(False)
    with server_backup.libpq_target(secret) as (conninfo, env):
        assert "hemligt" not in conninfo
        pgpass = Path(env["PGPASSFILE"])
        assert pgpass.read_text(encoding="utf-8") == "*:*:*:*:hemligt\\:lösen\n"
        assert oct(pgpass.stat().st_mode & 0o777) == "0o600"
    assert not pgpass.exists()


def test_restore_refuses_while_another_workstation_is_connected(server_db, tmp_path, monkeypatch):
    from finsam_desktop.db.migrate import open_database

    add_person(server_db, "Åsa")
    monkeypatch.setattr(server_backup, "verify", lambda *a: None)  # checked elsewhere
    made = backups.backup_to_file(server_db, tmp_path / "a.dump")
    other = open_database(server_db.url)
    try:
        person_count(other)  # a connection in its pool, as an open window has
        with pytest.raises(
            BackupError, match=r"^(1 annan anslutning|[2-9] andra anslutningar) från programmet"
        ):
            server_backup.restore(server_db.url, made)
    finally:
        other.close()
    assert person_count(server_db) == 1


def test_restore_refuses_a_file_that_is_not_a_dump(server_db, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump at all")
    with pytest.raises(BackupError, match="ingen säkerhetskopia"):
        backups.restore_into(server_db, junk)


def test_restore_from_the_command_line_brings_back_deleted_data(
    server_db, tmp_path, capsys, monkeypatch
):
    keep = add_person(server_db, "Åsa")
    url = server_db.url
    with server_db.session() as s:
        backups.save_settings(s, backups.BackupSettings(str(tmp_path / "folder")))
    assert main(["--db", url, "backup", str(tmp_path / "copies")]) == 0
    out = capsys.readouterr()
    (made,) = (tmp_path / "copies").glob("*.dump")
    assert "kontrollerad" in out.out and "person" in out.err  # progress on stderr
    with server_db.session() as s:
        s.delete(s.get(PersonRow, keep))
    add_person(server_db, "Bodil", 983)
    server_db.close()

    monkeypatch.setattr("builtins.input", lambda prompt: "nej")
    assert main(["--db", url, "restore", str(made)]) == 1
    assert "Ingenting har ändrats" in capsys.readouterr().err
    assert main(["--db", url, "restore", "--yes", str(made)]) == 0
    out = capsys.readouterr().out
    assert "Återställde" in out
    with server_db.reading() as s:
        names = list(s.scalars(select(PersonRow.first_name)))
        details = s.scalars(
            select(AuditRow.details).where(AuditRow.action == audit.Action.RESTORE)
        ).one()
        assert verify_chain(s).ok
    assert names == ["Åsa"]
    assert details["backup"] == made.name
    # What the database held before the restore is itself a verified backup.
    (kept,) = (tmp_path / "folder").glob("*before-restore*.dump")
    assert details["kept"] == kept.name and kept.name in out
    # Adding after the restore works (the sequences came back with the rows).
    add_person(server_db, "Cecilia", 984)
    assert person_count(server_db) == 2


def test_only_one_workstation_takes_the_daily_backup_at_a_time(server_db, tmp_path):
    with raw_connect(server_db.url) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (server_backup.BACKUP_LOCK,))
        assert server_backup.dump(server_db.url, tmp_path / "x.dump", only_if_free=True) is None
    assert not (tmp_path / "x.dump").exists()
