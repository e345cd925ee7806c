"""Issue 9 §6: the access log is tamper-evident against someone holding the database key.

Each test tampers the way such a person would (with the key, through the driver, triggers
dropped where they are in the way, hashes recomputed) and checks that ``verify_chain``
catches it and names it. What cannot be caught is stated in services/audit.py: a log
rewritten together with every anchor (the file beside the database, every backup's
manifest) and the head the administrator noted.
"""

from __future__ import annotations

import json

import pytest

from finsam_desktop.db import access_log
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.persons import Gender, Person
from finsam_desktop.services import accounts, audit, backups, log_review, persons
from finsam_desktop.services.access import AccessDenied, Role, User
from finsam_desktop.services.demo import luhn_check_digit

pytestmark = pytest.mark.sqlite_only(
    reason="the anchors are files beside the database file and its backups; a database on "
    "a server has no file beside it (its anchor comes with issue 14 §2)"
)

PASSWORD = "correct horse 42"
COLUMNS = ("at", "user_id", "username", "action", "table_name", "record_id", "person_id")
COLUMNS += ("what", "details")


@pytest.fixture
def admin(db):
    with db.session() as s:
        user = accounts.create_user(s, "admin", "Anna Admin", Role.ADMIN, PASSWORD, PASSWORD)
    db.user = user
    return user


def add_people(db, n: int = 3) -> None:
    start = add_people.count = getattr(add_people, "count", 0) + n
    for i in range(start - n, start):
        person = Person(
            None,
            None,
            "Testa",
            f"Testsson{i}",
            PostalAddress("Påhittsgatan 1", "999 99", "Exempelbygden"),
            gender=Gender.WOMAN,
        )
        nine = f"9801{i // 10 + 1:02d}98{i % 10}"  # birth numbers 980–999: fictitious
        with db.session() as s:
            persons.save_person(s, person, f"19{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}")


def verify(db) -> audit.ChainReport:
    with db.reading() as s:
        return log_review.verify_chain(s)


def raw(db):
    """The forger's connection: the key, the driver, no program in between."""
    return db.raw_connect()


def log_rows(con) -> list[dict]:
    con.row_factory = None
    names = ["id", *COLUMNS, "prev_hash", "hash"]
    rows = con.execute(f"SELECT {', '.join(names)} FROM audit_log ORDER BY id").fetchall()
    return [dict(zip(names, r, strict=True)) for r in rows]


def forged_hash(prev: str, row: dict) -> str:
    from datetime import datetime

    values = dict(row)
    values["at"] = datetime.fromisoformat(str(row["at"]))
    values["details"] = json.loads(row["details"]) if row["details"] else None
    return access_log.entry_hash(prev, values)


def test_a_healthy_log_verifies_against_its_anchor(db, admin):
    add_people(db)
    report = verify(db)
    assert report.ok, report.problem
    assert report.anchor is not None and report.anchor.source == "finsam.sqlite.logganker"
    assert report.head.last_id == report.anchor.head.last_id == report.checked
    anchor = json.loads(audit.anchor_path(db.path).read_text())
    assert anchor["log"]["hash"] == report.head.hash  # no personal data, only the head
    assert set(anchor) == {"log", "previous", "written_at", "findings"}


def test_a_temporary_anchor_left_by_a_killed_program_is_cleared_by_the_next_write(db, admin):
    """SIGKILL between the temporary file and its rename leaves ``.logganker.*.tmp``; the
    next write to the log (under the database's write lock) removes it."""
    add_people(db, 1)
    anchor = audit.anchor_path(db.path)
    left = anchor.with_name(anchor.name + ".k1ll3d.tmp")
    left.write_text("{")
    add_people(db, 1)
    assert not left.exists()
    assert verify(db).ok


def test_insert_or_replace_is_refused_with_the_triggers_in_place(db, admin):
    add_people(db)
    con = raw(db)
    for statement in (
        "INSERT OR REPLACE INTO audit_log (id, at, username, action, table_name, what, "
        "prev_hash, hash) VALUES (2, '2026-01-01', 'x', 'view', '', '', 'a', 'b')",
        "REPLACE INTO audit_log (id, at, username, action, table_name, what, prev_hash, hash) "
        "VALUES (3, '2026-01-01', 'x', 'view', '', '', 'a', 'b')",
        "INSERT INTO audit_log (id, at, username, action, table_name, what, prev_hash, hash) "
        "VALUES (1, '2026-01-01', 'x', 'view', '', '', 'a', 'b') "
        "ON CONFLICT(id) DO UPDATE SET username = 'x'",
    ):
        with pytest.raises(Exception, match="append-only"):
            con.execute(statement)
    con.close()
    assert verify(db).ok
    add_people(db, 1)  # the program's own appends still pass the trigger
    assert verify(db).ok


def test_entries_rewritten_with_replace_and_rechained_are_caught(db, admin):
    add_people(db)
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_no_replace")  # the forger removes what is in his way
    rows = log_rows(con)
    prev = rows[1]["prev_hash"]
    for row in rows[1:]:  # rewrite every entry from the second on, hashes recomputed
        row["username"] = "someone"
        row["prev_hash"] = prev
        row["hash"] = prev = forged_hash(prev, row)
        names = list(row)
        con.execute(
            f"INSERT OR REPLACE INTO audit_log ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [json.dumps(v) if isinstance(v, dict) else v for v in row.values()],
        )
    con.close()
    with db.reading() as s:
        # The chain alone is consistent again: this is what the anchor is for.
        assert log_review.verify_chain(s, anchors=[]).ok
    report = verify(db)
    assert not report.ok and report.broken_at == rows[-1]["id"]
    assert "skrivits om" in report.problem and "logganker" in report.problem


