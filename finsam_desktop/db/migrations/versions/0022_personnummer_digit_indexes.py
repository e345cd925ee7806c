"""a file finds a run of a personnummer's digits by indexes of its positions

Every list searches a person by a part of the personnummer (``db.expressions.contains``,
``instr`` on SQLite): a birth year, a birth date, the last four digits, anywhere in the
number. SQLite read all 100,000 persons' numbers for it (15–25 ms), and the Remisser
list's page of a birth year walked the list's order past 8,000–12,000 referrals to find
200 of its matches (40–70 ms of CPU). On a file only, an index of the number from each
position after the first (``substr(personnummer, k)``, k = 2…9) and one of its length:
with the column's own unique index, a run of four digits or more starting at any position
of a 12-digit number is a range of one of them (``db.expressions.digits_of_persons``),
the persons of a birth year found in 2 ms. The indexes hold the column's own text, as its
unique index does: a copy of nothing else, changed and deleted with the row by SQLite.
And an index of a person's referrals with their stored days-left order
(``answer_sort_due``): the page of a number sorts its matches' ids from it alone (reading
each matching referral's row for it took 16 ms for a birth year's 1,900 referrals).

PostgreSQL has a trigram index of the column (0018) and is left as it is. The models do
not declare these indexes (``db.schema.FILE_ONLY_INDEXES``).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 08:00:00.000000
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# (index, table, what it holds) as db.expressions.digits_of_persons and the Remisser
# page of a number (services.listing.ListQuery.page) read them.
INDEXES = (
    *(
        (f"ix_person_personnummer_from_{k}", "person", f"substr(personnummer, {k})")
        for k in range(2, 10)
    ),
    ("ix_person_personnummer_length", "person", "length(personnummer)"),
    ("ix_referral_person_insats_due", "referral", "person_id, insats_id, answer_sort_due"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, table, expression in INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, _table, _expression in INDEXES:
        op.execute(f"DROP INDEX {name}")
