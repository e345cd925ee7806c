"""journal note author and draft owner

The contacts journal keeps who wrote each note (the signed-in account, and its name at
the time; notes written before have none). A draft belongs to the account that typed
it, so on a shared PC it comes back to its owner only; drafts from before have no owner
and stay visible as before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 11:41:45.069901
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("author_name", sa.String(length=200), server_default="", nullable=False)
        )

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_draft_kind"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_draft_kind"), ["kind", "record_key", "user_id"]
        )
        batch_op.create_index(batch_op.f("ix_draft_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_user_id"))
        batch_op.drop_constraint(batch_op.f("uq_draft_kind"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_draft_kind"), ["kind", "record_key"])
        batch_op.drop_column("user_id")

    with op.batch_alter_table("case_contact", schema=None) as batch_op:
        batch_op.drop_column("author_name")
        batch_op.drop_column("author_id")
