"""Backups of the open database, the folder setting, and the restore drill."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from finsam_desktop.db.backup import BackupError, integrity
from finsam_desktop.db.migrate import open_database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.services import backups, persons
from finsam_desktop.services.demo import fake_personnummer

pytestmark = pytest.mark.sqlite_only(
    reason="these backups copy the database file; a server's: test_server_backups.py"
)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "data" / "finsam.sqlite")
    yield database
    database.close()


def pnr(born: str) -> str:
    return fake_personnummer(None, date.fromisoformat(born), 1)


def add_person(db, first: str, born: str = "1990-01-01") -> int:
    with db.session() as s:
        p = persons.save_person(
            s, Person(None, PersonalNumber(""), first, "Testberg"), personnummer_text=pnr(born)
        )
    return p.id


def names(db) -> list[str]:
    with db.reading() as s:
        return list(s.scalars(select(PersonRow.first_name).order_by(PersonRow.id)))


def test_default_folder_is_beside_the_database_and_copies_are_verified(db):
    add_person(db, "Åsa")
    made = backups.backup_now(db, datetime(2026, 11, 22, 8, 0))
    assert made.path.parent == db.path.parent / "backups"
    assert made.path.name == "finsam-backup-20261122-080000.sqlite"
    assert integrity(made.path) == "ok"
    assert not Path(str(made.path) + "-wal").exists()
    with sqlite3.connect(made.path) as con:
        assert con.execute("SELECT first_name FROM person").fetchall() == [("Åsa",)]
    assert [b.path for b in backups.list_backups(db)] == [made.path]


def test_the_chosen_folder_is_stored_in_the_database(db, tmp_path):
    share = tmp_path / "share" / "finsam"
    with db.session() as s:
        backups.save_settings(s, backups.BackupSettings(str(share)))
    with db.reading() as s:
        assert backups.get_settings(s).folder == str(share)
    made = backups.backup_now(db)
    assert made.path.parent == share


def test_a_relative_or_unwritable_folder_is_refused_next_to_the_field(db, tmp_path):
    with db.session() as s, pytest.raises(ValidationError) as err:
        backups.save_settings(s, backups.BackupSettings("relative/folder"))
    assert "folder" in err.value.problems
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with db.session() as s, pytest.raises(ValidationError) as err:
        backups.save_settings(s, backups.BackupSettings(str(blocker / "sub")))
    assert "folder" in err.value.problems


def test_daily_backup_only_when_the_newest_is_a_day_old(db):
    first = backups.backup_if_due(db, datetime(2026, 11, 20, 9, 0))
    assert first is not None
    assert backups.backup_if_due(db, datetime(2026, 11, 20, 17, 0)) is None
    assert backups.backup_if_due(db, datetime(2026, 11, 21, 9, 0)) is not None
    assert len(backups.list_backups(db)) == 2


def test_backups_in_the_same_second_each_stay_the_days_newest(db):
    """ "Backup now" and the closing backup within a second: each gets a later stamp than
    the day's earlier ones, so thinning keeps it (the third used to get the first's freed
    name, older than the second's, and was deleted as it was made)."""
    when = datetime(2026, 11, 20, 9, 0)
    made = [backups.backup_now(db, when) for _ in range(4)]
    assert [m.taken_at for m in made] == [when + timedelta(seconds=i) for i in range(4)]
    assert made[-1].path.exists()
    assert [b.taken_at for b in backups.list_backups(db)] == [made[-1].taken_at]


def test_the_backup_folder_is_thinned_after_each_backup(db):
    start = datetime(2026, 10, 1, 12, 0)
    for day in range(40):
        backups.backup_now(db, start + timedelta(days=day))
    kept = backups.list_backups(db)
    assert len(kept) < 20
    assert kept[0].taken_at == start + timedelta(days=39)


