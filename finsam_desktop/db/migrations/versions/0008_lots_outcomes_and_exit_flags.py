"""several outcomes per lotsärende; default flags of the default exit routes

Every lotsärende's outcome_id becomes a row of the new table lots_case_outcome (a case
may now carry several outcomes: seed 003's Heby counts 64 marks on 57 individärenden),
with copies of the case's date, municipality and individärende flag for the summary's
index, then the column goes. The summary index is rebuilt without it.

The default exit routes (as migration 0004 seeded them) get the statistics flags
"ute i aktivitet" and "arbete/studier" (domain.closing.DEFAULT_EXIT_FLAGS), unless
the team has already set a flag on some exit route.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SUMMARY_BEFORE = (
    "received",
    "municipality_id",
    "party_id",
    "officer_key",
    "gender",
    "birth_year",
    "foreign_background",
    "sick_leave_fs",
    "individual_case",
    "coordination_need",
    "question_id",
    "action_id",
    "outcome_id",
    "closed",
    "survey_sent",
    "survey_score",
)
SUMMARY_AFTER = tuple(c for c in SUMMARY_BEFORE if c != "outcome_id")


def upgrade() -> None:
    op.create_table(
        "lots_case_outcome",
        sa.Column("lots_case_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("individual_case", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["lots_category.id"],
            name=op.f("fk_lots_case_outcome_category_id_lots_category"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_lots_case_outcome_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["lots_case_id"],
            ["lots_case.id"],
            name=op.f("fk_lots_case_outcome_lots_case_id_lots_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lots_case_id", "category_id", name=op.f("pk_lots_case_outcome")),
    )
    with op.batch_alter_table("lots_case_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lots_case_outcome_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            "ix_lots_case_outcome_summary",
            ["received", "municipality_id", "individual_case", "category_id", "lots_case_id"],
            unique=False,
        )
    op.execute(
        "INSERT INTO lots_case_outcome "
        "(lots_case_id, category_id, received, municipality_id, individual_case) "
        "SELECT id, outcome_id, received, municipality_id, individual_case FROM lots_case "
        "WHERE outcome_id IS NOT NULL"
    )
    with op.batch_alter_table("lots_case", schema=None) as batch_op:
        batch_op.drop_index("ix_lots_case_summary")
        batch_op.drop_index("ix_lots_case_outcome_id")
        batch_op.drop_constraint("fk_lots_case_outcome_id_lots_category", type_="foreignkey")
        batch_op.drop_column("outcome_id")
    with op.batch_alter_table("lots_case", schema=None) as batch_op:
        batch_op.create_index("ix_lots_case_summary", list(SUMMARY_AFTER), unique=False)
    _default_exit_flags()


def _default_exit_flags() -> None:
    from finsam_desktop.domain.closing import DEFAULT_EXIT_FLAGS
    from finsam_desktop.i18n import _

    bind = op.get_bind()
    already = bind.execute(
        sa.text(
            "SELECT count(*) FROM case_option WHERE list_key = 'exit_route' "
            "AND (in_activity OR work_or_studies)"
        )
    ).scalar()
    if already:
        return
    for source, (in_activity, work_or_studies) in DEFAULT_EXIT_FLAGS.items():
        for name in {source, _(source)}:
            bind.execute(
                sa.text(
                    "UPDATE case_option SET in_activity = :a, work_or_studies = :w "
                    "WHERE list_key = 'exit_route' AND name = :n"
                ),
                {"a": in_activity, "w": work_or_studies, "n": name},
            )


def downgrade() -> None:
    with op.batch_alter_table("lots_case", schema=None) as batch_op:
        batch_op.drop_index("ix_lots_case_summary")
        batch_op.add_column(sa.Column("outcome_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_lots_case_outcome_id_lots_category", "lots_category", ["outcome_id"], ["id"]
        )
    # One outcome per case again: the first of each case's outcomes (in list order).
    op.execute(
        "UPDATE lots_case SET outcome_id = ("
        " SELECT o.category_id FROM lots_case_outcome o"
        " JOIN lots_category c ON c.id = o.category_id"
        " WHERE o.lots_case_id = lots_case.id ORDER BY c.position, c.id LIMIT 1)"
    )
    with op.batch_alter_table("lots_case", schema=None) as batch_op:
        batch_op.create_index("ix_lots_case_outcome_id", ["outcome_id"], unique=False)
        batch_op.create_index("ix_lots_case_summary", list(SUMMARY_BEFORE), unique=False)
    with op.batch_alter_table("lots_case_outcome", schema=None) as batch_op:
        batch_op.drop_index("ix_lots_case_outcome_summary")
        batch_op.drop_index(batch_op.f("ix_lots_case_outcome_category_id"))
    op.drop_table("lots_case_outcome")
