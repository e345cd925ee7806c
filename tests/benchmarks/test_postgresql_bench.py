"""Issue 14 §6: the list, Översikt, lots and statistics measures at 100,000 participants
on PostgreSQL, each within 1.5× of the same service calls on SQLite in the same run (a
measure's total; its calls are printed one by one, with the median and those over).

    FINSAM_BENCH_DB=/tmp/demo100k.sqlite FINSAM_BENCH_PG_URL=$(scripts/pg_cluster.sh start D) \\
        .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_postgresql_bench.py

Both databases hold the same rows (server_bench.py, server_copy.py: the demo file copied to
the server and ANALYZEd). The server is on 127.0.0.1 and the program connects as the
database's owner role. Each call runs on the two engines in turn, round after round; a
figure is the fastest round (wall clock: the server does its work in another process).
A measure made of several calls (the lists) is the sum of their fastest rounds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from statistics import median

import pytest
from server_bench import *  # noqa: F403 (the fixtures of the two databases)

pytestmark = pytest.mark.benchmark

GOAL = 1.5
TODAY = date(2026, 11, 22)
PAGE = 200  # ui/widgets/table_model.PAGE_SIZE
# Rounds of each call (its fastest kept): the calls of a few ms to a tenth of a second
# vary by a third from one round to the next on a shared 2-core machine, and three
# rounds of Översikt gave ratios 1.3-1.8 for the same code; more rounds, steadier minima.
LIST_ROUNDS, OVERVIEW_ROUNDS = 9, 12

Call = Callable[[object], object]  # a Database -> whatever the service returns


def _timed(fn, db) -> float:
    import time

    start = time.perf_counter()
    fn(db)
    return time.perf_counter() - start


def measure(engines: dict, calls: dict[str, Call], rounds: int) -> dict[str, dict[str, float]]:
    """{call: {engine: fastest seconds}}: each call on each engine once per round, the
    engines alternating so the machine's load falls on both alike."""
    for fn in calls.values():  # warm: connections, compiled statements, page caches
        for db in engines.values():
            fn(db)
    best: dict[str, dict[str, float]] = {name: {} for name in calls}
    for _ in range(rounds):
        for name, fn in calls.items():
            for engine, db in engines.items():
                t = _timed(fn, db)
                best[name][engine] = min(best[name].get(engine, t), t)
    return best


def report(title: str, best: dict[str, dict[str, float]]) -> float:
    """Prints each call and the total on both engines, and for a measure of several
    calls the median call and the calls over the goal; returns the total's ratio (issue
    14 §6: each measure within 1.5× of the file's)."""
    load = os.getloadavg()[0]
    print(f"\n{title} (load {load:.2f} on {os.cpu_count()} cores)")
    print(f"{'':>34} {'SQLite':>9} {'PostgreSQL':>11} {'ratio':>7}")
    for name, figures in best.items():
        lite, pg = figures["SQLite"], figures["PostgreSQL"]
        print(f"{name:>34} {lite * 1000:7.1f}ms {pg * 1000:9.1f}ms {pg / lite:6.2f}×")
    lite = sum(f["SQLite"] for f in best.values())
    pg = sum(f["PostgreSQL"] for f in best.values())
    ratio = pg / lite
    print(f"{'total':>34} {lite * 1000:7.1f}ms {pg * 1000:9.1f}ms {ratio:6.2f}×  (goal ≤ {GOAL}×)")
    if len(best) > 2:
        # The total hides a call that is slow on one engine only: the typical call too.
        ratios = sorted(f["PostgreSQL"] / f["SQLite"] for f in best.values())
        print(f"{'median of the calls':>34} {'':>9} {'':>11} {median(ratios):6.2f}×")
    over = [n for n, f in best.items() if f["PostgreSQL"] / f["SQLite"] > GOAL]
    print(
        f"{'calls over the goal':>34} {len(over)} of {len(best)}  (uptime {os.getloadavg()[0]:.2f})"
    )
    return ratio


def test_lists(both_engines):
    """The Deltagare and Remisser lists as the lazy table reads them: a count (of a search,
    up to the cap) and a page of 200, sorted, searched and filtered."""
    calls = list_calls(both_engines)
    ratio = report(
        "Lists at 100,000 persons and referrals", measure(both_engines, calls, LIST_ROUNDS)
    )
    assert ratio <= GOAL


def test_lists_as_a_coordinator(coordinator_engines):
    """The same lists as a coordinator working in the demo's insats: on the server the
    account's own role, under row-level security."""
    calls = list_calls(coordinator_engines)
    best = measure(coordinator_engines, calls, LIST_ROUNDS)
    ratio = report("Lists as a coordinator (row-level security on the server)", best)
    assert ratio <= GOAL