def test_deleting_the_last_entries_is_caught(db, admin):
    add_people(db)
    last = verify(db).head.last_id
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    con.execute("DELETE FROM audit_log WHERE id > ?", (last - 2,))
    con.close()
    report = verify(db)
    assert not report.ok and report.broken_at == last - 1
    assert "i slutet av loggen har tagits bort" in report.problem


def test_deleting_the_last_entries_stays_caught_after_more_work(db, admin):
    add_people(db)
    last = verify(db).head.last_id
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    con.execute("DELETE FROM audit_log WHERE id > ?", (last - 2,))
    con.close()
    add_people(db, 2)  # the next saves reuse the ids: the anchor noticed before them
    report = verify(db)
    assert not report.ok and report.broken_at == last - 1
    assert f"Posterna {last - 1}–{last} har tagits bort från slutet av loggen" in report.problem


def test_deleting_the_first_entries_is_caught(db, admin):
    add_people(db)
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    con.execute("DELETE FROM audit_log WHERE id <= 2")
    con.close()
    report = verify(db)
    assert not report.ok and report.broken_at == 3
    assert report.problem == "Loggens första poster har tagits bort."


def forge_entry(db) -> int:
    """Append one entry with a correct link and hash, as someone with the key can."""
    con = raw(db)
    last = log_rows(con)[-1]
    row = {k: last[k] for k in COLUMNS}
    row.update(username="admin", action="view", person_id=1, what="person", details=None)
    row["prev_hash"] = last["hash"]
    row["hash"] = forged_hash(last["hash"], row)
    names = list(row)
    con.execute(
        f"INSERT INTO audit_log ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        list(row.values()),
    )
    con.close()
    return last["id"] + 1


def test_a_forged_entry_appended_is_caught(db, admin):
    add_people(db)
    forged = forge_entry(db)
    with db.reading() as s:
        assert log_review.verify_chain(s, anchors=[]).ok  # its link and hash are right
    report = verify(db)
    assert not report.ok and report.broken_at == forged
    assert "utanför programmet" in report.problem


def test_a_forged_entry_stays_caught_after_more_work(db, admin):
    add_people(db)
    forged = forge_entry(db)
    add_people(db, 2)
    report = verify(db)
    assert not report.ok and report.broken_at == forged
    assert f"Posterna {forged}–{forged} lades till i loggen utanför programmet" in report.problem


def test_a_backup_manifest_anchors_the_log_when_the_anchor_file_is_gone(db, admin):
    add_people(db)
    made = backups.backup_now(db)
    manifest = json.loads((made.path.parent / (made.path.name + ".manifest.json")).read_text())
    with db.reading() as s:
        head = audit.chain_head(s)
    assert manifest["log"]["last_id"] == head.last_id and manifest["log"]["hash"] == head.hash
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    con.execute("DELETE FROM audit_log WHERE id > ?", (head.last_id - 3,))
    con.close()
    audit.anchor_path(db.path).unlink()  # the forger removes the anchor beside the database
    report = verify(db)
    assert not report.ok and report.anchor.source == made.path.name + ".manifest.json"
    assert "i slutet av loggen har tagits bort" in report.problem


def test_a_failed_commit_after_the_anchor_is_no_false_alarm(db, admin):
    add_people(db)
    with pytest.raises(RuntimeError), db.session() as s:
        audit.record(s, audit.Action.VIEW, person_id=1, what="person")
        s.flush()
        s.commit()  # anchors this entry ...
        raise RuntimeError
    with db.session() as s:
        audit.record(s, audit.Action.VIEW, person_id=1, what="person")
    assert verify(db).ok
    # The same anchored head, but the transaction never reached the file.
    con = raw(db)
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    with db.reading() as s:
        head = audit.chain_head(s)
    anchor = json.loads(audit.anchor_path(db.path).read_text())
    anchor["previous"] = anchor["log"]
    anchor["log"] = {**anchor["log"], "last_id": head.last_id + 1, "hash": "f" * 64}
    anchor["previous"] = {**anchor["previous"], "last_id": head.last_id, "hash": head.hash}
    audit.anchor_path(db.path).write_text(json.dumps(anchor))
    con.close()
    assert verify(db).ok


def test_a_restore_starts_the_anchor_afresh_and_is_logged(db, admin):
    add_people(db)
    made = backups.backup_now(db)
    add_people(db, 2)
    backups.restore_into(db, made.path)
    report = verify(db)
    assert report.ok, report.problem
    with db.reading() as s:
        rows = log_review.review_rows(s, log_review.LogFilter(action="restore"))
    assert [(r[1], r[2]) for r in rows] == [("admin", "Säkerhetskopia återläst")]


def test_only_an_administrator_verifies_or_reads_the_head(db, admin):
    add_people(db, 1)
    for role in (Role.COORDINATOR, Role.STATISTICS):
        db.user = User(99, "x", "X", role)
        with db.reading() as s, pytest.raises(AccessDenied):
            log_review.verify_chain(s)
        with db.reading() as s, pytest.raises(AccessDenied):
            audit.chain_head(s)


def test_the_head_text_names_count_id_and_checksum(db, admin):
    add_people(db, 1)
    with db.reading() as s:
        head = audit.chain_head(s)
    text = audit.head_text(head)
    assert f"{head.entries} poster, sista post {head.last_id}" in text and head.hash in text
