"""the indexes Översikt counts from hold the insats

Översikt counts and cuts each kind of reminder by a range of its stored day
(``services/reminders.py``): the participation's four due-day indexes and the
referrals' index of open answers. A coordinator on a server reads under row-level
security, whose condition is the row's ``insats_id``: with the insats in the index the
server counts from the index alone, as it does for the team, instead of reading each
counted row from the table to test its insats (Översikt as a coordinator, issue 14 §6).
On SQLite the indexes only grow by a column.

On PostgreSQL ``ix_person_visible`` (the person's id with its visibility group beside
it, migration 0023) also holds ``name_key`` (``INCLUDE``), so that a coordinator's Remisser count of a
search of a letter or two (which the trigram index cannot serve) reads the persons'
policy column and name from the index alone, in the id's order beside the referrals'
(person_id, insats_id) index, instead of every person's whole row (a merge join of
two index-only scans; 40 % less time at 100,000 persons). Not in the models
(``db.schema.SERVER_ONLY_INDEXES``).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 07:30:00.000000
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

DUE = ("due_plan_follow_up", "due_remittent_contact", "due_end", "due_extension_decision")
CONTACTS = ["contact_person_id", "second_contact_person_id"]
OPEN_DUE = ["answer_sent_on", "answer_due"]
VISIBLE = "ix_person_visible"  # migrations 0020 and 0023


def _remake(with_insats: bool) -> None:
    extra = ["insats_id"] if with_insats else []
    for due in DUE:
        name = f"ix_participation_{due}"
        op.drop_index(name, table_name="participation")
        op.create_index(name, "participation", [due, *CONTACTS, *extra])
    op.drop_index("ix_referral_open_due", table_name="referral")
    op.create_index("ix_referral_open_due", "referral", [*OPEN_DUE, *extra])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE participation")
        op.execute("ANALYZE referral")


def upgrade() -> None:
    _remake(True)
    _remake_visible("visibility_group, name_key")


def downgrade() -> None:
    _remake_visible("visibility_group")
    _remake(False)


def _remake_visible(columns: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {VISIBLE}")
        op.execute(f"CREATE INDEX {VISIBLE} ON person (id) INCLUDE ({columns})")
        op.execute("ANALYZE person")
