"""A page far down a list is read by its rows' ids first (``ListQuery.page``, issue 14 §6:
the rows before it are skipped without the joins the page shows). It holds the same rows
in the same order as the whole list read at once, in every list, sorted by each of its
columns (ascending and descending by turns), searched and filtered, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.services import listing
from finsam_desktop.services.referral_list import DUE_WAITING, STATUS_OPEN
from tests.services.test_list_null_order import every_list


@pytest.fixture
def deep_from_the_second_row(monkeypatch):
    """Every page from the second row on is a deep one."""
    monkeypatch.setattr(listing, "DEEP_OFFSET", 1)


def assert_pages_are_slices(query, name, sort_index, descending, text="", filters=None):
    whole = query.page(None, None, sort_index, descending, text, filters)
    for offset in (1, len(whole) // 2):
        page = query.page(offset, 5, sort_index, descending, text, filters)
        expected = whole[offset : offset + 5]
        assert page == expected, (name, sort_index, descending, text, filters, offset)


def test_a_deep_page_is_the_slice_of_the_whole_list(demo_db, deep_from_the_second_row):
    with demo_db.session() as s:  # persons without a home municipality: NULL sort values
        ids = s.scalars(PersonRow.__table__.select().with_only_columns(PersonRow.id).limit(3))
        s.execute(update(PersonRow).where(PersonRow.id.in_(list(ids))).values(municipality_id=None))
    tried = 0
    for name, query in every_list(demo_db).items():
        sortable = [None] + [i for i, c in enumerate(query.columns) if c.sort is not None]
        for n, index in enumerate(sortable):  # each column, ascending and descending by turns
            assert_pages_are_slices(query, name, index, n % 2 == 1)
            tried += 1
        if query.search is not None:
            assert_pages_are_slices(query, name, sortable[-1], False, "a")
    assert tried > 40
    # The Remisser list's search reads the person, its contact filter the participation,
    # its sort by name the person: the ids come from the whole list's joins then.
    from finsam_desktop.services.persons import person_list
    from finsam_desktop.services.referral_list import referral_list

    referrals = referral_list(demo_db)
    keys = [c.key for c in referrals.columns]
    with demo_db.reading() as s:
        staff_id = s.scalar(select(ParticipationRow.contact_person_id).limit(1))
    assert staff_id is not None
    for text, filters in [
        ("a", None),
        ("19", None),
        ("", {"status": STATUS_OPEN}),
        ("", {"due": DUE_WAITING}),
        ("a", {"status": STATUS_OPEN}),
        ("", {"contact_person_id": staff_id}),
    ]:
        for sort in ("name", "days_left"):
            assert_pages_are_slices(
                referrals, "referral_list", keys.index(sort), False, text, filters
            )
    persons = person_list(demo_db)
    for text in ("a", "19"):
        assert_pages_are_slices(persons, "person_list", 3, True, text, {"municipality_id": 1})
