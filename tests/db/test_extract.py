"""A statistics account is an encryption boundary (issue 9 §4): the extract.

- Every text-like column of every table is classified (kept code, blanked or
  pseudonymised), so a new column cannot slip into the extract unnoticed.
- With the statistics account's password and the key file, a program using sqlcipher3
  directly cannot open the main database.
- The extract it can open holds no name and no personnummer of any person.
"""

from __future__ import annotations

import pytest
import sqlcipher3
from sqlalchemy import select

from finsam_desktop.db import extract
from finsam_desktop.db.keys import KeyFile, sqlcipher_key
from finsam_desktop.db.models import PersonRow
from finsam_desktop.services import signin

pytestmark = pytest.mark.sqlite_only(
    reason="the statistics extract is an encrypted SQLite file made from the database file"
)


def test_every_text_column_of_every_table_is_classified():
    assert extract.unclassified() == []
    columns = {(t, c.name) for t, cs in extract.text_columns().items() for c in cs}
    stale = {(t, c) for t, cs in extract.COLUMNS.items() for c in cs} - columns
    assert not stale, f"classified columns that no longer exist: {sorted(stale)}"


def _connect(path, key):
    con = sqlcipher3.connect(str(path))
    con.execute(f'PRAGMA key = "{sqlcipher_key(key)}"')
    return con


def test_the_statistics_password_opens_only_the_de_identified_extract(demo_path, tmp_path):
    admin_db, _admin = signin.log_in(demo_path, "demo", signin.DEMO_PASSWORD)
    with admin_db.reading() as s:
        persons = s.execute(
            select(PersonRow.first_name, PersonRow.last_name, PersonRow.personnummer)
        ).all()
        genders = sorted(s.scalars(select(PersonRow.gender)))
    admin_db.close()
    assert persons
    # What an attacker with the program's source, the key file and the password gets:
    unlocked = KeyFile(demo_path).unlock("statistik", signin.DEMO_PASSWORD)
    for key in unlocked.keys:
        con = _connect(demo_path, key)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            raise AssertionError("the statistics key opened the database")
        except sqlcipher3.DatabaseError as exc:
            assert "not a database" in str(exc)
        finally:
            con.close()
    con = _connect(extract.extract_path(demo_path), unlocked.keys[0])
    plain = tmp_path / "decrypted.sqlite"
    try:
        assert sorted(r[0] for r in con.execute("SELECT gender FROM person")) == genders
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [repr(row) for t in tables for row in con.execute(f'SELECT * FROM "{t}"')]
        con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        con.execute("SELECT sqlcipher_export('plain')")
        con.execute("DETACH DATABASE plain")
    finally:
        con.close()
    dump = "\n".join(rows) + plain.read_bytes().decode("utf-8", "replace")
    assert len(rows) > len(persons)
    for first, last, personnummer in persons:
        # Also without the century, as the indexes of a file hold a number from each of
        # its positions (migration 0022): none of them a copy of the real number.
        number = personnummer.replace("-", "")
        for secret in (first, last, personnummer, number, number[2:]):
            assert secret not in dump, "a person's name or personnummer is in the extract"


def test_a_statistics_login_works_in_the_extract(demo_path):
    db, user = signin.log_in(demo_path, "statistik", signin.DEMO_PASSWORD)
    try:
        assert db.path == extract.extract_path(demo_path)
        assert db.extract_made_at is not None and user.username == "statistik"
        with db.reading() as s:
            assert s.scalar(select(PersonRow.id).limit(1)) is not None
            assert set(s.scalars(select(PersonRow.last_name))) == {""}
    finally:
        db.close()


def test_a_changed_role_changes_what_the_account_is_sealed(demo_path):
    from finsam_desktop.services import accounts
    from finsam_desktop.services.access import Role

    db, _admin = signin.log_in(demo_path, "demo", signin.DEMO_PASSWORD)
    try:
        with db.reading() as s:
            coordinator = next(u for u in accounts.list_users(s) if u.username == "samordnare")
        with db.session() as s:
            accounts.set_role(s, coordinator.id, Role.STATISTICS, coordinator.version)
    finally:
        db.close()
    unlocked = KeyFile(demo_path).unlock("samordnare", signin.DEMO_PASSWORD)
    assert unlocked.scope == "statistics"
    stats_db, user = signin.log_in(demo_path, "samordnare", signin.DEMO_PASSWORD)
    assert stats_db.path == extract.extract_path(demo_path) and user.role is Role.STATISTICS
    stats_db.close()


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
from finsam_desktop.db import extract
from finsam_desktop.services import signin

path = Path(sys.argv[1])
db, _user = signin.log_in(path, "demo", signin.DEMO_PASSWORD)
key = db.key
db.close()
if sys.argv[2] == "de-identifying":
    every = extract._statements

    def killed_after_the_first(secret):
        statements = every(secret)
        yield statements[0]
        os.kill(os.getpid(), signal.SIGKILL)

    extract._statements = killed_after_the_first
else:
    os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
extract.write_extract(path, key)
"""


@pytest.mark.parametrize("moment", ["de-identifying", "renaming"])
def test_a_write_killed_half_way_leaves_no_names_a_statistics_key_opens(
    demo_path, tmp_path, moment
):
    """The program killed while it writes the extract (SIGKILL, a power cut): every file
    it leaves is either unreadable with the statistics key or already de-identified."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    admin_db, _admin = signin.log_in(demo_path, "demo", signin.DEMO_PASSWORD)
    with admin_db.reading() as s:
        names = {n for row in s.execute(select(PersonRow.last_name)) for n in row if n}
    admin_db.close()
    before = set(demo_path.parent.iterdir())
    root = Path(__file__).resolve().parents[2]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(demo_path), moment],
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
        capture_output=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    left = sorted(set(demo_path.parent.iterdir()) - before)
    assert left, "the write was killed before it made any file"
    statistics = KeyFile(demo_path).unlock("statistik", signin.DEMO_PASSWORD).keys[0]
    opened = 0
    for path in left:
        con = _connect(path, statistics)
        try:
            tables = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
        except sqlcipher3.DatabaseError:
            continue  # not readable with the statistics key
        rows = [repr(r) for t in tables for r in con.execute(f'SELECT * FROM "{t}"')]
        con.close()
        opened += 1
        dump = "\n".join(rows)
        assert not any(name in dump for name in names), f"names readable in {path.name}"
    assert opened == (1 if moment == "renaming" else 0)


def test_the_extract_is_written_beside_the_window_one_at_a_time(demo_path, monkeypatch):
    """The lock asks for the extract in a thread of its own; the hourly check and the end
    of a session may ask at the same time: the writes follow each other."""
    import threading
    import time

    from finsam_desktop.services import statistics_extract

    db, _user = signin.log_in(demo_path, "demo", signin.DEMO_PASSWORD)
    real, writers, now_writing, most = extract.write_extract, [], [0], [0]

    def watched(path, key):
        now_writing[0] += 1
        most[0] = max(most[0], now_writing[0])
        writers.append(threading.get_ident())
        time.sleep(0.2)
        try:
            return real(path, key)
        finally:
            now_writing[0] -= 1

    monkeypatch.setattr(extract, "write_extract", watched)
    extract.extract_path(demo_path).unlink()
    try:
        beside = [statistics_extract.refresh_extract_beside(db) for _ in range(2)]
        assert statistics_extract.refresh_extract(db, force=True)
        for thread in beside:
            thread.join(120)
    finally:
        db.close()
    assert len(writers) == 3 and most[0] == 1
    assert writers.count(threading.get_ident()) == 1
    assert extract.extract_path(demo_path).exists()
