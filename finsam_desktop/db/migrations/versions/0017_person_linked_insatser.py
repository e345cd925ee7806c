"""a person's row on the server carries the insatser of its links

Under row-level security a coordinator sees a person linked (referral, participation,
information meeting) to one of the account's insatser, or to none. The person policy
computed the hidden persons from every link in every query (about 0.3 s at 100,000
persons: the coordinator's lists 7–9× the file's time). On PostgreSQL the person table
gets ``linked_insatser`` (integer[], the distinct insatser of the person's links, {0}
for none); on a server with the program's roles it is filled from the existing links and
kept by statement triggers on the link tables (``server_roles.keep_visibility``), and the
policy applied after every upgrade (``migrate.upgrade`` → ``server_roles.apply``) compares it
with the account's insatser. A server without the roles gets it filled when the roles
are set up (``finsam serverroller``). A file needs nothing (everyone sees every person);
the models do not declare the column (``db.schema.SERVER_ONLY_COLUMNS``).

Revision 0023 replaced the column by the person's visibility group: this revision now
only adds it (the program's ``server_roles`` keeps the group, which 0023 counts from the
links), and names what it made itself rather than by ``server_roles``, which no longer
has them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:30:00.000000
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


LINKED = "linked_insatser"
OVERLAPS = "finsam_rls.&&&"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE person ADD COLUMN {LINKED} integer[] NOT NULL DEFAULT '{{0}}'")


def downgrade() -> None:
    from finsam_desktop.db import server_roles

    if op.get_bind().dialect.name != "postgresql":
        return
    schema = server_roles.RLS_SCHEMA
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.relink_changed() CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.relink(integer[])")
    op.execute(f"DROP OPERATOR IF EXISTS {OVERLAPS} (anyarray, anyarray) CASCADE")
    # The person policy reads the column: it goes with it (a coordinator then sees no
    # person until the policies are applied again by the program of that revision).
    op.execute(f"ALTER TABLE person DROP COLUMN {LINKED} CASCADE")