def list_calls(both_engines) -> dict[str, Call]:
    from finsam_desktop.services import persons
    from finsam_desktop.services.referral_list import DUE_SOON, STATUS_OPEN, referral_list

    person_lists = {e: persons.person_list(db) for e, db in both_engines.items()}
    referral_lists = {e: referral_list(db, lambda: TODAY) for e, db in both_engines.items()}
    engine_of = {id(db): e for e, db in both_engines.items()}

    def people(fn):
        return lambda db: fn(person_lists[engine_of[id(db)]])

    def referrals(fn):
        return lambda db: fn(referral_lists[engine_of[id(db)]])

    def searched(text, sort=None, filters=None):
        # As the window's table (ui/widgets/table_model.py): a search counted up to the
        # cap, the list's filters alone exactly; then the first page, told that count.
        def run(q):
            n = q.count(text, filters, capped=bool(text.strip()))
            return q.page(0, PAGE, sort, False, text, filters, n)

        return run

    def columns(q):
        return [c.key for c in q.columns]

    rq = referral_lists["SQLite"]
    days_left, name = columns(rq).index("days_left"), columns(rq).index("name")
    calls: dict[str, Call] = {
        "persons: count + first page": people(lambda q: (q.count(), q.page(0, PAGE))),
        "persons: page at 50,000": people(lambda q: q.page(50_000, PAGE)),
        "persons: by last name desc": people(lambda q: q.page(0, PAGE, 1, True)),
        "persons: by municipality": people(lambda q: q.page(0, PAGE, 3)),
        "persons: search 'åsa'": people(searched("åsa")),
        "persons: search '19800'": people(searched("19800")),
        "referrals: opened (days left)": referrals(
            lambda q: (q.count(), q.page(0, PAGE, days_left))
        ),
        "referrals: by name": referrals(lambda q: q.page(0, PAGE, name)),
        "referrals: open ones": referrals(searched("", days_left, {"status": STATUS_OPEN})),
        "referrals: answer due soon": referrals(searched("", days_left, {"due": DUE_SOON})),
        "referrals: search 'Å'": referrals(searched("Å", days_left)),
        "referrals: search 'övningström'": referrals(searched("övningström", days_left)),
        "referrals: search '19850'": referrals(searched("19850", days_left)),
        "referrals: search 'R2025-00'": referrals(searched("R2025-00", days_left)),
    }
    return calls


def test_overview(both_engines, qapp, tmp_path):
    """The Översikt page built (everything due, the participants, the caseload, the
    coming week), and its reminders alone."""
    calls = overview_calls(both_engines, tmp_path)
    ratio = report(
        "Översikt at 100,000 participants", measure(both_engines, calls, OVERVIEW_ROUNDS)
    )
    assert ratio <= GOAL


def test_overview_as_a_coordinator(coordinator_engines, qapp, tmp_path):
    """Översikt as a coordinator working in the demo's insats (row-level security)."""
    calls = overview_calls(coordinator_engines, tmp_path, same_rows=False)
    best = measure(coordinator_engines, calls, OVERVIEW_ROUNDS)
    ratio = report("Översikt as a coordinator (row-level security on the server)", best)
    assert ratio <= GOAL


def overview_calls(both_engines, tmp_path, same_rows: bool = True) -> dict[str, Call]:
    """``same_rows``: both engines show the same rows (the owner; a coordinator sees only
    the insats's cases on the server, everything in the file)."""
    from PySide6.QtCore import QSettings
    from sqlalchemy import select

    from finsam_desktop.db.referral_models import ParticipationRow
    from finsam_desktop.services import reminders
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview.page import SHOWN_PER_KIND, OverviewPage

    contexts = {}
    for engine, db in both_engines.items():
        with db.reading() as s:
            staff_id = s.scalar(
                select(ParticipationRow.contact_person_id).order_by(ParticipationRow.id).limit(1)
            )
        settings = QSettings(str(tmp_path / f"{engine}.ini"), QSettings.Format.IniFormat)
        settings.setValue("casework/staff_id", staff_id)
        contexts[id(db)] = AppContext(db, OperationRunner(db), settings)

    def page(db):
        OverviewPage(contexts[id(db)]).deleteLater()

    def due(db):
        with db.reading() as s:
            return reminders.due_summary(s, date.today(), None, SHOWN_PER_KIND)

    found = {e: due(db) for e, db in both_engines.items()}
    assert not same_rows or {k: d.total for k, d in found["SQLite"].items()} == {
        k: d.total for k, d in found["PostgreSQL"].items()
    }
    return {"Översikt page built": page, "due_summary, whole team": due}


def test_lots_summary(both_engines):
    """The yearly lots summary (a million lotsärenden over ten years in the file)."""
    from finsam_desktop.services.lots_summary import lots_summary, year_period

    start, end = year_period(2025)

    def summary(municipality_id=None):
        def run(db):
            with db.reading() as s:
                return lots_summary(s, start, end, municipality_id)

        return run

    lite, pg = (summary()(db) for db in both_engines.values())
    assert lite.cases == pg.cases > 0
    assert [b.rows for b in lite.breakdowns] == [b.rows for b in pg.breakdowns]
    calls = {"all municipalities, 2025": summary(), "one municipality, 2025": summary(1)}
    ratio = report("Lots summary", measure(both_engines, calls, 3))
    assert ratio <= GOAL


def test_yearly_statistics(both_engines):
    """The yearly statistics report for all insatser."""
    from finsam_desktop.domain.periods import year
    from finsam_desktop.services.statistics import statistics

    period = year(date.today().year)

    def run(db):
        with db.reading() as s:
            return statistics(s, period)

    lite, pg = (run(db) for db in both_engines.values())
    assert [t.rows for t in lite.tables] == [t.rows for t in pg.tables]
    ratio = report("Yearly statistics", measure(both_engines, {"statistics, all insatser": run}, 3))
    assert ratio <= GOAL
