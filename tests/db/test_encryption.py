"""Encryption at rest: the file reveals nothing, keys are wrapped per account."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select

from finsam_desktop.db import keys
from finsam_desktop.db.keys import KeyFile, key_from_recovery_key, sidecar_path
from finsam_desktop.db.migrate import is_plain_sqlite, open_database
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import accounts, demo, signin
from finsam_desktop.services.access import Role
from finsam_desktop.services.signin import DatabaseState, SignInRefused

pytestmark = pytest.mark.sqlite_only(reason="SQLCipher encryption of the file and its key file")


PASSWORD = "correct horse 42"


@pytest.fixture
def started(tmp_path):
    result = signin.first_start(tmp_path / "finsam.sqlite", "Admin", "Anna", PASSWORD, PASSWORD)
    yield result
    result.db.close()


def names_in(db, limit=20) -> list[str]:
    with db.reading() as s:
        rows = s.execute(select(PersonRow.last_name, PersonRow.personnummer).limit(limit)).all()
    return [r.last_name for r in rows] + [r.personnummer for r in rows]


def test_the_first_start_leaves_only_the_databases_own_files(started, tmp_path):
    """The staging file's access-log anchor moves with it: nothing named .creating stays."""
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not [n for n in names if ".creating" in n or ".encrypting" in n or n.endswith(".tmp")]
    assert "finsam.sqlite.logganker" in names


def test_the_log_verifies_against_its_anchor_right_after_a_first_start(started):
    from finsam_desktop.services import log_review

    with started.db.reading() as s:
        report = log_review.verify_chain(s)
    assert report.ok and report.anchor is not None
    assert report.anchor.head.last_id == report.head.last_id


def test_plain_sqlite_finds_nothing_readable(started):
    db = started.db
    demo.fill(db, participants=40)
    secrets = names_in(db)
    db.close()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        con = sqlite3.connect(db.path)
        con.execute("SELECT name FROM sqlite_master").fetchall()
    raw = b"".join(
        p.read_bytes() for p in db.path.parent.iterdir() if p.name.startswith("finsam.sqlite")
    )
    assert b"SQLite format 3" not in raw
    for text in secrets + ["Anna", "admin", "CREATE TABLE"]:
        assert text.encode() not in raw, text
    assert not is_plain_sqlite(db.path)


def test_sidecar_holds_no_username_or_key(started):
    text = sidecar_path(started.db.path).read_text()
    data = json.loads(text)
    assert "admin" not in text and started.db.key.hex() not in text
    assert len(data["accounts"]) == 1 and data["derived"] and "recovery" not in data
    # The key the recovery key stands for is the database's key.
    assert key_from_recovery_key(started.recovery_key) == started.db.key


def test_login_with_password_and_refusal(started):
    path = started.db.path
    started.db.close()
    assert signin.database_state(path) is DatabaseState.ENCRYPTED
    with pytest.raises(SignInRefused):
        signin.log_in(path, "admin", "wrong password")
    db, user = signin.log_in(path, "ADMIN", PASSWORD)
    assert user.role is Role.ADMIN and db.user == user
    with db.reading() as s:
        actions = list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))
    db.close()
    # The failure happened while the file was closed; it is in the log all the same.
    assert actions[-2:] == ["login_failed", "login"]


def test_five_failures_make_the_account_wait(started):
    path = started.db.path
    for _attempt in range(5):
        with pytest.raises(SignInRefused):
            signin.log_in(path, "admin", "wrong password")
    with pytest.raises(SignInRefused, match="Försök igen om"):
        signin.log_in(path, "admin", PASSWORD)


OLD_KDF = {"t": 3, "m": 65536, "p": 4}  # what the key files of earlier versions hold


def wrap_params(path) -> list[dict]:
    data = json.loads(sidecar_path(path).read_text())
    return [{k: e["private"][k] for k in "tmp"} for e in data["accounts"].values()]


def test_the_key_derivation_meets_owasp_and_old_key_files_still_open(tmp_path, monkeypatch):
    """argon2id at least as strong as the OWASP Password Storage Cheat Sheet asks (19 MiB,
    2 passes, 1 lane); a key file wrapped with the parameters of earlier versions opens,
    and the login wraps the account's private key again with the current parameters
    (the key pair and the sealed database key stay, so the database still opens)."""
    monkeypatch.delenv(keys.FAST_KDF_VARIABLE, raising=False)
    current = keys.kdf_params()
    assert current["m"] >= 19 * 1024 and current["t"] >= 2 and current["p"] >= 1
    assert current != OLD_KDF
    path = tmp_path / "finsam.sqlite"
    monkeypatch.setattr(keys, "KDF_PARAMS", OLD_KDF)
    started = signin.first_start(path, "Admin", "Anna", PASSWORD, PASSWORD)
    started.db.close()
    assert wrap_params(path) == [OLD_KDF]
    public = json.loads(sidecar_path(path).read_text())["accounts"]
    monkeypatch.undo()
    monkeypatch.delenv(keys.FAST_KDF_VARIABLE, raising=False)

    db, user = signin.log_in(path, "admin", PASSWORD)  # the old wrap opens
    key = db.key
    db.close()
    assert user.role is Role.ADMIN
    assert wrap_params(path) == [current]  # and was wrapped again with the new parameters
    after = json.loads(sidecar_path(path).read_text())["accounts"]
    assert [e["public"] for e in after.values()] == [e["public"] for e in public.values()]
    assert [e["sealed"] for e in after.values()] == [e["sealed"] for e in public.values()]
    with pytest.raises(SignInRefused):
        signin.log_in(path, "admin", "wrong password")
    db, _user = signin.log_in(path, "admin", PASSWORD)
    assert db.key == key
    db.user = _user
    with db.session() as s:  # a new account's key is sealed with the new parameters
        accounts.create_user(s, "kalle", "Kalle", Role.COORDINATOR, PASSWORD, PASSWORD)
    db.close()
    assert wrap_params(path) == [current, current]


