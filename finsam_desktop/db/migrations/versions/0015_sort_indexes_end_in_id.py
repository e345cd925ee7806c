"""sort keys byte by byte, sort indexes end in the id

A list sorts by a column and then by the id (``services/listing.py``). SQLite keeps the
rowid at the end of every index, so an index on the column alone already gives that
order; PostgreSQL's does not, and a page of the Remisser list (sorted by days left, where
every answered referral shares one value) walked and sorted the whole table: 1–2 s a
keystroke at 100,000 referrals against SQLite's 10 ms (issue 14 §6). The two sort
indexes with many equal values name the id as their last column, on both engines (on
SQLite the same order as before).

On PostgreSQL the Swedish sort keys (``domain.sorting.swedish_key``: name_key,
display_name_key) collate "C", byte by byte as on SQLite: under the database's default
collation (the server's language) the key's stand-ins for å ä ö sorted before "a", and
every comparison went through the locale.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 21:20:00.000000
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = (
    ("referral", "ix_referral_answer_sort_due", "answer_sort_due"),
    ("person", "ix_person_name_key", "name_key"),
)


# (table, column, length) of every column holding a swedish_key (db.models.sort_key).
SORT_KEYS = (
    ("municipality", "name_key", 100),
    ("party", "name_key", 100),
    ("insats", "name_key", 200),
    ("staff", "name_key", 200),
    ("person", "name_key", 210),
    ("local_option", "name_key", 200),
    ("lots_category", "name_key", 200),
    ("users", "display_name_key", 200),
)


def _drop_views_reading(table: str, column: str) -> None:
    """A view over the column would refuse the change of its type: such views (the
    server's statistik views, db/server_roles.py) are dropped here and made again from
    the models once the upgrade has run."""
    views = op.get_bind().exec_driver_sql(
        "SELECT DISTINCT r.ev_class::regclass::text FROM pg_depend d "
        "JOIN pg_rewrite r ON r.oid = d.objid "
        "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "WHERE d.refobjid = %(table)s::regclass AND a.attname = %(column)s "
        "AND r.ev_class <> d.refobjid",
        {"table": table, "column": column},
    )
    for (view,) in views.all():
        op.execute(f"DROP VIEW IF EXISTS {view} CASCADE")


def _collate(collation: str) -> None:
    for table, column, length in SORT_KEYS:
        _drop_views_reading(table, column)
        op.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
            f'TYPE VARCHAR({length}) COLLATE "{collation}"'
        )


def upgrade() -> None:
    for table, name, column in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column, "id"])
    if op.get_bind().dialect.name == "postgresql":
        _collate("C")  # rebuilds the columns' indexes in that order
        # The planner's figures for the rebuilt indexes (a server does not ANALYZE by
        # itself until autovacuum gets round to it).
        for table in {t for t, _c, _n in SORT_KEYS} | {t for t, _i, _c in INDEXES}:
            op.execute(f'ANALYZE "{table}"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _collate("default")
    for table, name, column in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
