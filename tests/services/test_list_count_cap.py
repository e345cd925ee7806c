"""A search is counted up to a cap (issue 13: the Remisser keystroke): every list's capped
count is the exact count up to COUNT_CAP and COUNT_CAP + 1 past it, and a page is the
same whichever way the count let it be read (narrow, walking the sort order, plain)."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from finsam_desktop.db.models import PersonRow
from finsam_desktop.services import listing
from tests.services.test_list_null_order import every_list

CAP = 5


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", CAP)


def search_texts(db) -> list[str]:
    """Letters matching many and few rows, the four digits most personnummer hold and a
    whole personnummer (number searches), a case number, digits that are no number
    search, nothing at all."""
    from collections import Counter

    with db.reading() as s:
        numbers = list(
            s.scalars(PersonRow.__table__.select().with_only_columns(PersonRow.personnummer))
        )
    parts = Counter(n[i : i + 4] for n in numbers for i in range(len(n) - 3))
    common = parts.most_common(1)[0][0]
    return ["a", "e", "ös", "zzq", common, numbers[0], "R20", "19", ""]


def test_every_list_counts_exactly_up_to_the_cap_and_says_more_past_it(demo_db, capped):
    past_the_cap = set()
    for name, query in every_list(demo_db).items():
        for text in search_texts(demo_db):
            exact = query.count(text)
            assert query.count(text, capped=True) == min(exact, CAP + 1), (name, text)
            if exact > CAP:
                past_the_cap.add(name)
    assert {"referral_list", "person_list", "participation_list"} <= past_the_cap


def test_a_page_is_the_same_however_the_count_let_it_be_read(demo_db):
    for name, query in every_list(demo_db).items():
        for text in search_texts(demo_db):
            exact = query.count(text)
            sort = next((i for i, c in enumerate(query.columns) if c.sort is not None), None)
            pages = [
                [r.id for r in query.page(0, 50, sort, False, text, None, matches)]
                for matches in (None, exact, listing.NARROW_MATCHES + 1)
            ]
            # As the list reads it while typing: the capped count keeps the ids it found
            # (up to the cap) and the page reads those.
            kept = query.count(text, capped=True)
            few = bool(text) and query.search is not None and kept <= listing.COUNT_CAP
            assert (query._found is not None) == few, (name, text)
            pages.append([r.id for r in query.page(0, 50, sort, False, text, None, kept)])
            assert pages[0] == pages[1] == pages[2] == pages[3], (name, text)
            assert len(pages[0]) == min(exact, 50), (name, text)


def test_a_search_past_the_cap_by_number_is_logged_as_more_than_the_cap(demo_db, monkeypatch):
    from finsam_desktop.db.security_models import AuditRow
    from finsam_desktop.services.persons import person_list

    monkeypatch.setattr(listing, "COUNT_CAP", 4)
    query = person_list(demo_db)
    number = search_texts(demo_db)[4]  # four digits of many a personnummer
    matches = query.count(number, capped=True)
    # Past the cap, and more persons than the log names one by one.
    assert matches == 5 and query.count(number) > query.search_log.named_up_to
    query.page(0, 200, text=number, matches=matches)
    last = AuditRow.__table__.select().order_by(AuditRow.id.desc()).limit(1)
    with demo_db.reading() as s:
        entry = s.execute(last).one()
    assert (entry.what, entry.person_id, entry.details) == (
        "person-search",
        None,
        {"found_more_than": 4},
    )


def test_a_number_search_is_logged_alike_from_the_ids_its_count_kept(demo_db):
    """A page of a search whose capped count kept the ids of its matches reads the
    persons to log from those ids (issue 13: typing a whole personnummer searched every
    referral again for the log); the entries are those of a search of every row: the
    person of a whole personnummer, the persons or how many of a part of one."""
    logged_by_person = set()
    for name, query in every_list(demo_db).items():
        if query.search_log is None:  # a list that does not search the personnummer
            continue
        for number in (common_digits(query), whole_number(query)):
            matches = query.count(number, capped=True)
            assert query._found is not None, (name, number)  # the page reads the kept ids
            logged = [
                entries_written(demo_db, partial(query.page, 0, 5, text=number, matches=m))
                for m in (None, matches)
            ]
            assert logged[0] == logged[1] != [], (name, number)
            if any(person for _what, person, _details in logged[1]):
                logged_by_person.add(name)
    assert {"referral_list", "person_list"} <= logged_by_person


def whole_number(query) -> str:
    """The personnummer of the list's first row, as typed (twelve digits)."""
    column = [c.key for c in query.columns].index("personnummer")
    return query.page(0, 1)[0].values[column].replace("-", "")


def entries_written(db, read) -> list[tuple]:
    """The access log's entries ``read()`` wrote (what, person, details)."""
    from finsam_desktop.db.security_models import AuditRow

    table = AuditRow.__table__
    with db.reading() as s:
        before = s.scalar(select(func.max(table.c.id)))
    read()
    with db.reading() as s:
        rows = s.execute(table.select().where(table.c.id > before).order_by(table.c.id))
        return sorted((r.what, r.person_id or 0, str(r.details)) for r in rows)


def common_digits(query) -> str:
    """The four digits most of the list's personnummer hold."""
    from collections import Counter

    column = [c.key for c in query.columns].index("personnummer")
    numbers = [r.values[column].replace("-", "") for r in query.page(None, None)]
    parts = Counter(n[i : i + 4] for n in numbers for i in range(len(n) - 3))
    return parts.most_common(1)[0][0]


def test_a_page_of_a_number_search_is_the_start_of_its_rows_in_every_order(demo_db):
    """A page of a number search (on a server its matches found first, then sorted:
    ``listing._matches_first``) is the first rows of the same search read whole, in
    every list, by every column it sorts by, either way."""
    checked = set()
    for name, query in every_list(demo_db).items():
        number = search_texts(demo_db)[4]
        matches = query.count(number)
        if matches < 2:
            continue
        for index in [None] + [i for i, c in enumerate(query.columns) if c.sort is not None]:
            for descending in (False, True):
                whole = [r.id for r in query.page(None, None, index, descending, number)]
                page = query.page(0, 3, index, descending, number, None, matches)
                assert [r.id for r in page] == whole[:3], (name, index, descending)
                later = query.page(1, 3, index, descending, number, None, matches)
                assert [r.id for r in later] == whole[1:4], (name, index, descending)
        checked.add(name)
    assert {"referral_list", "person_list", "participation_list"} <= checked
