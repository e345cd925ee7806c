"""participation due days

Översikt worked out each kind of reminder's due day for every open participation with
its case file and insats on every build (9,100 rows, 50–100 ms at 100,000 participants)
to count and list the few that are due. The day each kind is due while the participation
is enrolled is now stored on the participation and indexed with its two contact persons:
a plan follow-up, a contact with the remittent, the (extended) end, and an extension
awaiting the styrgrupp's decision. ``db/due_dates.py`` keeps them on every change; this
works them out for the existing rows, by the same rule. The caseload's index also holds
the second contact person: Översikt's participant list counts a coordinator's open
participations from it alone.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 04:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = ("due_plan_follow_up", "due_remittent_contact", "due_end", "due_extension_decision")
CASELOAD = ["status", "contact_person_id", "insats_id"]


def _fill() -> None:
    from finsam_desktop.db.expressions import add_days, add_months

    p = sa.table(
        "participation",
        sa.column("id", sa.Integer),
        sa.column("insats_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("enrolled_on", sa.Date),
        sa.column("planned_end", sa.Date),
        *(sa.column(name, sa.Date) for name in COLUMNS),
    )
    cf = sa.table(
        "case_file",
        sa.column("participation_id", sa.Integer),
        sa.column("last_plan_event_on", sa.Date),
        sa.column("last_remittent_contact_on", sa.Date),
        sa.column("extension_months", sa.Integer),
        sa.column("ends_on", sa.Date),
        sa.column("extension_requested_on", sa.Date),
        sa.column("extension_decided_on", sa.Date),
    )
    i = sa.table(
        "insats",
        sa.column("id", sa.Integer),
        sa.column("plan_follow_up_months", sa.Integer),
        sa.column("remittent_contact_days", sa.Integer),
    )

    def of_file(column):
        return sa.select(column).where(cf.c.participation_id == p.c.id).scalar_subquery()

    def of_insats(column):
        return sa.select(column).where(i.c.id == p.c.insats_id).scalar_subquery()

    def while_enrolled(day):
        return sa.case((p.c.status == "enrolled", day), else_=sa.null())

    last_plan = sa.func.coalesce(of_file(cf.c.last_plan_event_on), p.c.enrolled_on)
    last_contact = sa.func.coalesce(of_file(cf.c.last_remittent_contact_on), p.c.enrolled_on)
    end = sa.case(
        (of_file(cf.c.extension_months) > 0, of_file(cf.c.ends_on)), else_=p.c.planned_end
    )
    waiting = sa.case(
        (of_file(cf.c.extension_decided_on).is_(None), of_file(cf.c.extension_requested_on)),
        else_=sa.null(),
    )
    op.execute(
        sa.update(p)
        .where(p.c.status == "enrolled")
        .values(
            due_plan_follow_up=while_enrolled(
                add_months(last_plan, of_insats(i.c.plan_follow_up_months))
            ),
            due_remittent_contact=while_enrolled(
                add_days(last_contact, of_insats(i.c.remittent_contact_days))
            ),
            due_end=while_enrolled(end),
            due_extension_decision=while_enrolled(waiting),
        )
    )


def upgrade() -> None:
    with op.batch_alter_table("participation", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
    _fill()
    with op.batch_alter_table("participation", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.create_index(
                f"ix_participation_{name}",
                [name, "contact_person_id", "second_contact_person_id"],
                unique=False,
            )
        # The participant list's count of a coordinator's open participations (either
        # contact person) from the caseload's index alone, not from every row.
        batch_op.drop_index("ix_participation_caseload")
        batch_op.create_index("ix_participation_caseload", CASELOAD + ["second_contact_person_id"])


def downgrade() -> None:
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index("ix_participation_caseload")
        batch_op.create_index("ix_participation_caseload", CASELOAD)
        for name in COLUMNS:
            batch_op.drop_index(f"ix_participation_{name}")
        for name in COLUMNS:
            batch_op.drop_column(name)