def test_one_key_derivation_per_login(started, monkeypatch):
    """The password is stretched once per login: the private key's wrap (argon2id)."""
    path = started.db.path
    started.db.close()
    signin.log_in(path, "admin", PASSWORD)[0].close()  # wrapped with today's parameters
    calls = []
    derive = keys._derive
    monkeypatch.setattr(keys, "_derive", lambda *a: calls.append(a[2]) or derive(*a))
    db, _user = signin.log_in(path, "admin", PASSWORD)
    db.close()
    assert len(calls) == 1


def test_accounts_get_their_own_wrap_and_password_change_rewraps(started):
    db = started.db
    db.user = started.user
    with db.session() as s:
        kalle = accounts.create_user(s, "kalle", "Kalle", Role.COORDINATOR, PASSWORD, PASSWORD)
    db.close()
    db2, user = signin.log_in(db.path, "kalle", PASSWORD)
    with db2.session() as s:
        accounts.change_own_password(s, PASSWORD, "a-new-password", "a-new-password")
    db2.close()
    with pytest.raises(SignInRefused):
        signin.log_in(db.path, "kalle", PASSWORD)
    db3, _user = signin.log_in(db.path, "kalle", "a-new-password")
    db3.close()
    db4, admin = signin.log_in(db.path, "admin", PASSWORD)
    with db4.session() as s:
        accounts.deactivate(s, kalle.id)
    db4.close()
    assert kalle.id not in KeyFile(db.path).user_ids()
    with pytest.raises(SignInRefused):
        signin.log_in(db.path, "kalle", "a-new-password")


def test_recovery_key_opens_and_sets_a_new_admin_password(started):
    path = started.db.path
    started.db.close()
    with pytest.raises(SignInRefused):
        signin.open_with_recovery_key(path, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    typed = started.recovery_key.lower().replace("-", " ")
    db = signin.open_with_recovery_key(path, typed)
    with db.session() as s:
        accounts.recover_account(s, "admin", "recovered-pass-1", "recovered-pass-1")
    db.close()
    db, _user = signin.log_in(path, "admin", "recovered-pass-1")
    db.close()


def test_plain_database_is_converted_in_place_after_a_backup(tmp_path):
    path = tmp_path / "finsam.sqlite"
    plain = open_database(path)
    demo.fill(plain, participants=30)
    before = names_in(plain, limit=30)
    plain.close()
    assert signin.database_state(path) is DatabaseState.PLAIN
    started = signin.first_start(path, "admin", "Anna", PASSWORD, PASSWORD)
    assert names_in(started.db, limit=30) == before
    started.db.close()
    assert not is_plain_sqlite(path) and not is_plain_sqlite(started.backup)
    backup = open_database(started.backup, key=started.db.key)
    assert names_in(backup, limit=30) == before
    backup.close()
    assert not [p.name for p in tmp_path.iterdir() if ".encrypting" in p.name]
    assert started.plain_copies == []


def test_older_plain_backups_are_pointed_out_after_encryption(tmp_path):
    path = tmp_path / "finsam.sqlite"
    open_database(path).close()
    (tmp_path / "backups").mkdir()
    old = tmp_path / "backups" / "finsam.backup-20260101-120000.sqlite"
    sqlite3.connect(old).execute("CREATE TABLE t(x)").connection.close()
    started = signin.first_start(path, "admin", "Anna", PASSWORD, PASSWORD)
    started.db.close()
    assert started.plain_copies == [old]


def test_demo_database_is_encrypted_with_three_demo_accounts(tmp_path):
    path = tmp_path / "demo.sqlite"
    demo.create_demo_database(path, participants=10)
    for username, _name, role in signin.DEMO_ACCOUNTS:
        db, user = signin.log_in(path, username, signin.DEMO_PASSWORD)
        assert user.role is role
        db.close()
    assert not is_plain_sqlite(path)


def test_bad_first_account_creates_nothing(tmp_path):
    path = tmp_path / "finsam.sqlite"
    with pytest.raises(ValidationError) as exc:
        signin.first_start(path, "admin", "Anna", "short", "short")
    assert "password" in exc.value.problems
    assert not path.exists() and not sidecar_path(path).exists()


def test_a_reset_password_opens_the_file_and_must_be_changed(started):
    db = started.db
    db.user = started.user
    with db.session() as s:
        kalle = accounts.create_user(s, "kalle", "Kalle", Role.COORDINATOR, PASSWORD, PASSWORD)
        accounts.reset_password(s, kalle.id, "temporary-pw-1", "temporary-pw-1")
        with pytest.raises(ValidationError):
            accounts.set_role(s, started.user.id, Role.COORDINATOR, started.user.version)
    db.close()
    with pytest.raises(SignInRefused):
        signin.log_in(db.path, "kalle", PASSWORD)
    db2, user = signin.log_in(db.path, "kalle", "temporary-pw-1")
    assert user.must_change_password
    db2.close()


def test_two_copies_of_the_program_do_not_lose_each_others_wraps(started):
    key = started.db.key
    first, second = KeyFile(started.db.path), KeyFile(started.db.path)
    first.set_password(key, 50, "kalle", PASSWORD)
    second.set_password(key, 51, "olle", PASSWORD)  # second had read the file before
    again = KeyFile(started.db.path)
    assert {started.user.id, 50, 51} <= again.user_ids()
    assert again.unlock("kalle", PASSWORD).keys == [key]
