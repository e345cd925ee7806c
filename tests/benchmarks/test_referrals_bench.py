"""The Remisser list at 100,000 referrals: count, first page, sort, filter, search.

Run with: pytest -m benchmark -s tests/benchmarks/test_referrals_bench.py
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from finsam_desktop.services import demo
from finsam_desktop.services.demo.referrals import fill_referrals
from finsam_desktop.services.referral_list import DUE_SOON, STATUS_OPEN, referral_list

TODAY = date(2026, 11, 22)
COUNT = 100_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    from finsam_desktop.db.migrate import open_database

    db = open_database(tmp_path_factory.mktemp("bench") / "bench.sqlite")
    started = time.perf_counter()
    with db.session() as session:
        ids = demo.create_organisation(session)
    municipality_ids = [v for k, v in ids.items() if k.startswith("m:")]
    rows = demo.person_rows(COUNT, municipality_ids)
    from sqlalchemy import insert

    from finsam_desktop.db.models import PersonRow

    with db.session() as session:
        for i in range(0, len(rows), 10_000):
            session.execute(insert(PersonRow), rows[i : i + 10_000])
    made = fill_referrals(db, COUNT, TODAY)
    print(f"\ngenerated {made} referrals in {time.perf_counter() - started:.1f} s")
    assert made == COUNT
    yield db
    db.close()


def timed(label: str, fn, limit: float):
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<42} {elapsed * 1000:8.1f} ms")
    assert elapsed < limit, f"{label} took {elapsed:.2f} s"
    return result


@pytest.mark.benchmark
def test_referral_list_is_instant_at_100k(big_db):
    query = referral_list(big_db, lambda: TODAY)
    cols = [c.key for c in query.columns]
    assert timed("count all", lambda: query.count(), 0.5) == COUNT
    timed("first page (200 rows)", lambda: query.page(0, 200), 0.3)
    timed("page in the middle (offset 50,000)", lambda: query.page(50_000, 200), 0.5)
    for key in ("name", "arrived", "municipality", "party", "contact", "days_left", "status"):
        index = cols.index(key)
        timed(f"sort by {key}, first page", lambda i=index: query.page(0, 200, i), 0.8)
        timed(f"sort by {key} desc, first page", lambda i=index: query.page(0, 200, i, True), 0.8)
    filters = {
        "status open": {"status": STATUS_OPEN},
        "municipality": {"municipality_id": 2},
        "party": {"party_id": 1},
        "contact person": {"contact_person_id": 1},
        "answer due soon": {"due": DUE_SOON},
    }
    for label, chosen in filters.items():
        n = timed(f"filter {label}: count", lambda c=chosen: query.count("", c), 0.6)
        timed(
            f"filter {label}: page ({n} rows)",
            lambda c=chosen: query.page(0, 200, None, False, "", c),
            0.6,
        )
    for text in ("Åsa", "övningström", "19850", "R2025-0001"):
        n = timed(f"search {text!r}: count", lambda t=text: query.count(t), 0.6)
        timed(
            f"search {text!r}: page ({n} rows)", lambda t=text: query.page(0, 200, 2, False, t), 0.6
        )


@pytest.mark.benchmark
def test_remisser_page_is_instant_at_100k(big_db, qtbot, tmp_path):
    """The same through the real page: build it, sort, filter and search via the model."""
    from PySide6.QtCore import QSettings, Qt

    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.referrals import ReferralsPage
    from finsam_desktop.ui.widgets.forms import set_choice

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    ctx = AppContext(big_db, OperationRunner(big_db), settings)
    page = timed("build the Remisser page", lambda: ReferralsPage(ctx), 1.0)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    timed("show and paint the first rows", lambda: (page.show(), qtbot.wait(1)), 1.0)
    model = page.panel.model
    assert model.rowCount() == COUNT
    name = [c.key for c in page.query.columns].index("name")
    timed(
        "sort by name (click the header)",
        lambda: page.panel.view.sortByColumn(name, Qt.SortOrder.AscendingOrder),
        0.8,
    )
    timed("filter: open referrals", lambda: set_choice(page.filters["status"], STATUS_OPEN), 0.8)
    timed("search 'Åsa' as typed", lambda: model.set_search("Åsa"), 0.8)
    timed("scroll to the last row", lambda: page.panel.view.scrollToBottom(), 0.8)
