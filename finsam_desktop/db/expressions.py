"""SQL expressions whose spelling depends on the database (dates, ages): the one place
services get them from, so a service never branches on the engine.

SQLite stores a Date as 'YYYY-MM-DD' text; the expressions below read that text.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Integer, MetaData, String, Table, case, cast, func
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op


def age_at(personnummer, day):
    """Whole years from the birth date in a 12-digit personnummer to ``day``: the
    difference of the two dates written as numbers YYYYMMDD, divided by 10,000 (a
    samordningsnummer's day is the birth day + 60). NULL when the number is not 12
    digits: only the date part is read. In the statistics extract (db/extract.py) the
    number is "YYYY-" and a pseudonym: only the birth year is known, and the age is
    counted from 1 July of that year (at most half a year off)."""
    born = cast(func.substr(personnummer, 1, 8), Integer)
    born = born - case((born % 100 > 60, 60), else_=0)
    mid_year = cast(func.substr(personnummer, 1, 4), Integer) * 10000 + 701
    on = cast(func.replace(cast(day, String), "-", ""), Integer)
    return case(
        (func.length(personnummer) == 12, (on - born) // 10000),
        (func.substr(personnummer, 5, 1) == "-", (on - mid_year) // 10000),
        else_=None,
    )


def days_between(first, last):
    """Whole days from ``first`` to ``last`` (NULL if either is NULL)."""
    return cast(func.julianday(last) - func.julianday(first), Integer)


def temporary(name: str, *columns) -> Table:
    """A connection-private table (CREATE TEMPORARY TABLE); define it once at module
    level so that statements over it are compiled once and cached."""
    return Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])


@contextmanager
def filled(session, table: Table, select_stmt):
    """``table`` (see ``temporary``) filled from ``select_stmt`` for the length of the
    block, then dropped. Several aggregates over the same filtered rows read this small
    table instead of scanning and joining the big ones again each time."""
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    try:
        session.execute(table.insert().from_select([c.name for c in table.c], select_stmt))
        yield table
    finally:
        table.drop(connection, checkfirst=True)


def unindexed(column):
    """``column`` in a form SQLite does not look up by index (unary +): for a range that
    covers most rows, reading the table in order beats jumping through the index."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)
