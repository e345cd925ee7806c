"""The key file under attack from many copies of the program and from damage.

- Eight processes log in, fail logins, create accounts, change passwords and
  deactivate accounts on one database and its key file at the same time; afterwards
  every change a process reported as done is in the key file, and it parses.
- A failed login never writes the key file; unknown usernames are throttled too,
  in a separate, bounded file.
- A damaged key file falls back to its previous version; with both gone, the
  recovery key alone opens the database and the key file is rebuilt.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from finsam_desktop.db import keys, safe_file
from finsam_desktop.db.keys import KeyFile, WrongSecret, sidecar_path
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import accounts, signin
from finsam_desktop.services.access import Role
from finsam_desktop.services.signin import SignInRefused

pytestmark = pytest.mark.sqlite_only(reason="the key file beside an encrypted database file")


PASSWORD = "correct horse 42"
PROCESSES = 8
ROUNDS = 4
SECONDS = 15  # each process stops starting new rounds after this

CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from finsam_desktop.services import accounts, signin
    from finsam_desktop.services.access import Role

    path, me, rounds, budget = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    ADMIN_PW = sys.argv[5]

    def report(**what):
        print(json.dumps(what), flush=True)

    def again(fn, *args):
        # Eight writers on two cores: the database's write lock can be busy for longer
        # than its timeout. The user would press Save again; so does this process.
        from sqlalchemy.exc import OperationalError
        for attempt in range(20):
            try:
                return fn(*args)
            except OperationalError as exc:
                if "locked" not in str(exc):
                    raise
        raise RuntimeError("database locked 20 times")

    def create(name, first):
        with admin_db.session() as s:
            return accounts.create_user(s, name, "Test Person", Role.COORDINATOR, first, first)

    def change(name, first, second):
        db, u = signin.log_in(path, name, first)
        try:
            with db.session() as s:
                accounts.change_own_password(s, first, second, second)
        finally:
            db.close()

    def deactivate(user_id):
        with admin_db.session() as s:
            accounts.deactivate(s, user_id)

    admin_db, admin = signin.log_in(path, "admin", ADMIN_PW)
    admin_db.user = admin
    report(op="ready")
    while not os.path.exists(path + ".go"):  # all eight start together
        time.sleep(0.01)
    deadline = time.time() + budget
    previous = None
    for n in range(rounds):
        if time.time() > deadline:
            break
        name = f"p{me}r{n}"
        first, second = f"first-password-{me}-{n}", f"second-password-{me}-{n}"
        user = again(create, name, first)
        report(op="created", user=name, id=user.id, password=first)
        try:
            signin.log_in(path, name, "not the password")
            report(op="error", what="a wrong password opened the key")
        except signin.SignInRefused:
            report(op="refused", user=name)
        try:
            signin.log_in(path, f"nobody-{me}-{n}", "whatever password")
        except signin.SignInRefused:
            pass
        again(change, name, first, second)
        report(op="changed", user=name, old=first, password=second)
        if previous is not None:
            again(deactivate, previous[1])
            report(op="deactivated", user=previous[0], id=previous[1])
        previous = (name, user.id)
    admin_db.close()
    report(op="done")
    """
)


@pytest.fixture
def fast_kdf(monkeypatch):
    """Many processes on a shared two-core machine: the cheap KDF for the test only."""
    monkeypatch.setenv(keys.FAST_KDF_VARIABLE, "1")


def _start(tmp_path):
    started = signin.first_start(tmp_path / "finsam.sqlite", "admin", "Anna", PASSWORD, PASSWORD)
    started.db.close()
    return started


def test_eight_processes_change_the_key_file_at_once_and_nothing_is_lost(tmp_path, fast_kdf):
    started = _start(tmp_path)
    path = started.db.path
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(i), str(ROUNDS), str(SECONDS), PASSWORD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    for child in children:
        assert json.loads(child.stdout.readline())["op"] == "ready"
    begun = time.monotonic()
    (tmp_path / "finsam.sqlite.go").touch()
    reports: list[dict] = []
    for child in children:
        out, err = child.communicate(timeout=SECONDS + 60)
        assert child.returncode == 0, err[-2000:]
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines and lines[-1]["op"] == "done"
        reports += lines
    elapsed = time.monotonic() - begun
    assert not [r for r in reports if r["op"] == "error"]

    data = json.loads(sidecar_path(path).read_text())  # the file parses
    assert data["format"] == keys.FORMAT
    keyfile = KeyFile(path)
    ids = keyfile.user_ids()
    created = {r["user"]: r for r in reports if r["op"] == "created"}
    changed = {r["user"]: r for r in reports if r["op"] == "changed"}
    deactivated = {r["user"]: r for r in reports if r["op"] == "deactivated"}
    assert len(created) >= PROCESSES, "the processes hardly ran"
    assert deactivated
    for name, made in created.items():
        if name in deactivated:
            assert made["id"] not in ids, f"{name}: deactivation undone"
            with pytest.raises(WrongSecret):
                keyfile.unlock(name, changed.get(name, made)["password"])
            continue
        assert made["id"] in ids, f"{name}: new account lost"
        if name in changed:
            unlocked = keyfile.unlock(name, changed[name]["password"])
            assert unlocked.keys == [started.db.key], f"{name}: password change lost"
            with pytest.raises(WrongSecret):
                keyfile.unlock(name, changed[name]["old"])
    assert started.user.id in ids
    # Nothing is left lying about: no temporary files of the atomic writes.
    assert safe_file.leftover_temp_files(sidecar_path(path)) == []
    print(
        f"\n8-process key file test: {PROCESSES} processes, {len(created)} accounts created, "
        f"{len(changed)} passwords changed, {len(deactivated)} deactivated, "
        f"{sum(r['op'] == 'refused' for r in reports)} failed logins, {elapsed:.1f} s"
    )


