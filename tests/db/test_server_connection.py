"""A workstation's connection to the server: one that the server dropped while the
program sat idle is replaced before it is used (db/server.py, ``_ping_when_idle``), and
one in use is not pinged before every read; every connection plans with the same settings."""

import pytest
from sqlalchemy import text

from finsam_desktop.db import server


@pytest.fixture
def server_db(db):
    if not db.on_server:
        pytest.skip("a connection to a PostgreSQL server")
    return db


def backend(db) -> int:
    with db.reading() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_the_server_dropped_while_idle_is_replaced(server_db, monkeypatch):
    pid = backend(server_db)
    other = server_db.raw_connect()
    try:
        assert other.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    finally:
        other.close()
    monkeypatch.setattr(server, "IDLE_PING_SECONDS", 0.0)  # it has lain idle long enough
    assert backend(server_db) != pid


def test_a_connection_in_use_is_not_pinged_before_every_read(server_db, monkeypatch):
    pings = []
    ping = server_db.engine.dialect.do_ping
    monkeypatch.setattr(server_db.engine.dialect, "do_ping", lambda c: pings.append(1) or ping(c))
    first = backend(server_db)
    assert [backend(server_db) for _ in range(5)] == [first] * 5
    assert pings == []
    monkeypatch.setattr(server, "IDLE_PING_SECONDS", 0.0)
    assert backend(server_db) == first  # pinged, alive, kept
    assert pings == [1]


def test_every_connection_plans_for_a_server_whose_tables_are_in_memory(server_db):
    """The program's connections tell the planner that a random read costs little more
    than a sequential one (``server.PLANNER_OPTIONS``): with PostgreSQL's default (4) a
    coordinator's week in Översikt read all the insats's participations to test 920
    mapping sessions against the policy."""
    with server_db.reading() as session:
        assert session.execute(text("SHOW random_page_cost")).scalar_one() == "1.1"
    with server_db.session() as session:
        assert session.execute(text("SHOW random_page_cost")).scalar_one() == "1.1"


def test_a_read_asked_again_and_again_is_prepared_once(server_db):
    """A read ends by COMMIT on a server (``Database.reading``): psycopg prepares a
    statement after its fifth run on a connection but forgets every prepared one at a
    ROLLBACK, so a list's statements were parsed anew at every page. Planned at each
    run still (``plan_cache_mode``), with the values of that run."""
    from sqlalchemy import func, select

    from finsam_desktop.db.models import PersonRow

    def read():
        with server_db.reading() as session:
            return session.execute(select(func.count(PersonRow.id))).scalar_one()

    for _ in range(7):
        read()
    with server_db.reading() as session:
        prepared = (
            session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        )
        mode = session.execute(text("SHOW plan_cache_mode")).scalar_one()
    assert any("count(person.id)" in statement for statement in prepared), prepared
    assert mode == "force_custom_plan"
