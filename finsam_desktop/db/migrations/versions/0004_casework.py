"""casework: kartläggning, handlingsplan, insatser, contacts journal, limits, avslut

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_key", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["case_option.id"], name=op.f("fk_case_option_parent_id_case_option")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_option")),
    )
    with op.batch_alter_table("case_option", schema=None) as batch_op:
        batch_op.create_index("ix_case_option_list", ["list_key", "position"], unique=False)

    op.create_table(
        "mapping_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_template")),
        sa.UniqueConstraint("number", name=op.f("uq_mapping_template_number")),
    )
    op.create_table(
        "case_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("counterparts", sa.JSON(), nullable=False),
        sa.Column("counterpart_name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["case_contact.id"],
            name=op.f("fk_case_contact_corrects_id_case_contact"),
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_case_contact_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_contact_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contact")),
    )
    with op.batch_alter_table("case_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_contact_corrects_id"), ["corrects_id"], unique=False
        )
        batch_op.create_index(
            "ix_case_contact_participation", ["participation_id", "occurred_on"], unique=False
        )

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_case_event_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_event_participation", ["participation_id", "happened_on"], unique=False
        )

    op.create_table(
        "case_file",
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("mapping_template_id", sa.Integer(), nullable=True),
        sa.Column("advice_offered_on", sa.Date(), nullable=True),
        sa.Column("advice_offered_by_id", sa.Integer(), nullable=True),
        sa.Column("advice_benefit_ids", sa.JSON(), nullable=False),
        sa.Column("advice_note", sa.Text(), nullable=False),
        sa.Column("extension_requested_on", sa.Date(), nullable=True),
        sa.Column("extension_decided_on", sa.Date(), nullable=True),
        sa.Column("extension_months", sa.Integer(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("last_remittent_contact_on", sa.Date(), nullable=True),
        sa.Column("last_plan_event_on", sa.Date(), nullable=True),
        sa.Column("entry_recorded_on", sa.Date(), nullable=True),
        sa.Column("entry_income_source_id", sa.Integer(), nullable=True),
        sa.Column("entry_occupation_id", sa.Integer(), nullable=True),
        sa.Column("entry_education_level_id", sa.Integer(), nullable=True),
        sa.Column("entry_support_time_id", sa.Integer(), nullable=True),
        sa.Column("exit_income_source_id", sa.Integer(), nullable=True),
        sa.Column("exit_occupation_id", sa.Integer(), nullable=True),
        sa.Column("exit_education_level_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("exit_route_id", sa.Integer(), nullable=True),
        sa.Column("exit_sub_route_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("meeting_offered_on", sa.Date(), nullable=True),
        sa.Column("meeting_held_on", sa.Date(), nullable=True),
        sa.Column("meeting_attendees", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.CheckConstraint(
            "extension_months BETWEEN 0 AND 24", name=op.f("ck_case_file_extension_months")
        ),
        sa.ForeignKeyConstraint(
            ["advice_offered_by_id"],
            ["staff.id"],
            name=op.f("fk_case_file_advice_offered_by_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_education_level_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_entry_education_level_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_income_source_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_entry_income_source_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_occupation_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_entry_occupation_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_support_time_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_entry_support_time_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_education_level_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_exit_education_level_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_income_source_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_exit_income_source_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_occupation_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_exit_occupation_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_route_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_exit_route_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_sub_route_id"],
            ["case_option.id"],
            name=op.f("fk_case_file_exit_sub_route_id_case_option"),
        ),
        sa.ForeignKeyConstraint(
            ["mapping_template_id"],
            ["mapping_template.id"],
            name=op.f("fk_case_file_mapping_template_id_mapping_template"),
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_case_file_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participation_id", name=op.f("pk_case_file")),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_file_closed_on"), ["closed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_file_exit_route_id"), ["exit_route_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_extension_requested_on"),
            ["extension_requested_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_last_plan_event_on"), ["last_plan_event_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_last_remittent_contact_on"),
            ["last_remittent_contact_on"],
            unique=False,
        )

    op.create_table(
        "mapping_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_mapping_answer_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_answer")),
        sa.UniqueConstraint(
            "participation_id", "question_key", name=op.f("uq_mapping_answer_participation_id")
        ),
    )
    op.create_table(
        "mapping_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_mapping_session_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_mapping_session_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_session")),
    )
    with op.batch_alter_table("mapping_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mapping_session_participation_id"), ["participation_id"], unique=False
        )

    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("is_follow_up", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["staff.id"], name=op.f("fk_plan_revision_made_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_plan_revision_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
        sa.UniqueConstraint(
            "participation_id", "number", name=op.f("uq_plan_revision_participation_id")
        ),
    )
    op.create_table(
        "study_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("study_start", sa.Date(), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.CheckConstraint("months BETWEEN 1 AND 3", name=op.f("ck_study_support_months")),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_study_support_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_support")),
    )
    with op.batch_alter_table("study_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_study_support_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_study_support_participation_id"), ["participation_id"], unique=False
        )

    op.create_table(
        "work_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("workplace", sa.String(length=200), nullable=False),
        sa.Column("employer_contact", sa.String(length=200), nullable=False),
        sa.Column("employer_phone", sa.String(length=50), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_work_training_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_training")),
    )
    with op.batch_alter_table("work_training", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_training_participation_id"), ["participation_id"], unique=False
        )

    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["plan_revision.id"],
            name=op.f("fk_plan_goal_revision_id_plan_revision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goal")),
    )
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_goal_revision_id"), ["revision_id"], unique=False)

    op.create_table(
        "plan_insats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["staff.id"], name=op.f("fk_plan_insats_responsible_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["plan_revision.id"],
            name=op.f("fk_plan_insats_revision_id_plan_revision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"], ["case_option.id"], name=op.f("fk_plan_insats_type_id_case_option")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_insats")),
    )
    with op.batch_alter_table("plan_insats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_insats_revision_id"), ["revision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_insats_type_id"), ["type_id"], unique=False)

    op.create_table(
        "work_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_training_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_work_visit_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["work_training_id"],
            ["work_training.id"],
            name=op.f("fk_work_visit_work_training_id_work_training"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_visit")),
    )
    with op.batch_alter_table("work_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_visit_work_training_id"), ["work_training_id"], unique=False
        )

    _seed_defaults()


def _seed_defaults() -> None:
    """The seeds' lists and the default kartläggning template, in the program's language
    (the app sets the language before it opens the database)."""
    from finsam_desktop.domain.closing import DEFAULT_OPTIONS
    from finsam_desktop.domain.mapping import default_template_sections
    from finsam_desktop.i18n import _

    option = sa.table(
        "case_option",
        sa.column("id", sa.Integer),
        sa.column("list_key", sa.String),
        sa.column("name", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("version", sa.Integer),
    )
    rows, next_id = [], 1
    for list_key, values in DEFAULT_OPTIONS.items():
        for position, (name, subs) in enumerate(values):
            parent_id = next_id
            rows.append(
                dict(
                    id=parent_id,
                    list_key=list_key.value,
                    name=_(name),
                    parent_id=None,
                    position=position,
                    active=True,
                    version=1,
                )
            )
            next_id += 1
            for sub_position, sub in enumerate(subs):
                rows.append(
                    dict(
                        id=next_id,
                        list_key=list_key.value,
                        name=_(sub),
                        parent_id=parent_id,
                        position=sub_position,
                        active=True,
                        version=1,
                    )
                )
                next_id += 1
    op.bulk_insert(option, rows)
    template = sa.table(
        "mapping_template",
        sa.column("id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("sections", sa.JSON),
        sa.column("created_on", sa.Date),
    )
    sections = [s.to_json() for s in default_template_sections()]
    op.bulk_insert(template, [dict(id=1, number=1, sections=sections, created_on=date.today())])


def downgrade() -> None:
    with op.batch_alter_table("work_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_visit_work_training_id"))

    op.drop_table("work_visit")
    with op.batch_alter_table("plan_insats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_insats_type_id"))
        batch_op.drop_index(batch_op.f("ix_plan_insats_revision_id"))

    op.drop_table("plan_insats")
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_goal_revision_id"))

    op.drop_table("plan_goal")
    with op.batch_alter_table("work_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_training_participation_id"))

    op.drop_table("work_training")
    with op.batch_alter_table("study_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_support_participation_id"))
        batch_op.drop_index(batch_op.f("ix_study_support_ends_on"))

    op.drop_table("study_support")
    op.drop_table("plan_revision")
    with op.batch_alter_table("mapping_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_session_participation_id"))

    op.drop_table("mapping_session")
    op.drop_table("mapping_answer")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_last_remittent_contact_on"))
        batch_op.drop_index(batch_op.f("ix_case_file_last_plan_event_on"))
        batch_op.drop_index(batch_op.f("ix_case_file_extension_requested_on"))
        batch_op.drop_index(batch_op.f("ix_case_file_exit_route_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_ends_on"))
        batch_op.drop_index(batch_op.f("ix_case_file_closed_on"))

    op.drop_table("case_file")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index("ix_case_event_participation")

    op.drop_table("case_event")
    with op.batch_alter_table("case_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_case_contact_participation")
        batch_op.drop_index(batch_op.f("ix_case_contact_corrects_id"))

    op.drop_table("case_contact")
    op.drop_table("mapping_template")
    with op.batch_alter_table("case_option", schema=None) as batch_op:
        batch_op.drop_index("ix_case_option_list")

    op.drop_table("case_option")
