"""the server's Remisser sort index puts the rows without a due day first

The lists order NULL as the smallest value on both engines (``services.listing.
sort_order``): first ascending, last descending, which is SQLite's own order and what
its index (answer_sort_due, id) gives. PostgreSQL orders NULL last by default, so its
copy of that index could not give ``answer_sort_due NULLS FIRST, id``: a Remisser page
sorted by days left walked and sorted every referral again (8× SQLite's time at 100,000).
On PostgreSQL only, an index in that order; SQLite refuses NULLS FIRST in an index and
needs none. The models do not declare it (``db.schema.SERVER_ONLY_INDEXES`` names it, so
the comparison of models and migrations knows it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:45:00.000000
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

NAME = "ix_referral_answer_sort_due_nulls_first"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {NAME} ON referral (answer_sort_due NULLS FIRST, id)")
        op.execute("ANALYZE referral")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {NAME}")
