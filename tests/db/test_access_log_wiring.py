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
        session = factory()
        assert access_log._on_after_flush in list(session.dispatch.after_flush)
        assert access_log._on_before_commit in list(session.dispatch.before_commit)
        session.close()
    # Not on SQLAlchemy's global Session class: another program's sessions are its own.
    from sqlalchemy.orm import Session

    assert not event.contains(Session, "after_flush", access_log._on_after_flush)


def test_every_new_session_factory_gets_the_listeners_even_on_a_reused_id():
    """SQLAlchemy's event registry is keyed by id(): a new factory given the id of a dead one
    looked as if it carried the listeners already, and its Database logged nothing (the
    intermittent 'entries added outside the program' right after a first start)."""
    import gc

    from sqlalchemy.orm import sessionmaker

    from finsam_desktop.db import access_log

    missing = 0
    kept = []
    for i in range(3000):
        factory = sessionmaker()
        access_log.install(factory)
        access_log.install(factory)  # idempotent
        listeners = list(factory().dispatch.before_commit)
        missing += access_log._on_before_commit not in listeners
        assert listeners.count(access_log._on_before_commit) <= 1
        if i % 7 == 0:
            kept.append(factory)
        if i % 500 == 0:
            kept.clear()
            gc.collect()
    assert missing == 0
