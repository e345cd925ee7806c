"""SQL expressions whose spelling depends on the database (dates, ages): the one place
services get them from, so a service never branches on the engine.

SQLite stores a Date as 'YYYY-MM-DD' text; the expressions below read that text.
PostgreSQL has real dates: the date arithmetic below is written once per dialect
(``@compiles``), SQLite's spelling unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.operators import custom_op


class _PerDialect(FunctionElement):
    """An expression SQLite and PostgreSQL spell differently. Each subclass defines
    ``sqlite(*args)`` and ``postgresql(*args)``, which build that dialect's spelling from
    the arguments (tests/db/test_dialect_expressions.py runs every one on both engines)."""

    inherit_cache = True


@compiles(_PerDialect)
def _compile_sqlite(element, compiler, **kw):
    return compiler.process(element.sqlite(*element.clauses).self_group(), **kw)


@compiles(_PerDialect, "postgresql")
def _compile_postgresql(element, compiler, **kw):
    return compiler.process(element.postgresql(*element.clauses).self_group(), **kw)


class day_number(_PerDialect):  # noqa: N801 - used like func.julianday
    """A day as a number that grows by one a day (SQLite's julianday)."""

    type = Integer()
    inherit_cache = True

    def sqlite(self, day):
        return func.julianday(day)

    def postgresql(self, day):
        return cast(day, Date) - literal_column("DATE '2000-01-01'")


class add_days(_PerDialect):  # noqa: N801
    """``day`` + ``days`` days, a Date."""

    type = Date()
    inherit_cache = True

    def sqlite(self, day, days):
        return func.date(day, func.printf("%+d days", days), type_=Date)

    def postgresql(self, day, days):
        return cast(cast(day, Date) + days, Date)


class add_months(_PerDialect):  # noqa: N801
    """``domain.casework.add_months``: the same day ``months`` later, on the month's last
    day when it is shorter (SQLite's own '+N months' would run over into the next month;
    PostgreSQL's ``+ interval`` already stops at the month's end)."""

    type = Date()
    inherit_cache = True

    def sqlite(self, day, months):
        first = func.date(day, "start of month", func.printf("%+d months", months))
        day_of_month = cast(func.strftime("%d", day), Integer)
        same_day = func.date(first, func.printf("%+d days", day_of_month - 1))
        last_day = func.date(first, "+1 month", "-1 day")
        return func.min(same_day, last_day, type_=Date)

    def postgresql(self, day, months):
        return cast(cast(day, Date) + func.make_interval(0, months), Date)


class year_of(_PerDialect):  # noqa: N801
    """The year of a date, an Integer."""

    type = Integer()
    inherit_cache = True

    def sqlite(self, day):
        return cast(func.substr(day, 1, 4), Integer)

    def postgresql(self, day):
        return cast(func.extract("year", day), Integer)


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


class days_between(_PerDialect):  # noqa: N801
    """Whole days from ``first`` to ``last`` (NULL if either is NULL)."""

    type = Integer()
    inherit_cache = True

    def sqlite(self, first, last):
        return cast(func.julianday(last) - func.julianday(first), Integer)

    def postgresql(self, first, last):
        return cast(last, Date) - cast(first, Date)


def _contains_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(column, text: str):
    """Whether ``column`` holds ``text`` as it is written (no case folding: for columns
    of folded keys, searched with a key, and of digits). SQLite: ``instr``, a third
    faster than ``LIKE '%…%'`` over 100,000 names (LIKE folds case on every row);
    PostgreSQL: ``LIKE``, which a trigram index can serve."""
    return _Contains(column, literal(text, String), literal(_contains_pattern(text), String))


def without_estimate(condition):
    """``condition`` as ``CASE WHEN condition THEN true ELSE false END``: the same rows,
    but a condition the planner does not estimate from its column (it takes half the
    rows). For a search under row-level security on PostgreSQL: the planner may not read
    a column's statistics for an operator that is not LEAKPROOF (LIKE), guesses that 0.5 %
    of the persons match, and reads all the matching persons first and sorts them, where
    a search known to match many rows should walk the list's order and stop at a page."""
    return case((condition, true()), else_=false())


# The shortest text a trigram index looks up (pg_trgm: three characters).
TRIGRAM = 3
# The server's search function (made by db/server_roles.py, in its schema finsam_rls) and
# the person columns it searches.
SEARCH_FUNCTION = "finsam_rls.visible_persons_like"
# Its arguments: the column, the LIKE pattern, and how many persons at most (NULL: all).
SEARCH_SIGNATURE = f"{SEARCH_FUNCTION}(text, text, integer)"
SEARCHED = ("name_key", "personnummer")


def visible_persons_containing(column, text: str, first: int | None = None):
    """A SELECT of the ids of the persons whose ``column`` (the person table's name key
    or personnummer) holds ``text``, among those the signed-in account may see, found by
    the server's function (``SEARCH_FUNCTION``, made by ``server_roles``): for an account under
    row-level security, whose own query could not use the column's trigram index (see
    the function). ``first``: any that many of them are enough (a capped count of the
    persons), the function stops there. None when ``text`` is too short for the index
    (the plain ``contains`` reads every row either way)."""
    if len(text) < TRIGRAM:
        return None
    if column.key not in SEARCHED:
        raise ValueError(column.key)
    schema, name = SEARCH_FUNCTION.split(".")
    found = getattr(getattr(func, schema), name)(
        literal(column.key, String),
        literal(_contains_pattern(text), String),
        literal(first, Integer),
    )
    return select(found)


# A personnummer's digits from each position (1-based) after the first: SQLite's
# expression indexes on ``substr(personnummer, k)`` (migration 0022), which with the
# column's own unique index find a run of digits that starts at any of these positions.
DIGITS_FROM = tuple(range(2, 10))
# Of a number this long (YYYYMMDDNNNN), a run of ``FEW_DIGITS`` digits or more starts at
# position 9 at the latest: the indexes above cover it; a longer text is read as it is.
NUMBER_LENGTH = 12
FEW_DIGITS = 4
# The server's indexes of the same (migration 0025): the number from each position, the
# first included (its unique index is in the database's collation), in byte order
# (``COLLATE "C"``, whatever the database's collation), each holding the id and the
# visibility group, so that a range reads the index alone; and the length.
SERVER_DIGITS_FROM = tuple(range(1, 10))


def server_digits_position(number: str, k: int) -> str:
    """The SQL of a personnummer (``number``: SQL of the column) from position ``k`` as
    the server's index of migration 0025 holds it: a query must spell it the same."""
    of = number if k == 1 else f"substr({number}, {k})"
    return f'({of} COLLATE "C")'


def server_digit_conditions(number: str, lowest: str, following: str) -> list[str]:
    """The conditions of the server's arms of ``digits_of_persons`` (SQL of the column,
    of the digits and of ``following`` them), one per index: a range of each
    position, and a number longer than ``NUMBER_LENGTH`` tested as it is. Also the
    server's search function's (``server_roles._search_statements``)."""
    out = []
    for k in SERVER_DIGITS_FROM:
        of = server_digits_position(number, k)
        out.append(f"{of} >= {lowest} AND {of} < {following}")
    out.append(f"length({number}) > {NUMBER_LENGTH} AND strpos({number}, {lowest}) > 0")
    return out


def digits_of_persons(personnummer, person_id, digits: str):
    """Whether the person (``person_id``: the person table's id, whose ``personnummer``
    column is searched) has ``digits`` anywhere in the personnummer: the same rows as
    ``contains(personnummer, digits)``. SQLite: the id is one of those found by the
    indexes of migration 0022 (``DIGITS_FROM``), a range of each for the digits starting
    at its position, one ``UNION ALL`` arm each: a birth year (``1985``, 2,830 of 100,000
    persons) in 2 ms, where ``instr`` read every personnummer in 15–25 ms; a number longer
    than ``NUMBER_LENGTH`` characters is tested as it is (an arm of its own, by the index
    of the length). PostgreSQL: the same by its indexes of migration 0025
    (``server_digit_conditions``), where its trigram index found the common trigrams of a
    birth year ('198') in 40–60 ms. Fewer than ``FEW_DIGITS`` digits: ``contains`` on
    both."""
    if len(digits) < FEW_DIGITS or not digits.isdigit():
        return contains(personnummer, digits)
    return _DigitsOfPersons(
        personnummer,
        person_id,
        literal(digits, String),
        literal(following(digits), String),
        literal(_contains_pattern(digits), String),
    )


def following(text: str) -> str:
    """The least text after every text that starts with ``text`` (binary order): with
    ``text`` itself, the index range that ``LIKE 'text%'`` is."""
    return text[:-1] + chr(ord(text[-1]) + 1)


class _DigitsOfPersons(_PerDialect):
    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True

    def sqlite(self, personnummer, person_id, digits, following, _pattern):
        return _DigitRuns(personnummer, person_id, digits, following)

    def postgresql(self, personnummer, person_id, digits, following, _pattern):
        return _DigitRuns(personnummer, person_id, digits, following)


class _DigitRuns(ColumnElement):
    """Both engines' ``_DigitsOfPersons``. PostgreSQL: the ranges of the positions on the
    statement's own row, ORed (``server_digit_conditions``). SQLite: ``person_id IN
    (SELECT id FROM person WHERE … UNION ALL …)``, one arm per index, each reading the person table on its own (no
    correlation with a statement that joins it). Written out as text with the two bound
    values (``compile_digit_runs``): SQLAlchemy took 25 ms to compile the ten SELECTs,
    at the first search of a number in each of its statements."""

    type = Boolean()
    inherit_cache = True  # made while compiling its statement, which is the one cached

    def __init__(self, personnummer, person_id, digits, following):
        self.personnummer = personnummer
        self.person_id = person_id
        self.digits = digits
        self.following = following


@compiles(_DigitRuns)
def compile_digit_runs(element, compiler, **kw):
    table = element.personnummer.table
    while not isinstance(table, Table):  # the table itself, not an alias of it
        table = table.element
    quote = compiler.preparer.quote
    source = compiler.preparer.format_table(table)
    number, ident = quote(element.personnummer.name), quote(element.person_id.name)

    def bound(value) -> str:
        # Rendered where it stands: a positional parameter each time, in order.
        return compiler.process(value, **kw)

    def arm(of: str) -> str:
        lowest, following = bound(element.digits), bound(element.following)
        return f"SELECT {ident} FROM {source} WHERE {of} >= {lowest} AND {of} < {following}"

    # The position as a literal: an expression index serves only its own spelling.
    if compiler.dialect.name == "postgresql":
        # The conditions on the statement's own row, joined by OR: the server reads
        # the matches' rows once, from the union of the indexes' bitmaps (7 ms for a
        # birth year's 1,800 persons). A subquery of ids took 18 ms for a count (then
        # each id looked up again) and, in a list's page, which joins its tables as
        # written (``joins_as_written``), an ``IN`` went after every other join.
        conditions = server_digit_conditions(
            compiler.process(element.personnummer, **kw),
            bound(element.digits),
            bound(element.following),
        )
        return "(" + " OR ".join(f"({c})" for c in conditions) + ")"
    arms = [arm(number), *(arm(f"substr({number}, {k})") for k in DIGITS_FROM)]
    arms.append(
        f"SELECT {ident} FROM {source} WHERE length({number}) > {NUMBER_LENGTH}"
        f" AND instr({number}, {bound(element.digits)}) > 0"
    )
    return f"{compiler.process(element.person_id, **kw)} IN ({' UNION ALL '.join(arms)})"


class _Contains(_PerDialect):
    type = Boolean()
    inherit_cache = True

    def sqlite(self, column, text, _pattern):
        return func.instr(column, text) > 0

    def postgresql(self, column, _text, pattern):
        return column.like(pattern, escape="\\")


def among(column, ids_select):
    """Whether ``column`` is one of the values ``ids_select`` (a one-column SELECT of a
    small table, such as the insatser of one kind) returns. SQLite: ``IN (subquery)``, a
    look-up of each value in the column's index; PostgreSQL: ``= ANY(ARRAY(subquery))``,
    the values read once before the plan runs, so that a count reads the column's index
    alone (a join, or ``IN``, hashed the whole table against the small one)."""
    return _Among(column, ids_select.scalar_subquery())


class _Among(_PerDialect):
    type = Boolean()
    inherit_cache = True
    # A condition in itself: not compared with 1 on SQLite (which would read every
    # index entry instead of looking up each value).
    _is_implicitly_boolean = True

    def sqlite(self, column, ids):
        return column.in_(ids.element)

    def postgresql(self, column, ids):
        return column == func.any(func.array(ids))


def among_ids(column, ids: Sequence[int]):
    """Whether ``column`` is one of ``ids`` (integers a statement read before, such as the
    ids of every match a count found), bound as one value: SQLite reads them from one
    JSON text (``json_each``), PostgreSQL from one array (``= ANY``). ``column.in_(ids)``
    binds each id on its own: 5 ms in SQLAlchemy for 2,000 ids, to build and to send;
    psycopg's dumper of a list of integers took 0.6 ms for 1,000 ids, the text of the
    array here a tenth of that."""
    listed = ",".join(str(int(i)) for i in ids)
    return _AmongIds(
        column,
        literal(f"[{listed}]", String),
        cast(literal(f"{{{listed}}}", String), ARRAY(BigInteger)),
    )


class _AmongIds(_PerDialect):
    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True

    def sqlite(self, column, ids_json, _ids):
        return column.in_(select(func.json_each(ids_json).table_valued("value").c.value))

    def postgresql(self, column, _ids_json, ids):
        return column == func.any(ids)


def count_rows(id_column):
    """How many rows a list's count finds, ``id_column`` being their never-NULL key.
    SQLite: ``count(id)``, as it was (every SQLite index ends in the rowid, so the index a
    condition is read from serves it alike); PostgreSQL: ``count(*)``, which an
    index-only scan of that index can answer, where ``count(id)`` made the server read
    the id from every counted row of the table (66,666 referrals: 52 ms against 9 ms)."""
    return _CountRows(id_column)


class _CountRows(_PerDialect):
    type = Integer()
    inherit_cache = True

    def sqlite(self, column):
        return func.count(column)

    def postgresql(self, _column):
        return func.count()


def rows_of_persons(session, stmt, person, person_id, condition):
    """``stmt`` narrowed to the rows whose person (``person_id``, a column of the
    person table ``person``) meets ``condition``, the matching persons read first. SQLite:
    a join with the person table on the left (its id not looked up by index: unary +);
    PostgreSQL: the persons' ids read once (``among``), then the rows by their
    ``person_id`` index (its planner hashed every row of the list against the persons,
    half as fast at 100,000 referrals)."""
    if session.get_bind().dialect.name == "postgresql":
        return stmt.where(among(person_id, select(person.id).where(condition)))
    return stmt.join(person, unindexed(person.id) == person_id).where(condition)


def first_with_ties(dialect: str, stmt, order: tuple, limit, cut):
    """``stmt``'s first ``limit`` rows in ``order`` and every row tied with the last of
    them. PostgreSQL: FETCH FIRST … WITH TIES, the index of ``order`` read in order and
    stopped there. SQLite has no WITH TIES: the rows whose last ``order`` column is at
    most ``cut`` (its value in the last of them, a subquery read once)."""
    if dialect == "postgresql":
        return stmt.order_by(*order).fetch(limit, with_ties=True)
    return stmt.where(order[-1] <= cut)


def joins_as_written(session) -> None:
    """For the rest of the session's transaction, PostgreSQL joins the tables of a
    statement in the order it names them (``join_collapse_limit = 1``, and without
    parallel workers: ``JOINS_AS_WRITTEN``) instead of
    weighing every order: a list's page joins its rows to five or six small tables, and
    weighing their orders took four times as long as reading the page (15 ms against 3 ms
    at 100,000 referrals). The list's statements name the table whose order or search
    decides first. SQLite plans a join in a fraction of a millisecond: nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    driver = session.connection().connection.driver_connection
    if _pipelined(driver):
        # The BEGIN the driver sends first and the SETs in one round trip.
        with driver.pipeline():
            for statement in _set_local(JOINS_AS_WRITTEN):
                driver.execute(statement)
    else:
        set_locally(session, **JOINS_AS_WRITTEN)


# Also no parallel workers: a page reads a few hundred rows, and starting a worker took
# 26 ms on a loaded machine before the first row (the Remisser list searched for a name
# that 7,000 referrals hold, walking the days-left index), a third of the page's time.
JOINS_AS_WRITTEN = {"join_collapse_limit": 1, "max_parallel_workers_per_gather": 0}


def set_locally(session, **settings: str | int) -> None:
    """For the rest of the session's transaction, on PostgreSQL, each of the planner's
    ``settings`` (``SET LOCAL``, all in one round trip); ``"DEFAULT"`` gives back the
    connection's own (``server.PLANNER_OPTIONS``). The values are the program's own,
    never a user's. A failed statement aborts the transaction, which takes them back
    with it. SQLite: nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("; ".join(_set_local(settings))))


