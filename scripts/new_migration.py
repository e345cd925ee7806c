"""Write a new Alembic migration by comparing the models with the latest schema.

    .venv/bin/python scripts/new_migration.py 0002 "lotsärenden"

Review the generated file before committing it, then add a fixture database for the
schema it replaces (scripts/make_schema_fixture.py).
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from finsam_desktop.db.migrate import alembic_config, open_database

rev_id, message = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    scratch = Path(tmp) / "scratch.sqlite"
    if any((Path(alembic_config().get_main_option("script_location")) / "versions").glob("*.py")):
        open_database(scratch).close()
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{scratch}")
    # On top of every head: with several branches the new revision also merges them.
    command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id, head="heads")
