"""the server keeps which persons each insats sees (finsam_rls.person_insats)

Under row-level security a coordinator sees a person linked (referral, participation,
information meeting) to one of the account's insatser, or to none. The person policy
computed the hidden persons from every link in every query (about 0.3 s at 100,000
persons, 8× the file's time for the lists). On a server with the program's roles this
makes ``finsam_rls.person_insats`` (per person and insats the number of links), the
statement triggers that keep it, and fills it from the existing links
(``server_roles.keep_visibility``); the policies applied after every upgrade
(``migrate.upgrade`` → ``server_roles.apply``) read it. A file, and a server without the
roles, need nothing (everyone sees every person there). Nothing in the models' tables
changes (the table is in the schema ``finsam_rls``, beside the policies' functions).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:30:00.000000
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from finsam_desktop.db import server_roles

    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not server_roles.groups_exist(bind):
        return
    coordinator = server_roles.group_role(server_roles.database_name(bind), "coordinator")
    server_roles.keep_visibility(bind, server_roles.quoted(coordinator))


def downgrade() -> None:
    from finsam_desktop.db import server_roles

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = server_roles.RLS_SCHEMA
    # The person policy reads the table: it goes with it (a coordinator then sees no
    # person until the policies are applied again by the program of that revision).
    op.execute(f"DROP TABLE IF EXISTS {schema}.person_insats CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.count_links() CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.count_new_persons() CASCADE")
