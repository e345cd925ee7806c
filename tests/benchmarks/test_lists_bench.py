"""How the Deltagare list feels with 100,000 persons: count, first page, sort, search.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_lists_bench.py

Each figure is the best of five runs on the demo generator's data.
"""

import pytest
from PySide6.QtCore import Qt

from finsam_desktop.services import persons
from finsam_desktop.ui.widgets.table_model import LazyTableModel
from tests.benchmarks.bench_helpers import best_of, demo_database, print_figures

pytestmark = pytest.mark.benchmark
N = 100_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    db = demo_database(tmp_path_factory, "persons", N)
    yield db
    db.close()


def test_person_list_stays_instant(big_db, qapp):
    model = LazyTableModel(persons.person_list(big_db))
    figures = {
        "open (count)": best_of(model.refresh),
        "first screen": best_of(lambda: (model.refresh(), model.index(0, 1).data())),
        "scroll to the middle": best_of(lambda: (model.refresh(), model.index(N // 2, 1).data())),
        "sort by last name": best_of(
            lambda: (model.sort(1, Qt.SortOrder.DescendingOrder), model.index(0, 1).data())
        ),
        "sort by municipality": best_of(lambda: (model.sort(3), model.index(0, 1).data())),
        "search 'åsa'": best_of(
            lambda: (model.set_search(""), model.set_search("åsa"), model.index(0, 1).data())
        ),
        "search by number": best_of(
            lambda: (model.set_search(""), model.set_search("19800"), model.index(0, 1).data())
        ),
    }
    assert model.rowCount() > 0
    print_figures(figures)
    assert max(figures.values()) < 0.5