def _set_local(settings: dict) -> list[str]:
    """A ``SET LOCAL`` statement for each setting (names and values are words or
    numbers written in the program, never a user's text)."""
    assert all(
        n.isidentifier() and (f"{v}".isidentifier() or f"{v}".isdigit())
        for n, v in settings.items()
    )
    return [f"SET LOCAL {n} = {v}" for n, v in settings.items()]


def _pipelined(driver) -> bool:
    """Whether psycopg can send statements without waiting for each one's answer
    (pipeline mode: libpq 14 or later), on a connection with no transaction begun yet."""
    from psycopg import Pipeline, pq

    return Pipeline.is_supported() and driver.info.transaction_status == pq.TransactionStatus.IDLE


def reads_without_transaction(session) -> None:
    """For a read made of statements that each stand alone (a list's count, a page that
    needs no ``joins_as_written``), called before its first statement: on PostgreSQL each
    statement runs in a transaction of its own (autocommit) instead of between a BEGIN
    and a ROLLBACK, two round trips to the server fewer, a third of a count's time on a
    loaded machine. The rows are the same: under READ COMMITTED every statement sees the
    data as of its own start, inside a transaction or not. SQLite: nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


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
    covers most rows, reading the table in order beats jumping through the index.
    (PostgreSQL's planner weighs that itself: there it is the column as it is.)"""
    return _Unindexed(column)


