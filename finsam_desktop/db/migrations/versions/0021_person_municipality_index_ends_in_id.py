"""the persons' municipality index ends in the id

The Deltagare list sorted by home municipality (``services/listing.py``) orders by the
municipality's name and then by the person's id. On PostgreSQL a page of it sorted every
person (3–4× SQLite's time at 100,000 persons, issue 14 §6); it now reads, for each
municipality, its first persons in the id's order from this index, which needs the id as
its last column there (SQLite keeps the rowid at the end of every index: the same order
as before on SQLite). As migration 0015 did for the sort indexes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 04:00:00.000000
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

NAME = "ix_person_municipality_id"


def upgrade() -> None:
    op.drop_index(NAME, table_name="person")
    op.create_index(NAME, "person", ["municipality_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE person")


def downgrade() -> None:
    op.drop_index(NAME, table_name="person")
    op.create_index(NAME, "person", ["municipality_id"])
