"""How a list finds its rows on a server (issue 14 §6) never changes which rows it shows:

- a count leaves out the outer joins to a table by its primary key that nothing reads
  (``listing._without_lookups``): every list's count is the number of rows its whole
  list holds, searched and filtered or not;
- a page sorted by a column of a looked-up table (a person's home municipality) is read
  group by group on PostgreSQL (``ListQuery._by_lookup``), and a narrow search's page by
  its sorted ids first: each page is the slice of the whole list, across the groups'
  edges, ascending and descending, with rows that have no municipality (NULL).
On SQLite the same assertions hold the plain statements to the same rows."""

from __future__ import annotations

from sqlalchemy import update

from finsam_desktop.db.models import PersonRow
from finsam_desktop.services import listing
from finsam_desktop.services.persons import person_list
from finsam_desktop.services.referral_list import STATUS_OPEN, referral_list
from tests.services.test_list_null_order import every_list


def without_municipality(db, n: int = 3) -> None:
    with db.session() as s:
        ids = s.scalars(PersonRow.__table__.select().with_only_columns(PersonRow.id).limit(n))
        s.execute(update(PersonRow).where(PersonRow.id.in_(list(ids))).values(municipality_id=None))


def test_every_lists_count_is_the_number_of_its_rows(demo_db):
    without_municipality(demo_db)
    counted = 0
    for name, query in every_list(demo_db).items():
        for text in ("", "a", "19"):
            if text and query.search is None:
                continue
            whole = query.page(None, None, text=text)
            assert query.count(text) == len(whole), (name, text)
            counted += bool(whole)
    persons = person_list(demo_db)
    for municipality in (1, 2):
        chosen = {"municipality_id": municipality}
        assert persons.count("", chosen) == len(persons.page(None, None, filters=chosen))
    assert counted > 20


def assert_every_page_is_a_slice(query, sort_index, text="", filters=None, matches=None):
    for descending in (False, True):
        whole = query.page(None, None, sort_index, descending, text, filters)
        assert whole, (sort_index, text, filters)
        for limit in (1, 4, 7):
            for offset in range(0, len(whole) + 1, 3):
                page = query.page(offset, limit, sort_index, descending, text, filters, matches)
                expected = whole[offset : offset + limit]
                assert page == expected, (sort_index, descending, text, filters, offset, limit)


def test_pages_sorted_by_the_home_municipality_are_slices_of_the_whole_list(demo_db):
    without_municipality(demo_db)
    persons = person_list(demo_db)
    by_municipality = [c.key for c in persons.columns].index("municipality")
    assert_every_page_is_a_slice(persons, by_municipality)
    assert_every_page_is_a_slice(persons, by_municipality, "a")
    assert_every_page_is_a_slice(persons, by_municipality, "", {"municipality_id": 2})
    referrals = referral_list(demo_db)
    keys = [c.key for c in referrals.columns]
    for key in ("municipality", "party"):
        assert_every_page_is_a_slice(referrals, keys.index(key))
        assert_every_page_is_a_slice(referrals, keys.index(key), "", {"status": STATUS_OPEN})


def test_a_narrow_searchs_pages_are_slices_of_the_whole_list(demo_db):
    from sqlalchemy import func, select

    from finsam_desktop.db.referral_models import ReferralRow

    referrals = referral_list(demo_db)
    keys = [c.key for c in referrals.columns]
    with demo_db.reading() as s:
        case_number = s.scalar(select(func.min(ReferralRow.case_number)))
        number = s.scalar(
            select(PersonRow.personnummer).join(ReferralRow, ReferralRow.person_id == PersonRow.id)
        )
    # A case number's year and first digits (a case number search), a name, a birth date.
    for text in (case_number[:-2], "a", number[:8]):
        matches = referrals.count(text)
        assert 0 < matches <= listing.NARROW_MATCHES, text
        for key in ("days_left", "name", "case_number"):
            assert_every_page_is_a_slice(referrals, keys.index(key), text, None, matches)
