"""The access log is wired on each Database's own session factories (db/access_log.py),
not as a side effect of importing the services: a process that opens a database and
writes through it logs the write, whatever else it imported."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from finsam_desktop.db.migrate import open_database

WRITER = textwrap.dedent(
    """
    import sys
    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.models import MunicipalityRow

    db = Database(sys.argv[1])
    with db.session() as session:
        session.add(MunicipalityRow(name="Exempelbygden", name_key="exempelbygden"))
    with db.session() as session:
        row = session.query(MunicipalityRow).one()
        row.active = False
    db.close()
    print(sorted(m for m in sys.modules if m.startswith("finsam_desktop.services")))
    """
)


def test_a_write_in_a_process_that_imported_only_the_engine_and_a_model_is_logged(
    tmp_path: Path,
):
    path = tmp_path / "finsam.sqlite"
    open_database(path).close()  # the schema, made by the migrations as in use
    out = subprocess.run(
        [sys.executable, "-c", WRITER, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "[]"  # no service module was imported
    with sqlite3.connect(path) as con:
        entries = con.execute(
            "SELECT action, table_name, details FROM audit_log ORDER BY id"
        ).fetchall()
    assert [(action, table) for action, table, _d in entries] == [
        ("create", "municipality"),
        ("update", "municipality"),
    ]
    assert json.loads(entries[1][2]) == {"changed": {"active": [True, False]}}
    # ... and the anchor beside the database follows the head of the log.
    anchor = json.loads(Path(str(path) + ".logganker").read_text(encoding="utf-8"))
    assert anchor["log"]["entries"] == 2


def test_every_session_factory_of_a_database_carries_the_listeners(db):
    from sqlalchemy import event

    from finsam_desktop.db import access_log

    factories = [db._write, db._read]
    for factory in factories:
        assert event.contains(factory, "after_flush", access_log._on_after_flush)
        assert event.contains(factory, "before_commit", access_log._on_before_commit)
    # Not on SQLAlchemy's global Session class: another program's sessions are its own.
    from sqlalchemy.orm import Session

    assert not event.contains(Session, "after_flush", access_log._on_after_flush)
