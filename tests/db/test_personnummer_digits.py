"""A run of a personnummer's digits, searched by the indexes of its positions on a file
(migration 0022, ``db.expressions.digits_of_persons``): the same persons as the plain
substring test for every run (a birth year, a date, digits in the middle, the last four
digits, a whole number), also after numbers are changed by a bulk statement and persons
deleted; on a file found through the indexes without reading every person."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from finsam_desktop.db.expressions import (
    DIGITS_FROM,
    SERVER_DIGITS_FROM,
    contains,
    digits_of_persons,
)
from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.schema import FILE_ONLY_INDEXES

# The server's indexes of migration 0025.
SERVER_DIGIT_INDEXES = {f"ix_person_digits_from_{k}" for k in SERVER_DIGITS_FROM} | {
    "ix_person_digits_length"
}

# Fictitious numbers (birth numbers 980-999), some sharing a birth year, a date, the last
# four digits; a samordningsnummer (day + 60); one of ten digits, as an old import left it.
NUMBERS = [
    "198501019801",
    "198501029812",
    "198512319823",
    "198601019801",
    "195912319834",
    "200002299845",
    "201012249856",
    "199007619867",
    "193108199878",
    "8501019989",
]
LONGER = "1985010199876543"  # longer than a personnummer: only a file can hold it


def add_persons(db, numbers) -> None:
    with db.session() as s:
        for i, number in enumerate(numbers):
            s.execute(
                insert(PersonRow).values(
                    personnummer=number,
                    first_name="Testa",
                    last_name=f"Exempelsson{i}",
                    name_key=f"exempelsson{i} testa",
                )
            )


def runs(numbers) -> list[str]:
    """Every run of four digits or more of every number, and some that no number holds."""
    found = {n[i:j] for n in numbers for i in range(len(n)) for j in range(i + 4, len(n) + 1)}
    return sorted(found | {"0000", "9999", "1985010", "12319", "99999999", "2010122498561"})


def found_by(db, condition) -> set[int]:
    with db.reading() as s:
        return set(s.scalars(select(PersonRow.id).where(condition)))


def numbers_by_id(db) -> dict[int, str]:
    with db.reading() as s:
        return dict(s.execute(select(PersonRow.id, PersonRow.personnummer)).all())


def assert_same_as_substring(db) -> int:
    held = numbers_by_id(db)
    checked = 0
    for digits in runs(held.values()):
        expected = {i for i, n in held.items() if digits in n}
        indexed = found_by(db, digits_of_persons(PersonRow.personnummer, PersonRow.id, digits))
        assert indexed == expected, digits
        assert found_by(db, contains(PersonRow.personnummer, digits)) == expected, digits
        checked += bool(expected)
    return checked


def test_every_run_of_digits_finds_the_same_persons_as_the_substring_test(db):
    numbers = NUMBERS + ([LONGER] if not db.on_server else [])
    add_persons(db, numbers)
    assert assert_same_as_substring(db) > 100
    # Changed by one statement for many rows (as an import or the de-identification
    # would), and some deleted: the indexes follow the rows.
    with db.session() as s:
        s.execute(
            update(PersonRow)
            .where(PersonRow.personnummer.like("1985%"))
            .values(personnummer=func.replace(PersonRow.personnummer, "1985", "1979"))
        )
        s.execute(delete(PersonRow).where(PersonRow.personnummer.like("2%")))
    held = numbers_by_id(db)
    assert not any(n.startswith("1985") or n.startswith("2") for n in held.values())
    assert any(n.startswith("1979") for n in held.values())
    assert assert_same_as_substring(db) > 50
    for gone in ("200002299845", "2010122498", "19850101"):
        assert found_by(db, digits_of_persons(PersonRow.personnummer, PersonRow.id, gone)) == {
            i for i, n in held.items() if gone in n
        }


@pytest.mark.sqlite_only(reason="the indexes of the digits' positions are a file's")
def test_a_file_finds_the_digits_through_the_indexes_without_reading_every_person(db):
    from sqlalchemy.dialects import sqlite

    add_persons(db, NUMBERS)
    stmt = select(PersonRow.id).where(
        digits_of_persons(PersonRow.personnummer, PersonRow.id, "9801")
    )
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with db.reading() as s:
        plan = [row[3] for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        indexes = {
            name
            for (name,) in s.connection().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            )
        }
    assert indexes >= FILE_ONLY_INDEXES
    used = {f"ix_person_personnummer_from_{k}" for k in DIGITS_FROM}
    used |= {"ix_person_personnummer_length"}
    for name in used:
        assert any(f"INDEX {name} " in step for step in plan), (name, plan)
    assert any("sqlite_autoindex_person_1 (personnummer>? AND personnummer<?)" in p for p in plan)
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_the_server_finds_the_digits_through_the_indexes_of_its_positions(db):
    """PostgreSQL: the ranges of migration 0025's indexes (``server_digit_conditions``),
    each position read from its own index (an expression index serves only its own
    spelling: a condition spelt otherwise would read the table), not ``LIKE``."""
    from sqlalchemy.dialects import postgresql

    stmt = select(PersonRow.id).where(
        digits_of_persons(PersonRow.personnummer, PersonRow.id, "19850101")
    )
    spelt = str(stmt.compile(dialect=postgresql.dialect()))
    assert "LIKE" not in spelt and 'COLLATE "C"' in spelt
    if not db.on_server:
        return
    add_persons(db, NUMBERS)
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with db.reading() as s:
        indexes = set(
            s.scalars(
                select(text("indexname"))
                .select_from(text("pg_indexes"))
                .where(text("tablename = 'person'"))
            )
        )
        # A table of ten persons is read whole unless reading it so is made dear: each
        # condition then is a bitmap of its index, or (spelt otherwise) the table read.
        for way in ("seqscan", "indexscan", "indexonlyscan"):
            s.execute(text(f"SET LOCAL enable_{way} = off"))
        plan = [r[0].strip() for r in s.execute(text("EXPLAIN " + sql))]
    assert indexes >= SERVER_DIGIT_INDEXES
    for name in SERVER_DIGIT_INDEXES:
        assert any(f"Bitmap Index Scan on {name}  (" in step for step in plan), (name, plan)
    assert not any("Seq Scan" in step for step in plan), plan


def test_a_page_of_a_number_is_its_persons_rows_sorted_however_many_it_matches(
    demo_db, monkeypatch
):
    """The Remisser page of a number matching more rows than a narrow search (a birth
    year) is read from the persons the indexes find, its ids sorted from the lean rows:
    the same rows, in the same order, at every offset, as walking the list's order."""
    from collections import Counter

    from finsam_desktop.db.referral_models import ReferralRow
    from finsam_desktop.services import listing
    from finsam_desktop.services.referral_list import referral_list

    with demo_db.reading() as s:
        numbers = list(
            s.scalars(
                select(PersonRow.personnummer).join(
                    ReferralRow, ReferralRow.person_id == PersonRow.id
                )
            )
        )
    runs_held = Counter(n[i : i + 4] for n in numbers for i in range(len(n) - 3))
    query = referral_list(demo_db)
    days_left = [c.key for c in query.columns].index("days_left")
    exact, text = max((query.count(run), run) for run, _n in runs_held.most_common(40))
    assert exact >= 4, text
    read = []
    lean_ids = listing.ListQuery._lean_ids

    def spied(self, *args, **kwargs):
        read.append(args[0])
        return lean_ids(self, *args, **kwargs)

    monkeypatch.setattr(listing.ListQuery, "_lean_ids", spied)
    many = listing.NARROW_MATCHES + 1  # as a capped count says "more than the cap"
    for descending in (False, True):
        # Every row of the list in its order, by the plain statement (no page, no ids).
        every = query.page(None, None, days_left, descending, text)
        assert read == [], "the whole list is read by its own statement"
        for offset in (0, 1, exact - 2):
            walked = every[offset : offset + 2]
            by_persons = query.page(offset, 2, days_left, descending, text, None, many)
            assert [r.id for r in by_persons] == [r.id for r in walked], (descending, offset)
            assert read == [text], "read from the persons' lean rows"
            read.clear()
