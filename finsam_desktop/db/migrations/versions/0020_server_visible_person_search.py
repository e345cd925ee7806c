"""a coordinator on the server: searches by the trigram index, the visibility test by an index

Under row-level security PostgreSQL tests a query's own condition on the person table
only after the policy's (LIKE is not LEAKPROOF), so a coordinator's search read every
person's row and never the trigram indexes of revision 0018. A server with the
program's roles gets the function ``finsam_rls.visible_persons_like``
(``server_roles._search_statements``): the persons matching a search *and* visible to
the calling account, found by the index. Like every function and policy of
``finsam_rls`` it is made by ``server_roles.apply``, which the owner's upgrade runs
after the migrations (``migrate.upgrade``); this revision makes an existing server
upgrade, so that no program of this version connects to a server without the function
(a server without the roles gets it from ``finsam serverroller``, with the rest).
Nothing changes in a file.

A coordinator's person rows are tested by the policy one by one (``linked_insatser``
against the account's insatser): a count or a page far down the Deltagare list read
each person's whole row for it. On PostgreSQL the index ``ix_person_visible`` (the id,
with ``linked_insatser`` beside it: ``INCLUDE``) lets both read the ids and the test's
column from the index alone (an index-only scan; four times faster for the page at
50,000). The owner's and an administrator's plans read the smaller primary key as
before. Not in the models (``db.schema.SERVER_ONLY_INDEXES``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 04:00:00.000000
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEX = "ix_person_visible"


def upgrade() -> None:
    # The function: server_roles.apply, after the upgrade (see above).
    if op.get_bind().dialect.name != "postgresql":
        return
    # The column of revision 0017 (0023 replaced it and this index).
    op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON person (id) INCLUDE (linked_insatser)")


def downgrade() -> None:
    from finsam_desktop.db import server_roles

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        op.execute(f"DROP FUNCTION IF EXISTS {server_roles.SEARCH_FUNCTION}(text, text)")
