"""Alembic environment: runs on the connection that db.migrate hands over."""

from alembic import context
from sqlalchemy import create_engine

from finsam_desktop.db.schema import metadata

config = context.config
target_metadata = metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transaction_per_migration=False,
    )
    context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # developer use: scripts/new_migration.py points sqlalchemy.url at a scratch file
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        run(conn)
