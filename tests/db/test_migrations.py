"""Every released schema opens in this version with its data intact; a newer one is refused."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from finsam_desktop.db.migrate import (
    DatabaseTooNew,
    NotAFinsamDatabase,
    head_revisions,
    open_database,
    schema_state,
)
from finsam_desktop.services import organisation, persons

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema_*.sqlite"))


@pytest.mark.sqlite_only(reason="a new file")
def test_a_new_file_is_created_at_the_latest_revision(tmp_path):
    db = open_database(tmp_path / "new.sqlite")
    db.close()
    assert schema_state(tmp_path / "new.sqlite").revisions == head_revisions()
    assert not (tmp_path / "backups").exists()


@pytest.mark.sqlite_only(reason="SQLite's PRAGMAs")
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(db):
    with db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() >= 5000


def row_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in tables
            if t not in ("alembic_version", "sqlite_sequence")
        }
    finally:
        con.close()


@pytest.mark.sqlite_only(reason="the released schemas are SQLite fixture files")
def test_there_is_a_fixture_for_the_first_and_the_latest_released_schema():
    names = {p.stem for p in FIXTURES}
    assert "schema_0001" in names
    assert len(FIXTURES) >= 2


@pytest.mark.sqlite_only(reason="upgrades released SQLite fixture files")
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_every_released_schema_upgrades_with_its_data_intact(fixture, tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(fixture, path)
    before = schema_state(path)
    counts = row_counts(path)
    assert sum(counts.values()) > 0
    db = open_database(path)
    db.close()
    assert schema_state(path).revisions == head_revisions()
    after = row_counts(path)
    assert {t: after.get(t) for t in counts} == counts, "no table lost a row"
    if not before.is_current:
        backups = list((tmp_path / "backups").glob("old.before-upgrade-*.sqlite"))
        assert len(backups) == 1, "an older file is backed up before the upgrade"
        assert row_counts(backups[0]) == counts


@pytest.mark.sqlite_only(reason="reads a released SQLite fixture file")
def test_the_first_schema_reads_back_through_todays_services(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_0001.sqlite", path)
    db = open_database(path)
    try:
        with db.reading() as session:
            federation = organisation.get_federation(session)
            assert federation.name == "Samordningsförbundet Fixturbygden"
            insats = organisation.list_insatser(session)[0]
            assert insats.exclusion_criteria == ["Pågående missbruk"]
            assert {p.name for p in insats.meeting_places} == {"Teamets lokaler", "Kommunhuset"}
            retired = [m for m in organisation.list_municipalities(session, True) if not m.active]
            assert [m.name for m in retired] == ["Åkerby"]
            person = persons.find_by_personnummer(session, "19900101-9802")
            assert person.first_name == "Åsa" and person.municipality_id == 1
            assert persons.find_by_personnummer(session, "850214-9811").protected_identity
    finally:
        db.close()


# The file's indexes of expressions (FILE_ONLY_INDEXES), which SQLAlchemy cannot reflect.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_models_and_the_migrations_describe_the_same_schema(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from finsam_desktop.db.schema import (
        FILE_ONLY_INDEXES,
        SERVER_ONLY_COLUMNS,
        SERVER_ONLY_INDEXES,
        metadata,
    )

    undeclared = SERVER_ONLY_INDEXES | FILE_ONLY_INDEXES

    def declared(obj, name, kind, reflected, _compare_to):
        if kind == "column" and reflected and (obj.table.name, name) in SERVER_ONLY_COLUMNS:
            return False
        return not (kind == "index" and reflected and name in undeclared)

    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"render_as_batch": True, "include_object": declared}
        )
        differences = compare_metadata(context, metadata)
        reflected = inspect(connection)
        indexes = {i["name"] for t in metadata.tables for i in reflected.get_indexes(t)}
        columns = {(t, c["name"]) for t in metadata.tables for c in reflected.get_columns(t)}
    assert differences == []
    # The server has each of them, a file none: the list cannot keep a name that is gone.
    assert indexes & SERVER_ONLY_INDEXES == (SERVER_ONLY_INDEXES if db.on_server else set())
    assert columns & SERVER_ONLY_COLUMNS == (SERVER_ONLY_COLUMNS if db.on_server else set())
    # SQLAlchemy does not reflect an index of an expression: the file's own list.
    with db.engine.connect() as connection:
        if db.on_server:
            assert indexes & FILE_ONLY_INDEXES == set()
        else:
            listed = "SELECT name FROM sqlite_master WHERE type = 'index'"
            assert {name for (name,) in connection.exec_driver_sql(listed)} >= FILE_ONLY_INDEXES


@pytest.mark.sqlite_only(reason="a file; the server's refusal is tested below")
def test_a_file_from_a_newer_program_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")
    con.execute("INSERT INTO alembic_version VALUES ('9999')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as err:
        open_database(path)
    assert "nyare version" in str(err.value)
    assert path.read_bytes() == before


@pytest.mark.sqlite_only(reason="files; the server's refusal is tested below")
def test_a_file_that_is_not_ours_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    with pytest.raises(NotAFinsamDatabase):
        open_database(path)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(NotAFinsamDatabase):
        open_database(garbage)


def test_the_quick_revision_reading_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from finsam_desktop.db.migrate import alembic_config, known_revisions

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revisions() == frozenset(scripts.get_heads())
    assert known_revisions() == {s.revision for s in scripts.walk_revisions()}


# --- the same history on a PostgreSQL server (FINSAM_TEST_PG_URL) ------------------------------


@pytest.fixture
def server(postgres):
    if postgres is None:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    return postgres


def test_an_empty_server_database_is_built_and_upgraded_by_the_same_history(server):
    """The migrations up to 0011, data in it, then the program upgrades it to the head."""
    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.migrate import upgrade
    from finsam_desktop.db.models import FederationRow

    location = server.empty()
    try:
        assert schema_state(location).is_new
        old = Database(location)
        upgrade(old, "0011")
        with old.session() as session:  # the federation table is the same at 0011
            session.add(FederationRow(id=1, name="Samordningsförbundet Fixturbygden"))
        old.close()
        assert schema_state(location).revisions == {"0011"}
        db = open_database(location)
        try:
            assert schema_state(location).revisions == head_revisions()
            with db.reading() as session:
                federation = organisation.get_federation(session)
            assert federation.name == "Samordningsförbundet Fixturbygden"
        finally:
            db.close()
    finally:
        server.drop(location)


def test_a_server_database_from_a_newer_program_or_of_another_program_is_refused(server):
    from sqlalchemy import text

    location = server.new()
    try:
        raw = open_database(location)
        with raw.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        raw.close()
        with pytest.raises(DatabaseTooNew) as err:
            open_database(location)
        assert "nyare version" in str(err.value)
    finally:
        server.drop(location)
    other = server.empty()
    try:
        raw = server.connect(other)
        raw.execute("CREATE TABLE x (a integer)")
        raw.close()
        with pytest.raises(NotAFinsamDatabase) as err:
            open_database(other)
        assert "postgresql://" in str(err.value) and "inte en Finsam" in str(err.value)
    finally:
        server.drop(other)


def test_an_unreachable_server_is_a_message_not_a_traceback(server):
    from finsam_desktop.db.migrate import ServerUnreachable
    from finsam_desktop.problems import user_message

    location = server.location("finsam_no_such_database")
    with pytest.raises(ServerUnreachable) as err:
        open_database(location)
    assert "kunde inte nås" in user_message(err.value)


def test_a_server_where_pg_trgm_cannot_be_created_is_upgraded_without_the_trigram_indexes(
    server,
):
    """Migration 0018: a role that may not create the extension (here: no CREATE on the
    database, as when the IT department keeps extensions to itself) still gets the whole
    schema, without the two trigram indexes, and its searches find the same persons."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from finsam_desktop.db.models import PersonRow
    from finsam_desktop.db.server import engine_url
    from finsam_desktop.services.persons import person_name_key

    location = server.empty()
    role = f"finsam_no_ext_{os.getpid()}"
    name = make_url(location).database
    server._run(f'CREATE ROLE "{role}" LOGIN')
    try:
        with server.admin.connect() as admin:  # the database's public schema, not the database
            admin.execute(text(f'REVOKE CREATE ON DATABASE "{name}" FROM PUBLIC'))
        owner = create_engine(engine_url(location), isolation_level="AUTOCOMMIT")
        with owner.connect() as c:
            c.execute(text(f'GRANT ALL ON SCHEMA public TO "{role}"'))
        owner.dispose()
        as_role = make_url(location).set(username=role).render_as_string(False)
        db = open_database(as_role)
        try:
            assert schema_state(as_role).revisions == head_revisions()
            with db.engine.connect() as c:
                indexes = set(c.execute(text("SELECT indexname FROM pg_indexes")).scalars())
                extensions = set(c.execute(text("SELECT extname FROM pg_extension")).scalars())
            assert "pg_trgm" not in extensions
            assert "ix_person_name_key_trgm" not in indexes
            assert "ix_referral_answer_sort_due_nulls_first" in indexes
            with db.session() as s:
                s.add(
                    PersonRow(
                        personnummer="198501019801",
                        first_name="Åsa",
                        last_name="Påhittsson",
                        name_key=person_name_key("Åsa", "Påhittsson"),
                        gender="kvinna",
                        protected_identity=False,
                        phone="",
                        email="",
                        street="Påhittsgatan 1",
                        postcode="12345",
                        city="Exempelbygden",
                        version=1,
                    )
                )
            found = persons.person_list(db).page(0, 10, None, False, "hittsson")
            assert [r.values[1] for r in found] == ["Påhittsson"]
        finally:
            db.close()
    finally:
        server.drop(location)
        server._run(f'DROP ROLE IF EXISTS "{role}"')
