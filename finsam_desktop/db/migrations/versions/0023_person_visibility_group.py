"""a person's row on the server carries its visibility group instead of its insatser

The person policy compared each person's ``linked_insatser`` (revision 0017, integer[])
with the account's insatser: an array overlap of about 1 µs per row, over the 87,000
persons a coordinator sees at 100,000, in every count and every page far down (the
Deltagare count and first page 3.5–4× the file's time, issue 14 §6). On PostgreSQL the
person table gets ``visibility_group`` (integer, NOT NULL, 0: linked to no insats) in its
place: the id of a row of ``finsam_rls.visibility_group``, which holds each distinct set
of linked insatser once. The policy (``server_roles.apply``, after every upgrade) tests
the integer against the groups whose set holds one of the account's insatser or 0, an
``= ANY`` the planner tests inside an index scan: a coordinator's count reads the index
``ix_person_visibility_group`` alone, a page far down walks ``ix_person_visible`` (now the
id with the group beside it). On a server with the program's roles the groups are
counted from the existing links and kept by the link tables' statement triggers
(``server_roles.keep_visibility``); a server without them gets them when the roles are set
up (``finsam serverroller``). ``linked_insatser``, its index and its operator ``&&&`` go.

The same triggers count each group's persons per block of 1,024 ids
(``finsam_rls.visible_block``): a coordinator's whole Deltagare count is then the sum of
its groups' counts, and a page far down starts at the block that holds its first row
(``server_roles.visible_person_count``, ``visible_person_start``) instead of reading the
tens of thousands of visible persons before it.
A file needs nothing (everyone sees every person); the models do not declare the column
(``db.schema.SERVER_ONLY_COLUMNS``), nor the indexes (``SERVER_ONLY_INDEXES``).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 08:00:00.000000
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OLD_COLUMN = "linked_insatser"
OLD_OPERATOR = "finsam_rls.&&&"


def upgrade() -> None:
    from finsam_desktop.db import server_roles as r

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE person ADD COLUMN IF NOT EXISTS {r.GROUP} integer NOT NULL DEFAULT 0")
    op.execute(f"DROP INDEX IF EXISTS {r.VISIBLE_INDEX}")
    if r.groups_exist(bind):
        database = r.database_name(bind)
        groups = {role: r.group_role(database, role) for role in r.GROUPS}
        r.keep_visibility(bind, groups)  # the groups from the links, the new triggers
    # The person policy read the old column: it goes with it, and the upgrade's
    # ``server_roles.apply`` makes the new one (until then a coordinator sees no person).
    op.execute(f"ALTER TABLE person DROP COLUMN IF EXISTS {OLD_COLUMN} CASCADE")
    op.execute(f"DROP OPERATOR IF EXISTS {OLD_OPERATOR} (anyarray, anyarray) CASCADE")
    op.execute(f"CREATE INDEX {r.VISIBLE_INDEX} ON person (id) INCLUDE ({r.GROUP})")
    op.execute(f"CREATE INDEX IF NOT EXISTS {r.GROUP_INDEX} ON person ({r.GROUP})")
    op.execute("ANALYZE person")


def downgrade() -> None:
    from finsam_desktop.db import server_roles as r

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE person ADD COLUMN {OLD_COLUMN} integer[] NOT NULL DEFAULT '{{0}}'")
    if bind.exec_driver_sql(f"SELECT to_regclass('{r.GROUP_TABLE}')").scalar() is not None:
        op.execute(
            f"UPDATE person p SET {OLD_COLUMN} = g.insatser FROM {r.GROUP_TABLE} g "
            f"WHERE g.id = p.{r.GROUP} AND g.insatser <> '{{0}}'"
        )
    # What reads the groups goes: the triggers with their function (revision 0021's
    # program counts the old column from the links again when it makes them), the search
    # function and the person policy (made again by that program's ``server_roles.apply``).
    schema = r.RLS_SCHEMA
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.relink_changed() CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.relink(integer[])")
    op.execute(f"DROP FUNCTION IF EXISTS {r.SEARCH_FUNCTION}(text, text)")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.count_blocks() CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.visible_person_count()")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.visible_person_start(bigint)")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.my_groups() CASCADE")
    op.execute(f"DROP TABLE IF EXISTS {r.BLOCK_TABLE}")
    op.execute(f"DROP INDEX IF EXISTS {r.GROUP_INDEX}")
    op.execute(f"DROP INDEX IF EXISTS {r.VISIBLE_INDEX}")
    op.execute(f"ALTER TABLE person DROP COLUMN {r.GROUP} CASCADE")
    op.execute(f"DROP TABLE IF EXISTS {r.GROUP_TABLE}")
    op.execute(f"CREATE INDEX {r.VISIBLE_INDEX} ON person (id) INCLUDE ({OLD_COLUMN})")
