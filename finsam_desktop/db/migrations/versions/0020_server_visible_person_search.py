"""a coordinator's search on the server finds the persons by the trigram index

Under row-level security PostgreSQL tests a query's own condition on the person table
only after the policy's (LIKE is not LEAKPROOF), so a coordinator's search read every
person's row and never the trigram indexes of revision 0018. A server with the
program's roles gets the function ``finsam_rls.visible_persons_like``
(``server_roles._search_statements``): the persons matching a search *and* visible to
the calling account, found by the index. Like every function and policy of
``finsam_rls`` it is made by ``server_roles.apply``, which the owner's upgrade runs
after the migrations (``migrate.upgrade``); this revision holds no change of its own
but makes an existing server upgrade, so that no program of this version connects to a
server without the function. Nothing changes in a file, nor on a server without the
roles (``finsam serverroller`` makes the function with the rest).

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-02 04:00:00.000000
"""

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # server_roles.apply, after the upgrade (see above)


def downgrade() -> None:
    from alembic import op

    from finsam_desktop.db import server_roles

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {server_roles.SEARCH_FUNCTION}(text, text)")
