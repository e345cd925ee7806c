"""account insats

Which insatser an account works in. On a PostgreSQL server with an account per
database role (db/server_roles.py) a coordinator reaches only the persons and cases of
these insatser (row-level security); in a database file the team sees everything, as
before. Existing accounts get no insats: the administrator sets them on the Konton page.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 21:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_insats",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("insats_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["insats_id"],
            ["insats.id"],
            name=op.f("fk_account_insats_insats_id_insats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_insats_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "insats_id", name=op.f("pk_account_insats")),
    )
    with op.batch_alter_table("account_insats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_insats_insats_id"), ["insats_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("account_insats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_insats_insats_id"))
    op.drop_table("account_insats")
