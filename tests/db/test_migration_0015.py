"""Migration 0015 on a server: the sort keys collate "C" even where a view reads them
(the statistik views of a server with roles are made again after every upgrade)."""

import pytest
from sqlalchemy import text

from finsam_desktop.db.engine import Database
from finsam_desktop.db.migrate import head_revisions, upgrade


def test_a_view_over_a_sort_key_does_not_stop_the_upgrade(postgres):
    if postgres is None:
        pytest.skip("the collation is PostgreSQL's (SQLite compares byte by byte)")
    location = postgres.empty()
    db = Database(location)
    try:
        upgrade(db, "0012")
        with db.engine.begin() as c:
            c.execute(text("CREATE VIEW person_names AS SELECT id, name_key FROM person"))
        upgrade(db)
        with db.reading() as session:
            collation = session.execute(
                text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'person' AND column_name = 'name_key'"
                )
            ).scalar_one()
            versions = session.execute(text("SELECT version_num FROM alembic_version")).all()
        assert collation == "C"
        assert {v for (v,) in versions} == set(head_revisions())
    finally:
        db.close()
        postgres.drop(location)
