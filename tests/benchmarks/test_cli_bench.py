"""Speed of a whole `finsam lots summary --year` process (run with -m benchmark).

    QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s tests/benchmarks/test_cli_bench.py

The command, from starting Python to its last line, is timed next to the floor: a
Python process that opens the same file with sqlite3 and does one GROUP BY over the
year's lotsärenden. Both are started the same number of times, in turns; the best of
each counts (wall time, and CPU time of the child, which the shared machine disturbs
less), with Python's bytecode cache in use, as installed. Then one run with -X importtime shows where the command's own time goes, by
top-level package. Issue 13's goal: ≤ 2×.

CLI_BENCH_N sets the number of participants of the demo database (default 100,000);
CLI_BENCH_DB keeps the generated file between runs.
"""

from __future__ import annotations

import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.benchmarks.bench_helpers import demo_database

pytestmark = pytest.mark.benchmark

N = int(os.environ.get("CLI_BENCH_N", "100000"))
ROOT = Path(__file__).resolve().parents[2]
RUNS = 5

FLOOR = (
    "import sqlite3, sys\n"
    "con = sqlite3.connect(sys.argv[1])\n"
    "rows = con.execute('SELECT municipality_id, gender, count(*) FROM lots_case "
    "WHERE received BETWEEN ? AND ? GROUP BY municipality_id, gender', sys.argv[2:4]).fetchall()\n"
    "print(sum(n for *_k, n in rows))\n"
)
CLI = "import sys; from finsam_desktop.cli import main; sys.exit(main())"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    kept = os.environ.get("CLI_BENCH_DB")
    if kept and Path(kept).exists():
        return Path(kept)
    db = demo_database(tmp_path_factory, "persons", N)
    path = db.path
    db.close()
    if kept:
        Path(kept).write_bytes(path.read_bytes())
        return Path(kept)
    return path


def child_env() -> dict[str, str]:
    """The source tree first; Python's bytecode cache used (and written by the first
    run) even where the environment turns it off, as an installed wheel or the bundle
    carry it: otherwise every run of the command compiles the program's sources."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FINSAM_DB": ""}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its standard output."""
    env = child_env()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


def import_shares(argv: list[str]) -> Counter:
    """Milliseconds of import time (each module's own) by top-level package."""
    env = child_env()
    out = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]], capture_output=True, text=True, env=env
    )
    shares: Counter = Counter()
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)", line)
        if m:
            shares[m.group(2).split(".")[0]] += int(m.group(1)) / 1000
    return shares


def test_lots_summary_process_against_sqlite3(db_path):
    with sqlite3.connect(db_path) as con:
        (last,) = con.execute("SELECT max(received) FROM lots_case").fetchone()
    year = int(str(last)[:4]) if last else 2026
    cli = [sys.executable, "-c", CLI, "--db", str(db_path), "lots", "summary", "--year", str(year)]
    floor = [sys.executable, "-c", FLOOR, str(db_path), f"{year}-01-01", f"{year}-12-31"]
    results: dict[str, list[tuple[float, float]]] = {"cli": [], "floor": []}
    timed(cli)  # writes the bytecode cache
    for _ in range(RUNS):
        wall, cpu, out = timed(cli)
        results["cli"].append((wall, cpu))
        assert str(year) in out
        wall, cpu, cases = timed(floor)
        results["floor"].append((wall, cpu))
    cli_wall, floor_wall = (min(w for w, _c in results[k]) for k in ("cli", "floor"))
    cli_cpu, floor_cpu = (min(c for _w, c in results[k]) for k in ("cli", "floor"))
    print(
        f"\nfinsam lots summary --year {year} ({int(cases)} lotsärenden, {N:,} persons): "
        f"{cli_wall:.2f} s wall / {cli_cpu:.2f} s CPU; python + sqlite3 GROUP BY "
        f"{floor_wall:.2f} s / {floor_cpu:.2f} s -> {cli_wall / floor_wall:.1f}x wall, "
        f"{cli_cpu / floor_cpu:.1f}x CPU (goal <= 2x)"
    )
    shares = import_shares(cli)
    total = sum(shares.values())
    print(f"imports of the command: {total:.0f} ms; by package:")
    for name, ms in shares.most_common(8):
        print(f"{name:>24}: {ms:7.1f} ms ({ms / total:.0%})")
