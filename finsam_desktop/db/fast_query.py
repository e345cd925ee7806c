"""Read-only queries without SQLAlchemy, for a command whose whole process must start fast.

``finsam lots summary`` prints a few figures: importing SQLAlchemy alone took more than
half of its process (issue 13: the whole command within 2x of a bare python + sqlite3
process). So a service may run the same queries on a ``FastReader``: a plain SQLite file
opened with the DB-API (``sqlite3``) in one read transaction, running SQL that was
compiled from the service's own SQLAlchemy statements and kept as a generated constant
(``compile_for_sqlite``, written by ``scripts/fast_queries.py``; a test compiles the
statements again and fails when the constant differs, so the statement stays the one
definition). The service keeps its role check: the reader carries ``info["user"]`` as
a Session does (``services.access.current_user``).

Only what needs no login takes this way: a plain file opened as the program, with
exactly the schema the SQL was compiled for (``open_reader`` says None otherwise, and
the caller opens the database as always). An encrypted file's login (its password
opens the key, the login is written to the access log) and a PostgreSQL server keep
the ordinary way.

A compiled query is a tuple ``(sql, defaults, converters)``: the SQL text with named
parameters, the values of the statement's own literals (``defaults``), and per result
column how SQLAlchemy would have converted the stored value (None, "bool", "date",
"json").
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

# typing is imported only by type checkers: finsam lots summary starts without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

BUSY_TIMEOUT_MS = 10_000  # as db.engine


def _convert_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _convert_date(value: Any) -> Any:
    return None if value is None else date.fromisoformat(value)


def _convert_json(value: Any) -> Any:
    # A JSON column has numeric affinity in SQLite: a stored number comes back as one,
    # and SQLAlchemy's SQLite JSON type passes it on as it is.
    if value is None or isinstance(value, int | float):
        return value
    import json

    return json.loads(value)


# What SQLAlchemy's SQLite types do to a stored value (tests/db/test_fast_query.py
# compares them on sample values).
CONVERTERS = {"bool": _convert_bool, "date": _convert_date, "json": _convert_json}


def _bound(value: Any) -> Any:
    """A parameter as SQLAlchemy's SQLite dialect binds it (dates as ISO text)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class FastReader:
    """A plain SQLite file in one read-only transaction; ``info`` as a Session's."""

    def __init__(self, connection: sqlite3.Connection, user: Any = None):
        self.connection = connection
        self.info: dict[str, Any] = {"user": user, "database": None, "writable": False}

    def rows(self, query: tuple, params: dict[str, Any] | None = None) -> list[tuple]:
        sql, defaults, converters = query
        values = dict(defaults)
        for key, value in (params or {}).items():
            values[key] = _bound(value)
        found = self.connection.execute(sql, values).fetchall()
        if any(converters):
            convert = [CONVERTERS[c] if c else None for c in converters]
            found = [
                tuple(v if f is None else f(v) for f, v in zip(convert, row, strict=True))
                for row in found
            ]
        return found

    def scalar(self, query: tuple, params: dict[str, Any] | None = None) -> Any:
        found = self.rows(query, params)
        return found[0][0] if found else None

    def close(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()


def _uri(path: Path) -> str:
    text = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file:{text}?mode=ro"


def open_reader(path: Path | str, heads: Iterable[str]) -> FastReader | None:
    """The plain SQLite file ``path`` for reading, or None: not a plain SQLite file, or
    its schema is not exactly ``heads`` (the revisions the SQL was compiled for; a file
    to upgrade, or one newer than the program, is the ordinary opening's to handle)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
        con = sqlite3.connect(_uri(path), uri=True, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("BEGIN")  # one snapshot for every query, as a read session
        revisions = {r[0] for r in con.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.Error:
        con.close()
        return None
    if revisions != set(heads):
        con.rollback()
        con.close()
        return None
    return FastReader(con)


# --- compiling (SQLAlchemy is imported only here: by the generator and its test) -------------


def compile_for_sqlite(statements: dict[str, Any]) -> dict[str, tuple]:
    """name -> (sql, defaults, converters) for SQLAlchemy ``statements``, compiled by
    the SQLite dialect with named parameters. Refuses what the reader could not run the
    same way as SQLAlchemy: a literal or a result column whose type converts values in a
    way ``CONVERTERS`` does not know."""
    from sqlalchemy import JSON, Boolean, Date
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect(paramstyle="named")
    out: dict[str, tuple] = {}
    for name, statement in statements.items():
        compiled = statement.compile(dialect=dialect)
        defaults = {}
        for bind, key in compiled.bind_names.items():
            if bind.required:
                continue  # given by the caller when it runs the query
            value = bind.effective_value
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                value = processor(value)
            if not isinstance(value, str | int | float | type(None)):
                raise TypeError(f"{name}: the literal {key} = {value!r} cannot be kept")
            defaults[key] = value
        converters = []
        for column in statement.selected_columns:
            kind = column.type
            processor = kind.dialect_impl(dialect).result_processor(dialect, None)
            if processor is None and not isinstance(kind, Boolean):
                converters.append(None)
            elif isinstance(kind, Boolean):
                converters.append("bool")
            elif isinstance(kind, Date):
                converters.append("date")
            elif isinstance(kind, JSON):
                converters.append("json")
            else:
                raise TypeError(f"{name}: no converter for a column of type {kind!r}")
        out[name] = (compiled.string, defaults, tuple(converters))
    return out


def generated_module(source: str, queries: dict[str, tuple], heads: Iterable[str]) -> str:
    """The text of a generated module holding ``queries`` and the schema ``heads``."""
    lines = [
        f'"""Generated by scripts/fast_queries.py from {source}: do not edit.',
        "",
        "The SQLite text of its statements for db.fast_query.FastReader (tests/db/",
        'test_fast_query.py compiles them again and fails when this differs)."""',
        "",
        "# fmt: off",
        f"HEADS = {sorted(heads)!r}",
        "",
        "QUERIES = {",
    ]
    for name, (sql, defaults, converters) in sorted(queries.items()):
        lines.append(f"    {name!r}: (")
        lines.append(f"        {sql!r},")
        lines.append(f"        {defaults!r},")
        lines.append(f"        {converters!r},")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"
