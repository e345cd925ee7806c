"""overview indexes

Kommande on Översikt reads one week of kartläggningssamtal and closing meetings. Without
an index on their days it read every mapping session and every case file of the
coordinator's participations each time Översikt was built (25–80 ms at 100,000
participants); these indexes let it read the week's rows only. The caseload per
coordinator and insats is counted from an index of the participations' status, contact
person and insats alone (30 → 4 ms).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 21:00:00.000000
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mapping_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mapping_session_held_on"), ["held_on"], unique=False)
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_file_meeting_held_on"), ["meeting_held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_meeting_offered_on"), ["meeting_offered_on"], unique=False
        )
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participation_caseload", ["status", "contact_person_id", "insats_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index("ix_participation_caseload")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_meeting_offered_on"))
        batch_op.drop_index(batch_op.f("ix_case_file_meeting_held_on"))
    with op.batch_alter_table("mapping_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_session_held_on"))
