"""The benchmarks' 100,000-participant demo database, on a file and on a PostgreSQL server.

Issue 14 §6 compares the same service calls on both engines in the same run. The file is
made by the demo generator (minutes); the server's copy is that file's rows copied, table
by table in foreign-key order, into a fresh database that the migrations built, then
ANALYZEd (the figures are of the same rows on both engines). Both are kept between runs:

- ``FINSAM_BENCH_DB=/path/demo.sqlite``: the file (made there when missing);
- ``FINSAM_BENCH_PG_URL=postgresql://finsam@127.0.0.1:PORT/postgres``: a server on which
  that role may create databases (``scripts/pg_cluster.sh start DIR`` prints one;
  ``FINSAM_TEST_PG_URL`` is used when this is not set). The copy is the database
  ``finsam_bench`` there; it is made again only when the file changed.

This copier is for the benchmarks only (``finsam flytta`` is the program's way to move
a database to a server).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import JSON, Text, create_engine, select, text, type_coerce
from sqlalchemy.engine import make_url

BENCH_DATABASE = "finsam_bench"
BATCH = 20_000


def server_url() -> str | None:
    return os.environ.get("FINSAM_BENCH_PG_URL") or os.environ.get("FINSAM_TEST_PG_URL")


def demo_file(path: Path, participants: int, lots: int) -> Path:
    """The plain demo file at ``path``, made by ``demo.fill`` when it does not exist."""
    if path.exists():
        return path
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import demo

    partial = path.with_name(path.name + ".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    db = open_database(partial)
    start = time.perf_counter()
    demo.fill(db, participants=participants, lots=lots)
    db.checkpoint()
    db.close()
    for made in partial.parent.glob(partial.name + "*"):  # the file and its log anchor
        made.rename(path.with_name(path.name + made.name[len(partial.name) :]))
    print(
        f"\ndemo file, {participants:,} persons, {lots:,} lotsärenden: "
        f"{time.perf_counter() - start:.0f} s"
    )
    return path


COUNTED = ("person", "referral", "participation", "case_event", "lots_case")


def _identity(path: Path) -> str:
    """What the server's copy remembers of the file it was copied from: the file and its
    main tables' sizes (not its time: a benchmark's searches add to the access log; not
    its schema: opening the copy upgrades it with the migrations, as on any server)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sizes = [con.execute(f"SELECT max(id) FROM {t}").fetchone()[0] for t in COUNTED]
    finally:
        con.close()
    return f"{path.resolve()}|{sizes}"


def server_copy(path: Path, url: str) -> str:
    """The URL of ``finsam_bench`` on the server at ``url``, a copy of the file at
    ``path`` (made again when the file's rows changed since the last copy)."""
    from finsam_desktop.db.server import engine_url

    admin = create_engine(engine_url(url), isolation_level="AUTOCOMMIT")
    target = engine_url(url).set(database=BENCH_DATABASE)
    location = target.set(drivername="postgresql").render_as_string(hide_password=False)
    identity = _identity(path)
    try:
        with admin.connect() as c:
            found = c.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": BENCH_DATABASE},
            ).first()
            if found is not None and found[0] == identity:
                return location
            c.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        start = time.perf_counter()
        rows = copy_tables(path, location)
        with admin.connect() as c:
            c.execute(text(f"COMMENT ON DATABASE \"{BENCH_DATABASE}\" IS '{identity}'"))
        print(f"\ncopied {rows:,} rows to the server: {time.perf_counter() - start:.0f} s")
    finally:
        admin.dispose()
    return location


def copy_tables(path: Path, location: str) -> int:
    """Every table's rows from the file to the (new, empty) database at ``location``:
    the migrations make the schema, then each table in foreign-key order is copied in
    batches (COPY FROM STDIN), its id sequence moved past the ids, and all VACUUM ANALYZEd."""
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.db.schema import metadata
    from finsam_desktop.db.server import engine_url

    open_database(location).close()  # the schema, by the migrations
    source = create_engine(f"sqlite:///{path}")
    target = create_engine(engine_url(location))
    total = 0
    try:
        with source.connect() as src, target.begin() as dst:
            dialect = target.dialect
            raw = dst.connection.driver_connection
            # The migrations' own rows (default lists) come again from the file.
            every = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            dst.execute(text(f"TRUNCATE {every}"))
            for table in metadata.sorted_tables:
                names = [c.name for c in table.c]
                convert = [
                    None if isinstance(c.type, JSON) else c.type.bind_processor(dialect)
                    for c in table.c
                ]
                columns = ", ".join(f'"{n}"' for n in names)
                # JSON as the file's text, as it is: what the server's json reads.
                read = [type_coerce(c, Text) if isinstance(c.type, JSON) else c for c in table.c]
                result = src.execution_options(yield_per=BATCH).execute(
                    select(*read).order_by(*table.primary_key.columns)
                )
                statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
                with raw.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in result:
                        pairs = zip(convert, row, strict=True)
                        copy.write_row([v if f is None or v is None else f(v) for f, v in pairs])
                        total += 1
                if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                    dst.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                            f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                        ),
                        {"t": table.name},
                    )
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            # What autovacuum does on a live server: statistics and the visibility map
            # (index-only scans of the covering indexes).
            c.execute(text("VACUUM ANALYZE"))
    finally:
        source.dispose()
        target.dispose()
    return total


def database_name(location: str) -> str:
    return make_url(location).database or ""
