"""The SQL whose spelling depends on the engine (db/expressions.py) gives the same answers
on SQLite and on PostgreSQL: every expression written per dialect is run here against the
database of the ``db`` fixture (a file, or the PostgreSQL test server) and held against
Python's own arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Date, literal, select

from finsam_desktop.db import expressions
from finsam_desktop.domain.casework import add_months

DAYS = [date(2024, 1, 31), date(2024, 2, 29), date(2025, 3, 31), date(2026, 12, 1)]


def values(db, expr):
    """``expr`` evaluated by the database (dates bound as the services bind them)."""
    with db.reading() as s:
        return s.execute(select(expr)).scalar()


@pytest.fixture
def one_row(db):
    return db


def at(day: date):
    return literal(day, Date)


def test_add_months_stops_at_the_months_end(one_row):
    for day in DAYS:
        for months in (1, 3, 12, 13):
            found = values(one_row, expressions.add_months(at(day), literal(months)))
            assert found == add_months(day, months), (day, months)


def test_add_days_day_number_days_between_and_year_of(one_row):
    for day in DAYS:
        check_one_day(one_row, day)


def check_one_day(db, day: date) -> None:
    assert values(db, expressions.add_days(at(day), literal(40))) == day + timedelta(days=40)
    assert (
        values(db, expressions.days_between(at(date(2023, 12, 25)), at(day)))
        == (day - date(2023, 12, 25)).days
    )
    later = expressions.day_number(at(day)) + 10 == expressions.day_number(
        at(day + timedelta(days=10))
    )
    assert values(db, later)
    assert values(db, expressions.year_of(at(day))) == day.year
    assert values(db, expressions.unindexed(at(day)) <= at(day))
    assert values(db, 5 - expressions.days_between(at(day), at(day + timedelta(days=2)))) == 3


def test_age_at_on_this_engine(one_row):
    assert values(one_row, expressions.age_at(literal("199012319801"), at(date(2026, 12, 1)))) == 35
    assert values(one_row, expressions.age_at(literal("1990-p0123"), at(date(2026, 12, 1)))) == 36


def test_contains_is_a_substring_as_written(one_row):
    for column, text, found in [
        ("{verkstr}m anna", "}m a", True),
        ("{verkstr}m anna", "", True),
        ("{verkstr}m anna", "Anna", False),  # as written: keys are folded already
        ("198501019801", "8501", True),
        ("198501019801", "8502", False),
        ("50%_off", "%_", True),
        ("50% off", "%_", False),  # % and _ are themselves, not wildcards
        ("a\\b", "\\", True),
    ]:
        assert values(one_row, expressions.contains(literal(column), text)) is found, text


def test_among_is_membership_in_the_rows_of_a_select(one_row):
    from sqlalchemy import union_all

    three = union_all(*(select(literal(n)) for n in (2, 3, 5))).subquery()
    ids = select(three.c[0])
    for n, found in [(2, True), (5, True), (4, False)]:
        assert values(one_row, expressions.among(literal(n), ids)) is found, n
    none = select(three.c[0]).where(three.c[0] > 10)
    assert values(one_row, expressions.among(literal(2), none)) is False


def test_among_ids_is_membership_in_a_list_bound_as_one_value(one_row):
    ids = [2, 3, 5, 2**40]
    for n, found in [(2, True), (5, True), (2**40, True), (4, False), (0, False)]:
        assert values(one_row, expressions.among_ids(literal(n), ids)) is found, n
    assert values(one_row, expressions.among_ids(literal(2), [])) is False
    # One bound value however many ids (an IN list binds each on its own).
    with one_row.reading() as s:
        stmt = select(expressions.among_ids(literal(1), range(3000)))
        compiled = stmt.compile(bind=s.get_bind())
        assert len(compiled.params) <= 3, len(compiled.params)


def test_count_rows_counts_the_rows_as_count_of_the_id(one_row):
    from sqlalchemy import func, union_all

    rows = union_all(*(select(literal(n).label("id")) for n in (2, 3, 5, 7))).subquery()
    for low, expected in [(0, 4), (4, 2), (10, 0)]:
        stmt = select(expressions.count_rows(rows.c.id)).where(rows.c.id > low)
        with one_row.reading() as s:
            assert s.execute(stmt).scalar() == expected, low
            assert s.execute(stmt.with_only_columns(func.count(rows.c.id))).scalar() == expected


def test_set_locally_holds_for_the_transaction_and_default_gives_the_connections_back(
    one_row,
):
    """On a server the settings hold for the rest of the transaction, DEFAULT gives back
    the connection's own (``server.PLANNER_OPTIONS``), and the next transaction starts
    with those; on a file nothing is set."""
    from sqlalchemy import text

    if not one_row.on_server:
        with one_row.reading() as s:
            expressions.set_locally(s, plan_cache_mode="force_generic_plan")
            assert s.execute(select(literal(1))).scalar() == 1
        return

    def shown(s) -> list:
        names = "plan_cache_mode", "max_parallel_workers_per_gather"
        return [s.execute(text(f"SHOW {name}")).scalar() for name in names]

    with one_row.reading() as s:
        connections = shown(s)
        assert connections[0] == "force_custom_plan"
        expressions.set_locally(
            s, plan_cache_mode="force_generic_plan", max_parallel_workers_per_gather=0
        )
        assert shown(s) == ["force_generic_plan", "0"]
        expressions.set_locally(s, plan_cache_mode="DEFAULT")
        assert shown(s) == ["force_custom_plan", "0"]
    with one_row.reading() as s:
        assert shown(s) == connections


def test_every_expression_written_per_dialect_is_tried_here():
    written = {
        name
        for name, obj in vars(expressions).items()
        if isinstance(obj, type)
        and issubclass(obj, expressions._PerDialect)
        and obj is not expressions._PerDialect
    }
    tried = {"add_months", "add_days", "day_number", "days_between", "year_of", "_Unindexed"}
    tried |= {"_Contains", "_Among", "_AmongIds", "_CountRows"}
    # Needs persons: tests/db/test_personnummer_digits.py runs it on both engines.
    tried |= {"_DigitsOfPersons"}
    assert written == tried


def test_the_first_rows_and_every_row_tied_with_the_last_of_them(one_row):
    """``first_with_ties``: FETCH FIRST … WITH TIES on PostgreSQL, the rows up to the last
    one's value on SQLite; the same rows on both, as Python counts them."""
    from sqlalchemy import func, union_all

    days = [date(2026, 1, d) for d in (3, 1, 2, 2, 2, 5, 4, 4)]
    table = union_all(
        *(select(literal(i).label("id"), at(day).label("day")) for i, day in enumerate(days))
    ).subquery("v")
    dialect = one_row.engine.dialect.name
    for limit in range(1, len(days) + 2):
        last = select(table.c.day).order_by(table.c.day).offset(limit - 1).limit(1)
        cut = func.coalesce(last.scalar_subquery(), at(date(9999, 12, 31)))
        stmt = expressions.first_with_ties(
            dialect, select(table.c.id), (table.c.day,), literal(limit), cut
        )
        with one_row.reading() as s:
            found = sorted(s.scalars(stmt))
        bound = sorted(days)[limit - 1] if limit <= len(days) else max(days)
        assert found == [i for i, day in enumerate(days) if day <= bound], limit
