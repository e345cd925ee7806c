"""``finsam flytta --till postgresql://…`` (issue 14 §4): an encrypted team file moved to an
empty server database, compared per table by row counts and content hashes, the access
log's chain still verifying on the server, and the file (and its key file) unchanged,
also when the move fails half-way. The server tests run when FINSAM_TEST_PG_URL names a
test server; the canonical form of the hash is tested on SQLite too."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from finsam_desktop.cli import main
from finsam_desktop.db import move
from finsam_desktop.db.keys import FAST_KDF_VARIABLE, sidecar_path
from finsam_desktop.db.models import PersonRow
from finsam_desktop.services import signin
from finsam_desktop.services.log_review import verify_chain

PASSWORD = signin.DEMO_PASSWORD


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """An encrypted demo database of 200 persons, made once by ``finsam demo``."""
    folder = tmp_path_factory.mktemp("flytta")
    saved = os.environ.get(FAST_KDF_VARIABLE)
    os.environ[FAST_KDF_VARIABLE] = "1"  # the accounts' key wraps: not what is tested
    try:
        path = folder / "team.sqlite"
        assert main(["--db", str(path), "demo", "--participants", "200", "--lots", "20"]) == 0
    finally:
        if saved is None:
            os.environ.pop(FAST_KDF_VARIABLE)
        else:
            os.environ[FAST_KDF_VARIABLE] = saved
    return path


@pytest.fixture
def team(demo_file, tmp_path, monkeypatch):
    """A copy of the demo file (with its key file) of this test's own."""
    folder = tmp_path / "team"
    shutil.copytree(demo_file.parent, folder)
    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    return folder / demo_file.name


@pytest.fixture
def target(postgres):
    if postgres is None:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    location = postgres.empty()
    yield location
    postgres.drop(location)


def fingerprint(path: Path) -> tuple[str, str]:
    """The SHA-256 of the database file and of its key file."""
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        hashlib.sha256(sidecar_path(path).read_bytes()).hexdigest(),
    )


def flytta(team: Path, url: str, user: str = "demo") -> int:
    return main(["--db", str(team), "--user", user, "flytta", "--till", url])


