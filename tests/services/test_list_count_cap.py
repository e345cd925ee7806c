"""A search is counted up to a cap (issue 13: the Remisser keystroke): every list's capped
count is the exact count up to COUNT_CAP and COUNT_CAP + 1 past it, and a page is the
same whichever way the count let it be read (narrow, walking the sort order, plain)."""

from __future__ import annotations

import pytest

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