def test_a_failed_login_never_writes_the_key_file(tmp_path):
    started = _start(tmp_path)
    path = started.db.path
    before = sidecar_path(path).stat().st_mtime_ns, sidecar_path(path).read_bytes()
    for username in ("admin", "nobody", "admin"):
        with pytest.raises(SignInRefused):
            signin.log_in(path, username, "wrong password")
    after = sidecar_path(path).stat().st_mtime_ns, sidecar_path(path).read_bytes()
    assert before == after
    attempts = json.loads(keys.attempts_path(path).read_text())
    assert len(attempts["pending"]) == 3
    assert "admin" not in keys.attempts_path(path).read_text()
    db, _user = signin.log_in(path, "admin", PASSWORD)
    db.close()
    assert json.loads(keys.attempts_path(path).read_text())["pending"] == []


def test_unknown_usernames_wait_too_and_the_attempts_file_stays_small(tmp_path, fast_kdf):
    started = _start(tmp_path)
    path = started.db.path
    for _attempt in range(keys.FREE_ATTEMPTS):
        with pytest.raises(SignInRefused, match="Fel användarnamn"):
            signin.log_in(path, "gissning", "wrong password")
    with pytest.raises(SignInRefused, match="Försök igen om"):
        signin.log_in(path, "gissning", "wrong password")
    attempts = keys.Attempts(path)
    for n in range(keys.MAX_ATTEMPT_ENTRIES + 40):
        attempts.failed(f"lookup-{n}", None, time.time())
    data = json.loads(keys.attempts_path(path).read_text())
    assert len(data["names"]) == keys.MAX_ATTEMPT_ENTRIES
    assert "lookup-0" not in data["names"]  # the oldest went first


@pytest.mark.parametrize("damage", [b"", b'{"format": 2, "pepp', b"\x00\xff garbage"])
def test_a_damaged_key_file_falls_back_to_its_previous_version(tmp_path, damage):
    started = _start(tmp_path)
    path = started.db.path
    db, admin = signin.log_in(path, "admin", PASSWORD)
    db.user = admin
    with db.session() as s:  # a change, so that a previous version is kept
        accounts.create_user(s, "kalle", "Kalle", Role.COORDINATOR, PASSWORD, PASSWORD)
    db.close()
    assert safe_file.previous_path(sidecar_path(path)).exists()
    sidecar_path(path).write_bytes(damage)
    db, user = signin.log_in(path, "admin", PASSWORD)  # from the previous version
    assert user.username == "admin"
    db.close()


@pytest.mark.parametrize("damage", [None, b"", b"{not json", b"\x00" * 300])
def test_the_recovery_key_alone_opens_and_rebuilds_the_key_file(tmp_path, damage):
    started = _start(tmp_path)
    path = started.db.path
    db, admin = signin.log_in(path, "admin", PASSWORD)
    db.user = admin
    with db.session() as s:
        accounts.create_user(s, "kalle", "Kalle Exempel", Role.COORDINATOR, PASSWORD, PASSWORD)
    db.close()
    for candidate in (sidecar_path(path), safe_file.previous_path(sidecar_path(path))):
        if damage is None:
            candidate.unlink()
        else:
            candidate.write_bytes(damage)
    assert signin.database_state(path) is signin.DatabaseState.ENCRYPTED
    problem = signin.key_file_problem(path)
    assert "återställningsnyckeln" in problem and "återställ-nycklar" in problem
    with pytest.raises(signin.KeyFileMissing, match="återställningsnyckeln"):
        signin.log_in(path, "admin", PASSWORD)
    with pytest.raises(SignInRefused):
        signin.recover_with_recovery_key(
            path,
            "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
            "admin",
            "new-password-1",
            "new-password-1",
        )
    with pytest.raises(ValidationError):
        signin.recover_with_recovery_key(
            path, started.recovery_key, "kalle", "new-password-1", "new-password-1"
        )
    recovered = signin.recover_with_recovery_key(
        path, started.recovery_key, "admin", "new-password-1", "new-password-1"
    )
    assert recovered.rebuilt and recovered.need_new_password == ["Kalle Exempel"]
    db, admin = signin.log_in(path, "admin", "new-password-1")
    with db.reading() as s:
        kalle = next(u for u in accounts.list_users(s) if u.username == "kalle")
    assert kalle.must_change_password
    # The administrator gives Kalle a temporary password; Kalle can log in again.
    with db.session() as s:
        accounts.reset_password(s, kalle.id, "temporary-pw-1", "temporary-pw-1")
    db.close()
    db, user = signin.log_in(path, "kalle", "temporary-pw-1")
    assert user.must_change_password
    db.close()


def test_an_account_entry_edited_by_hand_is_a_refusal_not_a_traceback(tmp_path):
    started = _start(tmp_path)
    path = started.db.path
    data = json.loads(sidecar_path(path).read_text())
    for entry in data["accounts"].values():
        del entry["private"]
    sidecar_path(path).write_text(json.dumps(data))
    with pytest.raises(SignInRefused, match="Fel användarnamn"):
        signin.log_in(path, "admin", PASSWORD)
