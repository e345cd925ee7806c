"""An interrupted first start never locks everyone out (issue 9 §2).

A helper process with the program imported forks a child per round that runs
``signin.first_start`` — on a new database, or converting a plain one with data —
and the test kills the child with SIGKILL after a random delay anywhere in the
first start. Then, as the next start would, it looks at the folder:

- NEW (new database) or PLAIN (conversion) with the original data: the old state;
- ENCRYPTED: the administrator logs in with the password, the key derived from the
  recovery key opens the database as well, the data is all there, and the key file
  asks for a new recovery key (the first may never have been shown).

Never anything else: no encrypted file that no account can open, no traceback.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from finsam_desktop.db import keys
from finsam_desktop.db.engine import raw_connect
from finsam_desktop.db.keys import key_from_recovery_key, sidecar_path
from finsam_desktop.db.migrate import open_database
from finsam_desktop.services import demo, signin
from finsam_desktop.services.signin import DatabaseState

pytestmark = pytest.mark.sqlite_only(reason="the first start's staging file, key file and rename")


ROUNDS = 100  # 70 new databases, 30 conversions
PASSWORD = "correct horse 42"

SERVER = textwrap.dedent(
    r"""
    import os, sys, traceback
    from finsam_desktop.services import signin

    real = signin.new_recovery_key

    def noted():
        key = real()
        with open(os.environ["KEY_NOTE"], "w") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        return key

    signin.new_recovery_key = noted
    # Warm up (imports, Alembic's scripts) so that each forked child only does the work.
    warm = sys.argv[1] + "/warm.sqlite"
    os.environ["KEY_NOTE"] = sys.argv[1] + "/warm.txt"
    signin.first_start(warm, "admin", "Anna", "warm-up password", "warm-up password").db.close()
    print("ready", flush=True)
    for line in sys.stdin:
        path, note, password = line.rstrip("\n").split("\t")
        os.environ["KEY_NOTE"] = note
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                started = signin.first_start(path, "admin", "Anna", password, password)
                started.db.close()
            except BaseException:
                traceback.print_exc()
                code = 1
            os._exit(code)
        print(pid, flush=True)
        _pid, status = os.waitpid(pid, 0)
        print(status, flush=True)
    """
)


def _persons(path, key=None) -> int:
    con = raw_connect(path, key)
    try:
        return con.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        con.close()


def _reset(folder):
    for item in folder.iterdir():
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()


@pytest.mark.slow
def test_sigkill_during_first_start_leaves_the_old_or_the_complete_new_state(tmp_path):
    template = tmp_path / "template.sqlite"
    plain = open_database(template)
    demo.fill(plain, participants=8, lots=3)
    plain.close()
    persons = _persons(template)
    folder = tmp_path / "office"
    folder.mkdir()
    path = folder / "finsam.sqlite"
    note = tmp_path / "recovery-key.txt"

    env = dict(os.environ, **{keys.FAST_KDF_VARIABLE: "1"})
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    rng = random.Random(20261201)
    outcomes = {"old": 0, "new": 0, "finished": 0}
    begun = time.monotonic()
    span = None
    try:
        for round_no in range(ROUNDS + 1):
            _reset(folder)
            note.unlink(missing_ok=True)
            converting = round_no % 10 >= 7
            if converting:
                shutil.copyfile(template, path)
            started = time.monotonic()
            server.stdin.write(f"{path}\t{note}\t{PASSWORD}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            if span is None:  # round 0: measure a whole first start, kill nothing
                status = int(server.stdout.readline())
                assert status == 0
                span = (time.monotonic() - started) * 1.1
            else:
                # Every other kill aims at the end, where the key file and rename happen.
                time.sleep(rng.uniform(0, span) if round_no % 2 else rng.uniform(0.5 * span, span))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                status = int(server.stdout.readline())
            assert status in (0, signal.SIGKILL), f"round {round_no}: the first start failed"

            state = signin.database_state(path)  # what the next start sees (and tidies)
            if state is not DatabaseState.ENCRYPTED:
                assert state is (DatabaseState.PLAIN if converting else DatabaseState.NEW)
                assert status != 0, f"round {round_no}: finished but not encrypted"
                if converting:
                    assert _persons(path) == persons, f"round {round_no}: data lost"
                assert not sidecar_path(path).exists(), f"round {round_no}: stray key file"
                outcomes["old"] += 1
                continue
            db, user = signin.log_in(path, "admin", PASSWORD)
            try:
                assert user.username == "admin"
                assert key_from_recovery_key(note.read_text()) == db.key
                assert _persons(path, db.key) == (persons if converting else 0)
                if round_no:
                    # The recovery key was perhaps never shown: the admin is asked again.
                    assert signin.needs_new_recovery_key(db)
            finally:
                db.close()
            leftovers = [
                p.name
                for p in folder.iterdir()
                if p.name.endswith(".tmp") or ".creating" in p.name or ".encrypting" in p.name
            ]
            assert not leftovers, f"round {round_no}: {leftovers}"
            outcomes["finished" if status == 0 else "new"] += 1
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    elapsed = time.monotonic() - begun
    print(
        f"\nfirst-start kill test: {ROUNDS} rounds killed at random (span {span:.2f} s), "
        f"old state {outcomes['old']}, complete new state {outcomes['new']}, "
        f"finished before the kill {outcomes['finished']}, {elapsed:.1f} s"
    )
    # The kills really hit both sides: before the key file (old state) and after it.
    assert outcomes["old"] and outcomes["new"] + outcomes["finished"] > 1
