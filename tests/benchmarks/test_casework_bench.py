"""How case work feels with 100,000 participants: Översikt (everything due, caseload,
my participants) and the case list, and opening one case.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_casework_bench.py

The demo generator gives 100,000 persons; two in three are referred, most of those
are enrolled, and every participation gets case content (plans, contacts, avslut).
Each figure is the best of five runs.
"""

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import func, select

from finsam_desktop.db.casework_models import CaseContactRow, CaseFileRow, PlanRevisionRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.services import casework, reminders
from finsam_desktop.ui.widgets.table_model import LazyTableModel
from tests.benchmarks.bench_helpers import best_of, demo_database, print_figures

pytestmark = pytest.mark.benchmark
N = 100_000
LIMIT_SECONDS = 0.5  # "instant" for a screen that opens on a click


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    db = demo_database(tmp_path_factory, "persons with case content", N, lots=0)
    with db.reading() as s:
        for label, model in (
            ("participations", ParticipationRow),
            ("case files", CaseFileRow),
            ("plan versions", PlanRevisionRow),
            ("journal entries", CaseContactRow),
        ):
            print(f"{label:>24}: {s.scalar(select(func.count()).select_from(model)):,}")
        open_cases = s.scalar(select(func.count()).where(ParticipationRow.status == "enrolled"))
        print(f"{'open participations':>24}: {open_cases:,}")
    yield db
    db.close()


def test_overview_stays_instant(big_db, qapp, tmp_path):
    today = date.today()
    with big_db.reading() as s:
        staff_id = s.scalar(select(ParticipationRow.contact_person_id).limit(1))

    def due(staff=None):
        with big_db.reading() as s:
            return reminders.due_items(s, today, staff)

    def load():
        with big_db.reading() as s:
            return casework.caseload(s)

    everything = due()
    figures = {
        "due, whole team": best_of(due),
        "due, one coordinator": best_of(lambda: due(staff_id)),
        "caseload": best_of(load),
    }
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview.page import OverviewPage

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("casework/staff_id", staff_id)
    ctx = AppContext(big_db, OperationRunner(big_db), settings)
    figures["Översikt page built"] = best_of(lambda: OverviewPage(ctx).deleteLater(), runs=3)
    for kind, items in everything.items():
        print(f"{kind.value:>24}: {len(items):,} due")
    print_figures(figures)
    assert figures["due, one coordinator"] < LIMIT_SECONDS
    assert figures["caseload"] < LIMIT_SECONDS


def test_case_list_and_opening_a_case(big_db, qapp):
    query = casework.participation_list(big_db)
    model = LazyTableModel(query)
    with big_db.reading() as s:
        pid, staff_id = s.execute(
            select(ParticipationRow.id, ParticipationRow.contact_person_id)
            .where(ParticipationRow.status == "enrolled")
            .limit(1)
        ).one()

    def open_case():
        with big_db.reading() as s:
            casework.get_participation(s, pid)
            casework.timeline(s, pid)

    figures = {
        "open (count)": best_of(model.refresh),
        "first screen": best_of(lambda: (model.refresh(), model.index(0, 0).data())),
        "scroll to the middle": best_of(
            lambda: (model.refresh(), model.index(model.rowCount() // 2, 0).data())
        ),
        "sort by name": best_of(
            lambda: (model.sort(0, Qt.SortOrder.DescendingOrder), model.index(0, 0).data())
        ),
        "sort by end date": best_of(lambda: (model.sort(5), model.index(0, 0).data())),
        "search 'åsa'": best_of(
            lambda: (model.set_search(""), model.set_search("åsa"), model.index(0, 0).data())
        ),
        "my open cases": best_of(
            lambda: (
                model.set_filter("staff_id", None),
                model.set_filter("staff_id", staff_id),
                model.set_filter("status", "enrolled"),
                model.index(0, 0).data(),
            )
        ),
        "open one case + timeline": best_of(open_case),
    }
    print(f"\n{'cases':>24}: {query.count():,}")
    print_figures(figures)
    assert figures["first screen"] < LIMIT_SECONDS
    assert figures["open one case + timeline"] < LIMIT_SECONDS
