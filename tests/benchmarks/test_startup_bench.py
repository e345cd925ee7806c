"""How soon the program shows something, each figure against a baseline of the same run.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_startup_bench.py

Both run the real program (``app.run``) in a new process (tests/startup_probe.py):

- *start → login painted*, against a bare PySide6 QMainWindow process shown the same
  way (what no Qt program can beat): the ratio is the figure (goal ≤ 2×).
- *"Logga in" → main window painted* on the encrypted 100,000-participant demo
  database (goal ≤ 0.3 s), pressed once the login's warm-up is done (as when a person
  types the password). The baseline is unlocking the key file alone in this process
  (one argon2id derivation, deliberately slow: the part no login can skip). Also
  shown: until the first page (Översikt, built after the window is on the screen) is
  painted.

Python's bytecode cache is used (as by an installed wheel or the bundle), also where
the environment turns it off; the first of the runs writes it.

The 100k database takes minutes to make; ``FINSAM_BENCH_LOGIN_DB=/path/demo.sqlite``
reuses one made by ``demo.create_demo_database(path, participants=100_000)``.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest

from tests.startup_probe import expect, start_bare, start_program

pytestmark = pytest.mark.benchmark
N = 100_000
RUNS = 5


def painted_after(start) -> float:
    began = time.perf_counter()
    child = start()
    try:
        expect(child, "window-painted")
    finally:
        child.wait(timeout=60)
    return time.perf_counter() - began


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    from finsam_desktop.services import demo

    path = tmp_path_factory.mktemp("startup") / "demo.sqlite"
    demo.create_demo_database(path, participants=60)
    return path


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    given = os.environ.get("FINSAM_BENCH_LOGIN_DB")
    if given:
        return Path(given)
    from finsam_desktop.services import demo

    path = tmp_path_factory.mktemp("startup") / "big.sqlite"
    began = time.perf_counter()
    demo.create_demo_database(path, participants=N)
    print(f"\ndemo data, {N} participants, encrypted: {time.perf_counter() - began:.1f} s")
    return path


def test_the_login_is_painted_within_twice_a_bare_window(small_db, tmp_path):
    bare, login = [], []
    for _ in range(RUNS):  # interleaved: both see the same load on the machine
        bare.append(painted_after(lambda: start_bare(tmp_path, bytecode=True)))
        began = time.perf_counter()
        child = start_program("login", small_db, tmp_path, bytecode=True)
        try:
            heavy = expect(child, "login-painted")
        finally:
            child.wait(timeout=60)
        login.append(time.perf_counter() - began)
        assert heavy == ""
    ratio = min(login) / min(bare)
    print(
        f"\nstart → login painted: best {min(login):.3f} s (median {statistics.median(login):.3f}),"
        f" bare QMainWindow best {min(bare):.3f} s (median {statistics.median(bare):.3f});"
        f" ratio {ratio:.2f}× (goal ≤ 2×)"
    )
    assert ratio < 3


def test_log_in_paints_the_main_window_at_once_at_100k(big_db, tmp_path):
    from finsam_desktop.db.keys import KeyFile
    from finsam_desktop.services.signin import DEMO_PASSWORD, DEMO_USERNAME

    def unlock():
        began = time.perf_counter()
        KeyFile(big_db).unlock(DEMO_USERNAME, DEMO_PASSWORD)
        return time.perf_counter() - began

    window, page, kdf = [], [], []
    for _ in range(RUNS):
        kdf.append(unlock())
        child = start_program("window", big_db, tmp_path, bytecode=True)
        try:
            expect(child, "login-painted")
            expect(child, "ready")
            pressed = time.perf_counter()
            child.stdin.write("\n")
            child.stdin.flush()
            expect(child, "window-painted")
            window.append(time.perf_counter() - pressed)
            expect(child, "page-painted")
            page.append(time.perf_counter() - pressed)
        finally:
            child.wait(timeout=120)
    best = min(window)
    print(
        f"\n'Logga in' → main window painted, {N} participants: best {best:.3f} s"
        f" (median {statistics.median(window):.3f}); unlocking the key file alone"
        f" (Argon2id) best {min(kdf):.3f} s: ratio {best / min(kdf):.2f}×,"
        f" {best - min(kdf):.3f} s beyond the key derivation (goal: window ≤ 0.3 s)"
        f"\n  … until Översikt is painted: best {min(page):.3f} s"
        f" (median {statistics.median(page):.3f})"
    )
    # Since issue 13 the derivation is argon2id at OWASP's setting (19 MiB, 2 passes,
    # ~40 ms), so the ratio to it grew while both shrank: the bound is on the work
    # beyond it (1.27 s under load before issue 13, 0.39 s after).
    assert best - min(kdf) < 1.0