def test_restore_drill_brings_back_yesterdays_state(db):
    """Make changes, back up, change more, restore: yesterday's state is back, and
    today's file is kept aside with every change in it."""
    add_person(db, "Åsa", "1990-01-01")
    add_person(db, "Örjan", "1985-12-31")
    yesterday = backups.backup_now(db, datetime(2026, 11, 21, 17, 0))
    first_id = 1
    with db.session() as s:
        row = s.get(PersonRow, first_id)
        row.first_name = "Ändrad"
    add_person(db, "Märta", "1970-05-05")
    assert names(db) == ["Ändrad", "Örjan", "Märta"]

    kept = backups.restore_into(db, yesterday.path, datetime(2026, 11, 22, 10, 0))

    assert names(db) == ["Åsa", "Örjan"]
    assert integrity(db.path) == "ok"
    assert kept is not None and kept.name == "finsam.before-restore-20261122-100000.sqlite"
    with sqlite3.connect(kept) as con:
        assert [r[0] for r in con.execute("SELECT first_name FROM person ORDER BY id")] == [
            "Ändrad",
            "Örjan",
            "Märta",
        ]
    # The restored database keeps working for new changes.
    add_person(db, "Saga", "1995-03-15")
    assert names(db) == ["Åsa", "Örjan", "Saga"]


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(db, tmp_path):
    add_person(db, "Åsa")
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE t (x)")
    for bad in (damaged, foreign, tmp_path / "missing.sqlite"):
        with pytest.raises(BackupError):
            backups.restore_into(db, bad)
    assert names(db) == ["Åsa"]
    assert not list(db.path.parent.glob("*before-restore*"))


def test_restore_refuses_a_backup_from_a_newer_program(db, tmp_path):
    made = backups.backup_now(db)
    with sqlite3.connect(made.path) as con:
        con.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    with pytest.raises(BackupError):
        backups.restore_into(db, made.path)


def test_backups_of_an_encrypted_database_stay_encrypted_and_restore(tmp_path):
    pytest.importorskip("sqlcipher3")
    from finsam_desktop.db.engine import Database, raw_connect
    from finsam_desktop.db.keys import new_database_key
    from finsam_desktop.db.migrate import upgrade

    key = new_database_key()
    db = Database(tmp_path / "finsam.sqlite", key=key)
    upgrade(db)
    try:
        add_person(db, "Åsa")
        made = backups.backup_now(db, datetime(2026, 11, 21, 17, 0))
        raw = made.path.read_bytes()
        assert b"SQLite format 3" not in raw[:16] and "Åsa".encode() not in raw
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(made.path).execute("SELECT * FROM person").fetchall()
        assert integrity(made.path, key) == "ok"
        con = raw_connect(made.path, key, readonly=True)
        assert con.execute("SELECT first_name FROM person").fetchall() == [("Åsa",)]
        con.close()

        add_person(db, "Örjan", "1985-12-31")
        backups.restore_into(db, made.path)
        assert names(db) == ["Åsa"]
        assert integrity(db.path, key) == "ok"
    finally:
        db.close()


def test_two_backups_in_the_same_second_both_get_a_name(db):
    when = datetime(2026, 11, 22, 17, 0, 0)
    first = backups.backup_now(db, when)
    second = backups.backup_now(db, when)
    assert first.path != second.path and second.path.exists()


def test_restore_is_refused_while_another_copy_has_the_database_open(db):
    from finsam_desktop.db.engine import Database

    add_person(db, "Åsa")
    made = backups.backup_now(db)
    add_person(db, "Örjan", "1985-12-31")
    other = Database(db.path)  # a second copy of the program, idle after showing a list
    with other.reading() as s:
        persons.get_person(s, 1)
    with pytest.raises(BackupError, match="annat öppet program"):
        backups.restore_into(db, made.path)
    other.close()
    assert names(db) == ["Åsa", "Örjan"]
    backups.restore_into(db, made.path)  # once the other copy is closed
    assert names(db) == ["Åsa"]
