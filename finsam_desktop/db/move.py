"""Moving a database file to an empty PostgreSQL database (``finsam flytta``, issue 14 §4).

The file is only read: one read-only connection, one read transaction (a consistent
snapshot even if a window still has the file open). On the server, in ONE transaction:
the schema through the same Alembic history, every table copied in foreign-key order in
batches (bounded memory whatever the size), the sequences set past the copied ids, and
then every table read back and compared with the file: row counts and a content hash.
Only when every table is equal is the transaction committed; anything else leaves the
server database as empty as it was.

The content hash of a table is computed by the same code on both sides, on the values
as SQLAlchemy reads them through the table's column types, in a canonical form
(``canonical``), so it does not depend on how either engine stores a value:

- NULL is ``null``; a boolean ``true``/``false`` (SQLite's 0/1 are read as booleans);
  an integer its digits; a float Python's shortest round-trip ``repr``; a Decimal its
  normalised digits;
- a datetime ISO 8601 with ``T`` (microseconds only when not zero; an aware one in UTC
  without offset), a date ``YYYY-MM-DD``, a time ``HH:MM:SS[.ffffff]``;
- text as it is, except NUL, which a server cannot store and which becomes U+FFFD on
  both sides (``db/server.storable``); bytes their hex digits;
- a JSON value (dict, list) canonical itself, keys sorted.

A row is the JSON array of its columns' canonical values in the table's column order;
its hash SHA-256 of that text (UTF-8); the table's hash the sum of its rows' hashes
modulo 2**256: independent of row order, so neither side's collation or physical order
matters, and a changed, missing or added row changes it.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, func, insert, inspect, select, text

from finsam_desktop.db.server import MIGRATION_LOCK, engine_url, hold_lock, storable

BATCH = 2000
# A database the program has been used in has rows in these (every change is logged).
USED_TABLES = ("users", "audit_log", "person")
MODULUS = 2**256

Progress = Callable[[int, int, str], None]  # (done, total, table)


class TargetNotEmpty(RuntimeError):
    """The server database already holds data (or tables that are not ours)."""

    shown_to_user = True


class MoveMismatch(RuntimeError):
    """A table on the server differs from the file after the copy (nothing committed)."""

    shown_to_user = True


def canonical(value: Any) -> Any:
    """A value's JSON-able canonical form (see the module's description)."""
    if value is None or isinstance(value, bool | int | str):
        return storable(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(storable(k)): canonical(v) for k, v in value.items()}
    return str(value)


def row_hash(row) -> int:
    content = json.dumps(
        [canonical(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return int.from_bytes(hashlib.sha256(content.encode("utf-8")).digest(), "big")


def _batches(connection: Connection, table: Table) -> Iterator[list]:
    stmt = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(stmt)
    yield from result.partitions(BATCH)


@dataclass(frozen=True)
class TableSum:
    rows: int
    hash: int

    @property
    def digest(self) -> str:
        return f"{self.hash:064x}"


def table_sum(connection: Connection, table: Table) -> TableSum:
    """The number of rows and the content hash of ``table`` (streamed in batches)."""
    rows, total = 0, 0
    for batch in _batches(connection, table):
        rows += len(batch)
        for row in batch:
            total = (total + row_hash(row)) % MODULUS
    return TableSum(rows, total)


@dataclass(frozen=True)
class TableResult:
    table: str
    source: TableSum
    target: TableSum

    @property
    def equal(self) -> bool:
        return self.source == self.target


def tables() -> list[Table]:
    """Every table of the schema, parents before the tables that refer to them."""
    from finsam_desktop.db.schema import metadata

    return list(metadata.sorted_tables)


def server_engine(url: str) -> Engine:
    return create_engine(engine_url(url), connect_args={"application_name": "finsam-desktop"})


def check_target_empty(connection: Connection) -> bool:
    """True when the server database has no table (the schema is to be made), False when
    it has this program's schema at the current revision without any row; else
    TargetNotEmpty."""
    from finsam_desktop.db.migrate import head_revisions
    from finsam_desktop.i18n import _

    present = set(inspect(connection).get_table_names())
    if not present:
        return True
    ours = {t.name for t in tables()} | {"alembic_version"}
    revisions: set[str] = set()
    if "alembic_version" in present:
        revisions = {
            r[0] for r in connection.execute(text("SELECT version_num FROM alembic_version"))
        }
    # The migrations seed lists (case options, letter templates…); what the program itself
    # was used for always leaves an account and entries in the access log.
    filled = sorted(
        t.name
        for t in tables()
        if t.name in USED_TABLES
        and t.name in present
        and connection.execute(select(func.count()).select_from(t)).scalar()
    )
    if present - ours or revisions != set(head_revisions()) or filled:
        raise TargetNotEmpty(
            _(
                "The server database is not empty ({tables}). Moving needs an empty database: "
                "ask the IT department for a new one (CREATE DATABASE). Nothing has been "
                "changed, neither on the server nor in the file."
            ).format(tables=", ".join(filled or sorted(present - ours)) or "alembic_version")
        )
    return False


def create_schema(connection: Connection) -> None:
    """The schema through the program's Alembic history, in ``connection``'s transaction."""
    from alembic import command

    from finsam_desktop.db.migrate import alembic_config

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "heads")


def _insertable(row) -> dict[str, Any]:
    return {k: storable(v) for k, v in row._mapping.items()}


def copy_table(source: Connection, target: Connection, table: Table) -> int:
    copied = 0
    for batch in _batches(source, table):
        target.execute(insert(table), [_insertable(row) for row in batch])
        copied += len(batch)
    return copied


def reset_sequences(connection: Connection) -> None:
    """Every serial column's sequence past the largest copied value (the next insert
    gets a free id), or back to its start for an empty table."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence is None:
                continue
            connection.execute(
                text(
                    f'SELECT setval(:s, coalesce((SELECT max("{column.name}") FROM '
                    f'"{table.name}"), 1), (SELECT count(*) > 0 FROM "{table.name}"))'
                ),
                {"s": sequence},
            )


def move(source: Connection, url: str, progress: Progress | None = None) -> list[TableResult]:
    """Copy everything ``source`` (a connection to the file, in a read transaction)
    holds into the empty server database at ``url``; the per-table comparison. Raises
    MoveMismatch (nothing committed) when a table differs."""
    from finsam_desktop.i18n import _

    engine = server_engine(url)
    try:
        with engine.begin() as target:
            hold_lock(target, MIGRATION_LOCK)  # no workstation upgrades it meanwhile
            if check_target_empty(target):
                create_schema(target)
            all_tables = tables()
            # The rows the migrations seeded are replaced by the file's (perhaps edited) ones.
            for table in reversed(all_tables):
                target.execute(table.delete())
            for number, table in enumerate(all_tables, start=1):
                copy_table(source, target, table)
                if progress is not None:
                    progress(number, len(all_tables), table.name)
            reset_sequences(target)
            results = [
                TableResult(t.name, table_sum(source, t), table_sum(target, t)) for t in all_tables
            ]
            differing = [r.table for r in results if not r.equal]
            if differing:
                raise MoveMismatch(
                    _(
                        "After the copy these tables differ between the file and the server: "
                        "{tables}. Nothing has been kept on the server; the file is unchanged."
                    ).format(tables=", ".join(differing))
                )
        # The planner's statistics for the copied rows now, not when autovacuum comes by:
        # the first lists on the server are planned from them.
        with engine.begin() as target:
            target.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return results
