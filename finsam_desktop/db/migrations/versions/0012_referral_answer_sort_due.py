"""referral answer sort due

The Remisser list opens sorted by days left to answer. That order was a CASE over every
matching referral (half a second a keystroke at 100,000 referrals); it is now a stored,
indexed column: the answer's due date while the remissvar is not sent, 9999-12-31 once
it is. The models keep it on every insert and update; this sets it for existing rows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_sort_due", sa.Date(), nullable=True))
    op.execute(
        "UPDATE referral SET answer_sort_due = "
        "CASE WHEN answer_sent_on IS NULL THEN answer_due ELSE '9999-12-31' END"
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_answer_sort_due"), ["answer_sort_due"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_answer_sort_due"))
        batch_op.drop_column("answer_sort_due")
