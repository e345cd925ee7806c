"""Nothing lost: the program is killed (SIGKILL) while it writes, again and again.

A child process writes one small transaction after another (a person and a setting
in the same transaction) and prints each id once its commit has returned. The
parent kills it at a random moment, then checks that the file passes
``integrity_check``, that every id the child reported is there, and that no
transaction is half there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from finsam_desktop.db.engine import raw_connect
from finsam_desktop.db.migrate import open_database, upgrade

pytestmark = pytest.mark.sqlite_only(
    reason="SIGKILL while writing the SQLite file (WAL, journal); on a server the server's own durability answers"
)


ROUNDS = 30

CHILD = textwrap.dedent(
    """
    import os, sys
    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.models import PersonRow, SettingRow

    key = bytes.fromhex(os.environ["KEY"]) if os.environ.get("KEY") else None
    db = Database(sys.argv[1], key=key)
    start = int(sys.argv[2])
    print("ready", flush=True)
    n = start
    while True:
        n += 1
        with db.session() as s:
            s.add(PersonRow(id=n, personnummer=f"T{n:011d}", first_name="Test",
                            last_name="Kill", name_key="kill test"))
            s.add(SettingRow(key=f"kill-{n}", value={"n": n, "pad": "x" * 2000}))
        print(n, flush=True)
    """
)


def _rows(path, key) -> tuple[str, set[int], set[int]]:
    con = raw_connect(path, key)
    try:
        (check,) = con.execute("PRAGMA integrity_check").fetchone()
        persons = {r[0] for r in con.execute("SELECT id FROM person")}
        settings = {
            int(r[0].split("-")[1])
            for r in con.execute("SELECT key FROM setting WHERE key LIKE 'kill-%'")
        }
    finally:
        con.close()
    return check, persons, settings


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "sqlcipher"])
def test_sigkill_while_writing_never_loses_a_committed_change(tmp_path, encrypted):
    key = None
    if encrypted:
        pytest.importorskip("sqlcipher3")
        from finsam_desktop.db.engine import Database
        from finsam_desktop.db.keys import new_database_key

        key = new_database_key()
        path = tmp_path / "kill.sqlite"
        db = Database(path, key=key)
        upgrade(db)
    else:
        path = tmp_path / "kill.sqlite"
        db = open_database(path)
    db.close()
    env = dict(os.environ, KEY=key.hex() if key else "")
    rng = random.Random(20261122)
    reported: set[int] = set()
    started = time.monotonic()
    rounds = ROUNDS // 2  # each of the two parametrised runs does half the rounds
    for round_no in range(rounds):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(round_no * 1_000_000)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        # Kill only once it really writes (a loaded machine may take a while to commit).
        first = int(child.stdout.readline())
        time.sleep(rng.uniform(0.02, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        reported |= {first} | {int(x) for x in out.split()}

        check, persons, settings = _rows(path, key)
        assert check == "ok", f"round {round_no}: {check}"
        missing = reported - persons
        assert not missing, f"round {round_no}: committed ids lost: {sorted(missing)[:5]}"
        assert persons == settings, f"round {round_no}: a transaction is half there"
    elapsed = time.monotonic() - started
    print(
        f"\nkill test ({'sqlcipher' if encrypted else 'plain'}): {rounds} rounds, "
        f"{len(reported)} committed transactions checked, {elapsed:.1f} s"
    )
    assert len(reported) >= rounds  # the child really was writing when it was killed
