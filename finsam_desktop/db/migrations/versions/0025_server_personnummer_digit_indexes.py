"""the server finds a run of a personnummer's digits by indexes of its positions

A birth year (``19850``) searched on the server went through the trigram index of the
personnummer (0018), whose trigrams of a year ('198', '985') are common: it read a tenth
of the person table for 1,700 matches, 40–60 ms where a file takes 20–25 ms by its
indexes of the positions (0022). On PostgreSQL only, the same indexes: the number from
each position (1…9, ``substr(personnummer, k)``) in byte order (``COLLATE "C"``, so that
a range of digits is one whatever the database's collation), each holding the person's
id and visibility group (the coordinator's search function reads the index alone; the
owner's search ORs the ranges into one bitmap of the person table), and one of the
number's length (``db.expressions.server_digit_conditions``). The models do not declare them
(``db.schema.SERVER_ONLY_INDEXES``). The search function is remade by
``server_roles.apply`` after the upgrade.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 08:40:00.000000
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# (index, expression, included columns): as db.expressions.server_digits_position spells
# them (an expression index serves only its own spelling; tests/db/test_personnummer_digits.py
# checks the plan uses them).
INDEXES = (
    *(
        (
            f"ix_person_digits_from_{k}",
            f'({"personnummer" if k == 1 else f"substr(personnummer, {k})"} COLLATE "C")',
            " INCLUDE (id, visibility_group)",
        )
        for k in range(1, 10)
    ),
    ("ix_person_digits_length", "length(personnummer)", ""),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, expression, include in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")  # as made by hand beforehand, remade
        op.execute(f"CREATE INDEX {name} ON person ({expression}){include}")
    op.execute("ANALYZE person")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _expression, _include in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