def server_tables(url: str) -> set[str]:
    engine = move.server_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_an_encrypted_file_moves_with_equal_counts_hashes_and_a_verifying_chain(
    target, team, capsys
):
    before = fingerprint(team)
    assert flytta(team, target) == 0
    out, err = capsys.readouterr()
    assert fingerprint(team) == before
    lines = out.splitlines()
    assert lines[0].split() == [
        "Tabell",
        "Rader",
        "i",
        "filen",
        "Rader",
        "på",
        "servern",
        "Innehåll",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert set(rows) == {t.name for t in move.tables()}
    assert all(r[0] == r[1] and r[2] == "lika" for r in rows.values())
    assert rows["person"][:2] == ["200", "200"]
    assert int(rows["audit_log"][0]) > 0
    assert "Filen är oförändrad" in lines[-1]
    assert f"{len(rows)}/{len(rows)} work_visit" in err  # progress per table on stderr

    db, user = signin.log_in(target, "demo", PASSWORD)  # the file's account, on the server
    try:
        with db.reading() as s:
            report = verify_chain(s)
            assert report.ok, report.problem
            # the file's entries, the move's entry and this login's
            assert report.checked == int(rows["audit_log"][0]) + 2
            assert s.scalar(select(func.count()).select_from(PersonRow)) == 200
    finally:
        db.close()
    # The sequences were moved past the copied ids: a new person gets a free id.
    from finsam_desktop.domain.personnummer import PersonalNumber
    from finsam_desktop.domain.persons import Person
    from finsam_desktop.services import persons
    from finsam_desktop.services.demo import fake_personnummer

    db, _user = signin.log_in(target, "demo", PASSWORD)
    try:
        with db.session() as s:
            new = persons.save_person(
                s,
                Person(None, PersonalNumber(""), "Åsa", "Påhittsgatan"),
                personnummer_text=fake_personnummer(None, date(1999, 9, 9), 999),
            )
        assert new.id > 200
    finally:
        db.close()


def test_a_server_database_with_data_is_refused(target, team, capsys):
    started = signin.first_start(
        target, "admin", "Anna Admin", "correct horse 42", "correct horse 42"
    )
    started.db.close()
    before = fingerprint(team)
    assert flytta(team, target) == 1
    assert "Serverns databas är inte tom" in capsys.readouterr().err
    assert fingerprint(team) == before
    db, user = signin.log_in(target, "admin", "correct horse 42")
    db.close()
    assert user.username == "admin"  # what was there is still there


def test_a_move_that_fails_half_way_leaves_the_file_and_an_empty_server(
    target, team, capsys, monkeypatch
):
    before = fingerprint(team)
    real = move.copy_table

    def full_disk_at_person(source, server, table):
        if table.name == "person":
            raise OSError(28, "No space left on device")
        return real(source, server, table)

    monkeypatch.setattr(move, "copy_table", full_disk_at_person)
    assert flytta(team, target) == 1
    assert capsys.readouterr().err.strip()
    assert fingerprint(team) == before
    assert server_tables(target) == set()  # one transaction: nothing was kept
    monkeypatch.setattr(move, "copy_table", real)

    # A copy that changes a value is caught by the content hash (counts are equal).
    def altered(row):
        values = real_insertable(row)
        if "first_name" in values and values["id"] == 7:
            values["first_name"] += "x"
        return values

    real_insertable = move._insertable
    monkeypatch.setattr(move, "_insertable", altered)
    assert flytta(team, target) == 1
    assert "person" in capsys.readouterr().err
    assert fingerprint(team) == before
    assert server_tables(target) == set()


def test_only_an_administrator_of_the_file_moves_it(target, team, capsys, monkeypatch):
    before = fingerprint(team)
    assert flytta(team, target, user="samordnare") == 4
    assert "behörighet" in capsys.readouterr().err
    monkeypatch.setenv("FINSAM_PASSWORD", "wrong password here")
    assert flytta(team, target) == 1
    assert "Fel användarnamn eller lösenord" in capsys.readouterr().err
    assert fingerprint(team) == before
    assert server_tables(target) == set()


# --- the canonical form of the content hash (no server needed) ----------------------------


def test_the_canonical_form_does_not_depend_on_how_an_engine_returns_a_value():
    c = move.canonical
    assert c(None) is None and c(True) is True and c(0) == 0
    assert c(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    stockholm = timezone(timedelta(hours=1))
    assert c(datetime(2026, 1, 2, 4, 4, 5, tzinfo=stockholm)) == c(
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    )
    assert c(Decimal("1.50")) == c(Decimal("1.5")) == "1.5"
    assert c(memoryview(b"\x00\xff")) == c(b"\x00\xff") == "00ff"
    assert c({"b": [1, "a\x00"], "a": None}) == {"a": None, "b": [1, "a\ufffd"]}
    assert move.row_hash((1, {"a": 1, "b": 2})) == move.row_hash((1, {"b": 2, "a": 1}))
    assert move.row_hash((1, True)) != move.row_hash((1, 1)) != move.row_hash((1, "1"))
    assert move.row_hash((1, None)) != move.row_hash((1, ""))


def test_a_tables_hash_is_independent_of_row_order_and_sees_every_change(db_location, tmp_path):
    from sqlalchemy import create_engine, insert

    from finsam_desktop.db.security_models import AuditRow

    table = AuditRow.__table__
    rows = [
        {"id": i, "at": datetime(2026, 1, 1, 8, i), "user_id": None, "username": "", "action": "x",
         "table_name": "", "record_id": None, "person_id": None, "what": f"w{i}",
         "details": {"n": i}, "prev_hash": "0", "hash": "0"}
        for i in range(1, 6)
    ]  # fmt: skip
    sums = []
    for order in (rows, rows[::-1], [*rows[:4], {**rows[4], "what": "changed"}]):
        engine = create_engine(f"sqlite:///{tmp_path / f'h{len(sums)}.sqlite'}")
        table.create(engine)
        with engine.begin() as connection:
            for row in order:
                connection.execute(insert(table), row)
        with engine.connect() as connection:
            sums.append(move.table_sum(connection, table))
        engine.dispose()
    assert sums[0] == sums[1] and sums[0].rows == 5
    assert sums[2].rows == 5 and sums[2].hash != sums[0].hash


def test_a_plain_file_of_an_older_version_moves_through_an_upgraded_copy(target, tmp_path, capsys):
    old = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).parents[1] / "db" / "fixtures" / "schema_0002_0004_0005.sqlite", old)
    before = hashlib.sha256(old.read_bytes()).hexdigest()
    assert main(["--db", str(old), "flytta", "--till", target]) == 0  # as the program
    out = capsys.readouterr().out
    assert "OLIKA" not in out and "Filen är oförändrad" in out
    assert hashlib.sha256(old.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite"]  # no upgrade beside it
