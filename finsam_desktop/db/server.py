"""PostgreSQL: what differs when the database is a server rather than a file (issue 14).

The program reaches a server by its URL (``--db postgresql://user@host/finsam?sslmode=
verify-full`` or ``FINSAM_DB``). There is no SQLCipher and no key file: the connection's
credentials come from the URL or libpq's own sources (``PGPASSWORD``, ``~/.pgpass``,
``PGSSLROOTCERT``…) and the wire is protected by the server's TLS. The driver is psycopg 3.

Everything here is reached through ``db/engine.py`` and ``db/migrate.py``; services never
branch on the engine.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, String, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.sql.dml import Insert

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _

# pg_advisory_xact_lock keys (any fixed 64-bit numbers, private to this program):
# appending to the access log, running the migrations, and every write transaction.
LOG_LOCK = 0x46494E53_414D0001  # "FINSAM" 1
MIGRATION_LOCK = 0x46494E53_414D0002
WRITE_LOCK = 0x46494E53_414D0003


class NotOnServerYet(RuntimeError):
    """What works on a database file but is not built yet for a PostgreSQL server."""

    shown_to_user = True

    def __init__(self, what: str):
        super().__init__(
            _(
                "{what} is not available yet for a database on a PostgreSQL server. "
                "Ask the IT department, who run the server's backups (pg_dump)."
            ).format(what=what)
        )


def engine_url(url: str):
    """The SQLAlchemy URL with psycopg 3 as the driver, whatever scheme was written."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+psycopg")


# A pooled connection unused for longer than this is pinged before it is used again.
IDLE_PING_SECONDS = 30.0


# The planner's settings of the program's connections. A random page read costs little
# more than a sequential one where the tables are in the server's memory or on an SSD,
# as on any server of today (PostgreSQL's default, 4, is of spinning disks): so the
# planner looks up a few rows by an index where it read every row of an index instead.
# Measured: a coordinator's week in Översikt tested its 920 mapping sessions against the
# policy by reading all 36,000 participations of the insats (12.7 ms) instead of one
# look-up each (2 ms). A statement psycopg has prepared (``Database.reading``) is still
# planned for the values of each run: a plan made once for any search text would read a
# common name as a rare one.
PLANNER_OPTIONS = "-c random_page_cost=1.1 -c plan_cache_mode=force_custom_plan"


def make_server_engine(url: str, login=None) -> Engine:
    """``login``: a ``server_roles.ServerLogin`` (the account's own role and password),
    or None for the URL's own credentials."""
    args = {"application_name": "finsam-desktop"}
    args.update(login.connect_args() if login is not None else {})
    # The login's own settings (a statistik account's search path) beside the planner's.
    args["options"] = " ".join(filter(None, (PLANNER_OPTIONS, args.get("options"))))
    engine = create_engine(engine_url(url), connect_args=args)
    _ping_when_idle(engine)
    event.listen(engine, "after_execute", _follow_explicit_ids)
    event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A workstation's program stays open for days: a connection the server or a
    firewall dropped meanwhile is replaced instead of failing the next save. Only a
    connection that lay unused in the pool for a while is pinged first (SQLAlchemy's
    pool_pre_ping pings at every checkout: one more round trip for every read, a third
    of a list page's time on a loaded machine, issue 14 §6)."""
    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy) -> None:
        idle_from = record.info.pop("idle_from", None)
        if idle_from is None or time.monotonic() - idle_from < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError() from exc  # the pool connects anew and tries again


# PostgreSQL's text cannot hold the character NUL (SQLite's can); it never means anything
# in a name or a note (it comes from a broken file or a hostile paste). A save holding one
# is refused with the message for text that cannot be stored (nothing is changed, the form
# keeps what was typed); a search or login looking for one looks for U+FFFD instead and
# finds nothing.
NUL, REPLACEMENT = "\x00", "\ufffd"


class UnstorableText(ValidationError):
    """A value to be saved holds NUL, which a PostgreSQL server cannot store."""

    def __init__(self):
        super().__init__(
            {
                "text": _(
                    "The text contains a character that cannot be stored (for example a "
                    "broken character in a name or a file name). Type it again."
                )
            }
        )


def storable(value):
    """``value`` with NUL replaced, for a string; anything else as it is."""
    if isinstance(value, str) and NUL in value:
        return value.replace(NUL, REPLACEMENT)
    return value


def _has_nul(row) -> bool:
    items = row.values() if isinstance(row, dict) else row if isinstance(row, list | tuple) else ()
    return any(isinstance(v, str) and NUL in v for v in items)


def _storable_row(row):
    if not _has_nul(row):
        return row
    if isinstance(row, dict):
        return {k: storable(v) for k, v in row.items()}
    return type(row)(storable(v) for v in row)


def _storable_parameters(_conn, _cursor, statement, parameters, _context, executemany):
    rows = parameters if executemany and isinstance(parameters, list | tuple) else [parameters]
    if not any(_has_nul(row) for row in rows):
        return statement, parameters
    if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE"):
        raise UnstorableText()
    if executemany:
        return statement, [_storable_row(row) for row in rows]
    return statement, _storable_row(parameters)


def _follow_explicit_ids(connection, statement, multiparams, params, _options, _result) -> None:
    """An insert that gave the ids itself (the demo, bulk imports numbering their rows
    to link children) leaves the table's sequence behind; SQLite takes max(id) + 1 by
    itself, PostgreSQL would hand out a taken id next. Move the sequence past them."""
    if not isinstance(statement, Insert):
        return
    table = statement.table
    if "id" not in getattr(table, "c", ()):
        return
    rows = multiparams if isinstance(multiparams, list | tuple) and multiparams else [params]
    first = rows[0] if rows else None
    if not isinstance(first, dict) or first.get("id") is None:
        return
    connection.exec_driver_sql(
        "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), "
        f'(SELECT max(id) FROM "{table.name}"))',
        {"t": table.name},
    )


def check_lengths(session, _context, _instances) -> None:
    """PostgreSQL enforces a VARCHAR's length (SQLite stores any length): a value longer
    than its column is refused before the flush with the form's own message, naming the
    field, instead of failing the whole transaction with a database error."""
    problems: dict[str, str] = {}
    for obj in (*session.new, *session.dirty):
        for prop in inspect(obj).mapper.column_attrs:
            column = prop.columns[0]
            limit = getattr(column.type, "length", None)
            if not limit or not isinstance(column.type, String):
                continue
            value = getattr(obj, prop.key, None)
            if isinstance(value, str) and len(value) > limit:
                problems[prop.key] = _("At most {n} characters.").format(n=limit)
    if problems:
        raise ValidationError(problems)


def raw_connect(url: str, login=None):
    """A psycopg connection (autocommit) for code that needs the driver itself;
    ``login`` as for ``make_server_engine``."""
    import psycopg

    plain = engine_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    extra = login.connect_args() if login is not None else {}
    return psycopg.connect(plain, autocommit=True, application_name="finsam-desktop", **extra)


def shown(url: str) -> str:
    """The URL for messages: without a password."""
    return engine_url(url).set(drivername="postgresql").render_as_string(hide_password=True)


def revisions(engine: Engine) -> tuple[bool, set[str]]:
    """(whether the database has any table, the Alembic revisions it is at)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables:
            return bool(tables), set()
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return True, {r[0] for r in rows}


def hold_lock(connection: Connection, key: int) -> None:
    """Wait for, then hold until the transaction ends, the advisory lock ``key``:
    serialises what must run one at a time across every workstation's program."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
