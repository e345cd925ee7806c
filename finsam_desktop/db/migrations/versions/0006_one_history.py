"""one history: merge the lots (0002), case work (0004) and security (0005) branches

Revision ID: 0006
Revises: 0002, 0004, 0005
Create Date: 2026-12-01 11:40:00

From here on the history is linear: every new revision builds on the one before.
"""

revision = "0006"
down_revision = ("0002", "0004", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the revision only joins the branches."""


def downgrade() -> None:
    """Nothing to undo."""
