"""the server finds a part of a name or a personnummer by a trigram index

Every list searches a person by a part of the name key or of the personnummer
(``db.expressions.contains``: ``LIKE '%…%'``). SQLite reads the 100,000 persons' keys with
``instr`` in 20–40 ms; PostgreSQL read every row of the person table for it, 4–5 times
SQLite's time for a Remisser search. On PostgreSQL only, a GIN index of the two columns'
trigrams (the contrib extension ``pg_trgm``, trusted since PostgreSQL 13: the database's
owner may create it) finds the few persons a search of three letters or more matches.

Where the extension cannot be created (not installed on the server, or the owner may not
create it), the upgrade goes on without the indexes: the searches give the same rows,
only slower (docs/postgresql.md tells the IT department how to add them later). The
models do not declare the indexes (``db.schema.SERVER_ONLY_INDEXES``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 00:10:00.000000
"""

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# (index, column) of person: the columns ``services.listing.person_search`` searches.
INDEXES = (
    ("ix_person_name_key_trgm", "name_key"),
    ("ix_person_personnummer_trgm", "personnummer"),
)


def _trigram_schema(bind) -> str | None:
    """The schema of pg_trgm's operator class, the extension created here when it is
    not yet; None when it cannot be (the upgrade's transaction goes on: a savepoint)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning("pg_trgm not available, searches without trigram indexes: %s", type(exc))
        return None
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace "
        "JOIN pg_am a ON a.oid = c.opcmethod "
        "WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin'"
    ).scalar()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _trigram_schema(bind)
    if schema is None:
        return
    for name, column in INDEXES:
        op.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON person USING gin ("{column}" "{schema}".gin_trgm_ops)'
        )
    op.execute("ANALYZE person")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _column in INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
