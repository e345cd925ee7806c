"""Issue 13, speed rows 3 and 4, on the 100,000-participant demo database:

* a keystroke in the Remisser search box (the page opens sorted by days left): the
  count and the first page, p95 over typing a name and a number and erasing them, as a
  ratio to plain sqlite3 doing the same search (count and first page by id);
* the Översikt page built, as a ratio to a bare QTreeWidget filled with as many rows
  (200 per kind) read by plain sqlite3.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_remisser_overview_bench.py
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.sorting import swedish_key
from tests.benchmarks.bench_helpers import best_of, demo_database, print_figures

pytestmark = pytest.mark.benchmark
N = 100_000
KEYSTROKE_GOAL = 0.050
OVERVIEW_GOAL = 0.150


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """``FINSAM_BENCH_DB=/path/demo.sqlite`` reuses a plain database made by
    ``demo.fill`` with 100,000 participants (it takes minutes to make)."""
    given = os.environ.get("FINSAM_BENCH_DB")
    if given:
        from finsam_desktop.db.migrate import open_database

        db = open_database(Path(given))
    else:
        db = demo_database(tmp_path_factory, "persons with case content", N, lots=0)
    yield db
    db.close()


def typed(*words: str) -> list[str]:
    """The search box's text after each keystroke: every word typed, then erased."""
    texts: list[str] = []
    for word in words:
        texts += [word[:n] for n in range(1, len(word) + 1)]
        texts += [word[:n] for n in range(len(word) - 1, -1, -1)]
    return texts


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def settled() -> None:
    """The heap as in the program once its window is up (``app.settle_the_heap``: what
    was made at start-up is left out of the collector's full passes)."""
    from finsam_desktop.app import settle_the_heap

    settle_the_heap()


def test_remisser_keystroke_p95(big_db, qapp):
    from PySide6.QtCore import Qt

    from finsam_desktop.services.referral_list import referral_list
    from finsam_desktop.ui.widgets.table_model import LazyTableModel

    query = referral_list(big_db)
    model = LazyTableModel(query)
    days_left = [c.key for c in query.columns].index("days_left")
    model.sort(days_left, Qt.SortOrder.AscendingOrder)  # as the page opens
    settled()
    texts = typed("Övningström Åsa", "19850", "R2025-00")

    def keystroke(text: str) -> None:
        model.set_search(text)
        model.index(0, 1).data()

    plain = sqlite3.connect(str(big_db.path))

    def baseline(text: str) -> None:
        # The same search by hand: the count and the first page in the table's order.
        pattern = f"%{swedish_key(text)}%"
        where = "p.name_key LIKE ?"
        digits = "".join(ch for ch in text if ch.isdigit())
        if text.upper().startswith("R") and len(digits) >= 4:
            where, pattern = "r.case_number LIKE ?", text.upper() + "%"
        elif len(digits) >= 4:
            where, pattern = "p.personnummer LIKE ?", f"%{digits}%"
        join = "FROM referral r JOIN person p ON p.id = r.person_id WHERE " + where
        plain.execute(f"SELECT count(*) {join}", (pattern,)).fetchone()
        plain.execute(
            f"SELECT r.id, r.case_number, p.last_name, p.first_name, r.answer_due {join} "
            "ORDER BY r.id LIMIT 200",
            (pattern,),
        ).fetchall()

    list_times, base_times = [], []
    for _round in range(2):
        for text in texts:
            start = time.perf_counter()
            keystroke(text)
            list_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            baseline(text)
            base_times.append(time.perf_counter() - start)
    plain.close()
    ours, base = p95(list_times), p95(base_times)
    print(f"\n{len(list_times)} keystrokes over {model.rowCount():,} referrals")
    print_figures(
        {
            "keystroke p95": ours,
            "keystroke max": max(list_times),
            "plain sqlite3 p95": base,
        }
    )
    print(f"{'ratio':>24}: {ours / base:7.1f}×  (goal ≤ {KEYSTROKE_GOAL * 1000:.0f} ms)")
    assert model.rowCount() > 1000  # the last keystroke erased the search: every referral
    # The figure to read is the ratio (the machine's load moves both); a bound that
    # still catches a CASE sorted over every match again (2.2× before issue 13).
    assert ours / base < 2.0


def test_overview_page_built(big_db, qapp, tmp_path):
    from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

    from finsam_desktop.domain.casework import ReminderKind
    from finsam_desktop.services import reminders
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview.page import SHOWN_PER_KIND, OverviewPage

    with big_db.reading() as s:
        staff_id = s.scalar(select(ParticipationRow.contact_person_id).limit(1))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("casework/staff_id", staff_id)
    ctx = AppContext(big_db, OperationRunner(big_db), settings)

    plain = sqlite3.connect(str(big_db.path))
    shown = SHOWN_PER_KIND * len(ReminderKind)
    settled()

    def baseline() -> None:
        tree = QTreeWidget()
        tree.setHeaderLabels(["a", "b", "c", "d"])
        rows = plain.execute(
            "SELECT p.first_name, p.last_name, x.planned_end, x.id FROM participation x "
            "JOIN person p ON p.id = x.person_id WHERE x.status = 'enrolled' "
            "ORDER BY x.planned_end LIMIT ?",
            (shown,),
        ).fetchall()
        plain.execute("SELECT count(*) FROM participation WHERE status = 'enrolled'").fetchone()
        group = QTreeWidgetItem(["group"])
        tree.addTopLevelItem(group)
        for first, last, end, pid in rows:
            group.addChild(QTreeWidgetItem([str(end), str(end), f"{first} {last}", str(pid)]))
        for column in range(3):
            tree.resizeColumnToContents(column)
        tree.deleteLater()

    def page() -> None:
        OverviewPage(ctx).deleteLater()

    def due() -> None:
        with big_db.reading() as s:
            reminders.due_items(s, date.today())

    figures = {
        "plain sqlite3 + tree": best_of(baseline, runs=3),
        "Översikt page built": best_of(page, runs=3),
        "due_items, whole team": best_of(due, runs=3),
        "Översikt built, CPU": best_of(page, runs=3, clock=time.process_time),
        "plain + tree, CPU": best_of(baseline, runs=3, clock=time.process_time),
    }
    plain.close()
    built = OverviewPage(ctx)
    groups = [built.due.topLevelItem(i).text(0) for i in range(built.due.topLevelItemCount())]
    built.deleteLater()
    print("\n" + "\n".join(groups))
    print_figures(figures)
    ratio = figures["Översikt page built"] / figures["plain sqlite3 + tree"]
    print(f"{'ratio':>24}: {ratio:7.1f}×  (goal ≤ {OVERVIEW_GOAL * 1000:.0f} ms)")
    assert len(groups) >= 5
    # 12–19× under load before issue 13, when every reminder was built in Python, the
    # participant list was counted three times and the open participations scanned once
    # per kind of reminder; 5–15× after (the wall clock of a shared two-core machine).
    assert ratio < 16.0