class _Unindexed(_PerDialect):
    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type

    def sqlite(self, column):
        return UnaryExpression(column, operator=custom_op("+"), type_=column.type)

    def postgresql(self, column):
        return column


class _Other:
    """A value outside a dimension's list (``Dim.among``): equal to nothing else."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER = _Other()
# The packed key is a signed 64-bit integer in SQLite: keep the product of the radices
# well below 2**63.
PACK_LIMIT = 2**62


@dataclass(frozen=True)
class Dim:
    """One dimension of ``grouped``: an integer column (ids) between known bounds, or a
    column whose values come from a closed list. NULL is a value of its own (None)."""

    expr: Any
    low: int = 0
    high: int = -1
    values: tuple = ()

    @classmethod
    def ids(cls, expr, bounds: tuple[int | None, int | None]) -> Dim:
        """``bounds``: the least and greatest value the grouped rows hold (None, None
        when every one is NULL); ``grouped`` is only correct if they are exact bounds."""
        low, high = bounds
        return cls(expr, 0, -1) if low is None or high is None else cls(expr, low, high)

    @classmethod
    def among(cls, expr, values) -> Dim:
        """A value outside ``values`` comes back as ``OTHER``."""
        return cls(expr, values=tuple(values))

    @property
    def radix(self) -> int:
        return len(self.values) + 2 if self.values else self.high - self.low + 2

    def code(self):
        """0 for NULL; an id counts from 1; a listed value from 2 (1: any other)."""
        if self.values:
            whens = [(self.expr == v, i + 2) for i, v in enumerate(self.values)]
            return case((self.expr.is_(None), 0), *whens, else_=1)
        return func.coalesce(self.expr - (self.low - 1), 0)

    def decode(self, code: int):
        if self.values:
            return None if code == 0 else OTHER if code == 1 else self.values[code - 2]
        return None if code == 0 else code + self.low - 1

    def decoding(self):
        """code -> value, as a list where that is small (a lookup per group)."""
        if self.values:
            return [None, OTHER, *self.values]
        if self.radix <= 2**16:
            return [None, *range(self.low, self.high + 1)]
        return _Decoding(self)


@dataclass(frozen=True)
class _Decoding:
    dim: Dim

    def __getitem__(self, code: int):
        return self.dim.decode(code)


def grouped(session, dims: Sequence[Dim], aggregates: Sequence, where=(), select_from=None):
    """``SELECT dims..., aggregates... GROUP BY dims`` as a list of tuples. SQLite groups
    by sorting, and comparing rows column by column is most of the cost; here the
    dimensions are packed into one integer, so the sort compares one number (four times
    faster for the statistics' six to ten dimensions), and unpacked again in Python.
    Dimensions too wide for one 64-bit key are grouped column by column."""
    radices = [d.radix for d in dims]
    if prod(radices) >= PACK_LIMIT:
        exprs = [d.expr for d in dims]
        stmt = select(*exprs, *aggregates).where(*where).group_by(*exprs)
        if select_from is not None:
            stmt = stmt.select_from(select_from)
        return [tuple(row) for row in session.execute(stmt).all()]
    key = None
    for d in dims:
        # BIGINT: PostgreSQL's integer arithmetic is 32-bit and raises on overflow.
        key = cast(d.code(), BigInteger) if key is None else key * d.radix + d.code()
    # GROUP BY the result column's name: the key is computed once per row.
    stmt = select(key.label("packed_key"), *aggregates).where(*where)
    stmt = stmt.group_by(literal_column("packed_key"))
    if select_from is not None:
        stmt = stmt.select_from(select_from)
    backwards = [(radix, d.decoding()) for d, radix in zip(dims, radices, strict=True)][::-1]
    rows = []
    for packed, *values in session.execute(stmt).all():
        parts = []
        for radix, decoding in backwards:
            packed, code = divmod(packed, radix)
            parts.append(decoding[code])
        parts.reverse()
        parts.extend(values)
        rows.append(tuple(parts))
    return rows
