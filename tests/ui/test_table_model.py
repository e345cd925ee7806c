"""The lazy table model, tested without any view: it pages, sorts and filters in SQL."""

from PySide6.QtCore import Qt

from finsam_desktop.services import persons
from finsam_desktop.services.demo import fill
from finsam_desktop.ui.widgets import table_model
from finsam_desktop.ui.widgets.table_model import LazyTableModel


def test_it_counts_once_and_fetches_pages_on_demand(db, qapp, monkeypatch):
    fill(db, participants=1000)
    query = persons.person_list(db)
    calls = []
    original = query.page
    monkeypatch.setattr(query, "page", lambda *a, **k: calls.append(a[0]) or original(*a, **k))
    model = LazyTableModel(query)
    assert model.rowCount() == 1000
    assert calls == []
    model.index(5, 1).data()
    model.index(999, 1).data()
    assert calls == [0, 800] and table_model.PAGE_SIZE == 200


def test_sorting_and_search_go_to_sql(db, qapp):
    fill(db, participants=300)
    model = LazyTableModel(persons.person_list(db))
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 1).data() == "Övningström"
    model.set_search("åsa")
    assert 0 < model.rowCount() < 300
    assert all(model.index(r, 2).data() == "Åsa" for r in range(model.rowCount()))
    model.set_search("")
    assert model.rowCount() == 300


def test_headers_are_translated_and_ids_ride_along(demo_db, qapp):
    model = LazyTableModel(persons.person_list(demo_db))
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Personnummer"
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == model.id_at(0)
    assert model.row_of_id(model.id_at(3)) == 3


def test_no_sort_indicator_means_insertion_order(demo_db, qapp):
    model = LazyTableModel(persons.person_list(demo_db))
    first_id = model.id_at(0)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.sort(-1)
    assert model.id_at(0) == first_id


def test_sorting_reorders_without_counting_again(demo_db, qapp, monkeypatch):
    query = persons.person_list(demo_db)
    counts = []
    original = query.count
    monkeypatch.setattr(query, "count", lambda *a, **k: counts.append(1) or original(*a, **k))
    model = LazyTableModel(query)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.sort(-1)
    assert len(counts) == 1, "a count of 100,000 rows costs tens of ms: once is enough"
    model.set_search("åsa")
    assert len(counts) == 2
