"""SQL expressions whose spelling depends on the database (dates, ages): the one place
services get them from, so a service never branches on the engine.

SQLite stores a Date as 'YYYY-MM-DD' text; the expressions below read that text.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Integer, MetaData, Table, case, cast, func


def _part(expr, start: int, length: int):
    return cast(func.substr(expr, start, length), Integer)


def age_at(personnummer, day):
    """Whole years from the birth date in a 12-digit personnummer (samordningsnummer:
    day + 60) to ``day``. NULL when the number is not 12 digits (e.g. blanked in a
    de-identified copy): only the date part is read, never the birth number."""
    born_year = _part(personnummer, 1, 4)
    born_md = _part(personnummer, 5, 2) * 100 + _part(personnummer, 7, 2) % 60
    day_md = _part(day, 6, 2) * 100 + _part(day, 9, 2)
    years = _part(day, 1, 4) - born_year - case((day_md < born_md, 1), else_=0)
    return case((func.length(personnummer) == 12, years), else_=None)


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
