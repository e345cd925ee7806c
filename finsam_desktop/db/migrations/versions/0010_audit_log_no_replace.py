"""the access log refuses an entry that would take the place of an existing one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

``INSERT OR REPLACE`` deletes the row it collides with without firing the DELETE
trigger (SQLite fires delete triggers for REPLACE only with recursive_triggers on), so
it rewrote entries with both triggers of 0005 in place. An entry's id is assigned by
SQLite, always past the last one: an insert that names an id at or below the last is
refused before the conflict is resolved, whatever conflict clause it carries.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # PostgreSQL has taken the id from the sequence before the trigger runs; a WHEN
        # clause may not hold a subquery, so the check is in the function.
        op.execute(
            "CREATE FUNCTION audit_log_no_replace() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log) THEN "
            "RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '23000'; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log FOR EACH ROW "
            "EXECUTE FUNCTION audit_log_no_replace()"
        )
        return
    # NEW.id is -1 in a BEFORE INSERT trigger when SQLite assigns the id itself.
    op.execute(
        "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
        "WHEN NEW.id <> -1 AND NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log) "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_no_replace()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
