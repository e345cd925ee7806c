"""A role and a deactivation are encryption boundaries (issue 9 §4): changing the key.

- Deactivating an account re-keys the database: an old key file plus the old password
  of the deactivated account (or a password since changed) no longer opens it.
- "Byt databasnyckel" gives a new recovery key; the old one no longer opens the
  current file, while an old backup keeps its old key.
- Another running copy of the program follows the change without a new login.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from finsam_desktop.db import keys
from finsam_desktop.db.backup import backup_file
from finsam_desktop.db.engine import raw_connect
from finsam_desktop.db.keys import KeyFile, key_from_recovery_key, sidecar_path
from finsam_desktop.db.security_models import UserRow
from finsam_desktop.services import accounts, database_key, signin
from finsam_desktop.services.access import AccessDenied, Role
from finsam_desktop.services.signin import SignInRefused

pytestmark = pytest.mark.sqlite_only(reason="SQLCipher re-keying of the file")


PASSWORD = "correct horse 42"


def _opens(path, key) -> bool:
    try:
        raw_connect(path, key).close()
    except Exception:  # noqa: BLE001 - sqlcipher3.DatabaseError: not this key
        return False
    return True


@pytest.fixture
def office(tmp_path):
    started = signin.first_start(tmp_path / "finsam.sqlite", "admin", "Anna", PASSWORD, PASSWORD)
    db = started.db
    with db.session() as s:
        kalle = accounts.create_user(s, "kalle", "Kalle", Role.COORDINATOR, PASSWORD, PASSWORD)
        accounts.create_user(s, "olle", "Olle", Role.COORDINATOR, PASSWORD, PASSWORD)
    yield started, kalle
    db.close()


def test_deactivation_changes_the_key_so_an_old_key_file_opens_nothing(office, tmp_path):
    started, kalle = office
    db, path = started.db, started.db.path
    old_keyfile = tmp_path / "stolen.keys"
    shutil.copyfile(sidecar_path(path), old_keyfile)
    old_key = db.key
    user, new = database_key.deactivate(db, kalle.id)
    assert not user.active and new is not None
    assert db.key != old_key and db.key == key_from_recovery_key(new.recovery_key)
    assert not _opens(path, old_key)
    assert not _opens(path, key_from_recovery_key(started.recovery_key))
    # Kalle's old sealed key, opened with his password from the stolen key file:
    stolen = tmp_path / "copy.sqlite"
    shutil.copyfile(old_keyfile, sidecar_path(stolen))
    unlocked = KeyFile(stolen).unlock("kalle", PASSWORD)
    assert unlocked.keys == [old_key]
    assert not _opens(path, unlocked.keys[0])
    with pytest.raises(SignInRefused):
        signin.log_in(path, "kalle", PASSWORD)
    # Everybody else still gets in, without having given a password to the re-key.
    other, _user = signin.log_in(path, "olle", PASSWORD)
    assert other.key == db.key
    other.close()
    assert signin.needs_new_recovery_key(db)
    database_key.recovery_key_printed(db)
    assert not signin.needs_new_recovery_key(db)


def test_change_database_key_keeps_old_backups_on_their_old_key(office, tmp_path):
    started, _kalle = office
    db = started.db
    old_key = db.key
    backup = backup_file(db.path, tmp_path / "backups" / "before.sqlite", key=old_key)
    new = database_key.change_database_key(db)
    assert _opens(db.path, key_from_recovery_key(new.recovery_key))
    assert _opens(backup, key_from_recovery_key(started.recovery_key))  # the old paper
    assert not _opens(backup, db.key)
    with db.reading() as s:
        assert len(accounts.list_users(s)) == 3  # the data is all there


def test_another_running_copy_follows_the_change_of_key(office):
    started, _kalle = office
    path = started.db.path
    other, olle = signin.log_in(path, "olle", PASSWORD)
    try:
        before = other.key
        database_key.change_database_key(started.db)
        with other.reading() as s:  # the next session of the other copy just works
            assert s.scalar(select(UserRow.id).where(UserRow.username == "kalle"))
        assert other.key != before and other.key == started.db.key
    finally:
        other.close()


def test_only_an_administrator_changes_the_key(office):
    started, _kalle = office
    other, _olle = signin.log_in(started.db.path, "olle", PASSWORD)
    try:
        with pytest.raises(AccessDenied):
            database_key.change_database_key(other)
    finally:
        other.close()


def test_a_password_change_makes_a_new_key_pair(office):
    started, kalle = office
    path = started.db.path
    before = KeyFile(path)
    entry = next(e for e in before.data["accounts"].values() if e["user_id"] == kalle.id)
    db, _user = signin.log_in(path, "kalle", PASSWORD)
    with db.session() as s:
        accounts.change_own_password(s, PASSWORD, "another-password", "another-password")
    db.close()
    after = KeyFile(path)
    changed = next(e for e in after.data["accounts"].values() if e["user_id"] == kalle.id)
    assert changed["public"] != entry["public"]


def test_a_crash_between_sealing_and_rekey_leaves_both_keys_usable(office):
    started, _kalle = office
    db = started.db
    old, new = db.key, keys.new_database_key()
    db.keyfile.begin_rekey(old, new)  # ... and the program dies before PRAGMA rekey
    db.close()
    again, _user = signin.log_in(db.path, "olle", PASSWORD)
    assert again.key == old
    again.close()
    admin_db, _admin = signin.log_in(db.path, "admin", PASSWORD)
    assert signin.needs_new_recovery_key(admin_db)  # the admin is asked to finish it
    admin_db.close()


def test_a_database_from_before_format_2_keeps_working_and_moves_to_a_derived_key(tmp_path):
    """Format 1: a random key, AES-wrapped per account and under the recovery key."""
    import json
    import secrets

    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.keys import _b64, _wrap, lookup_hash, normalise_recovery_key
    from finsam_desktop.db.migrate import upgrade

    path = tmp_path / "old.sqlite"
    key, recovery = keys.new_database_key(), keys.new_recovery_key()
    db = Database(path, key=key)
    upgrade(db)
    with db.session() as s:
        admin = accounts.create_user(s, "admin", "Anna", Role.ADMIN, PASSWORD, PASSWORD)
    db.close()
    pepper = secrets.token_bytes(16)
    lookup = lookup_hash(pepper, "admin")
    sidecar_path(path).write_text(
        json.dumps(
            {
                "format": 1,
                "pepper": _b64(pepper),
                "wraps": {
                    lookup: {
                        **_wrap(key, PASSWORD, lookup),
                        "user_id": admin.id,
                        "failures": 0,
                        "wait_until": 0.0,
                    }
                },
                "pending_failures": [],
                "recovery": _wrap(key, normalise_recovery_key(recovery), "recovery"),
            }
        )
    )
    opened = signin.open_with_recovery_key(path, recovery)  # the old paper still works
    assert opened.key == key
    opened.close()
    db, _user = signin.log_in(path, "admin", PASSWORD)
    assert db.key == key
    assert "legacy" not in next(iter(KeyFile(path).data["accounts"].values()))
    assert signin.needs_new_recovery_key(db)  # not derived: the admin is asked to re-key
    new = database_key.change_database_key(db)
    assert db.key == key_from_recovery_key(new.recovery_key) and KeyFile(path).derived
    db.close()
    again, _user = signin.log_in(path, "admin", PASSWORD)
    again.close()
