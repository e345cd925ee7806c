"""The read-only path without SQLAlchemy (db/fast_query.py): its SQL is the statements'
own, compiled again here; it gives the same summary as a Session; it refuses every file
it may not read as the program would."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from finsam_desktop.db.fast_query import FastReader, compile_for_sqlite, open_reader
from finsam_desktop.db.migrate import head_revisions
from finsam_desktop.services import lots_summary as service
from finsam_desktop.services import lots_summary_sql
from finsam_desktop.services.access import AccessDenied, Role, User

ROOT = Path(__file__).resolve().parents[2]


def generator():
    spec = importlib.util.spec_from_file_location("fast_queries", ROOT / "scripts/fast_queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_module_is_compiled_from_its_statements():
    """One definition: the kept SQL text is what the SQLAlchemy statements compile to now
    (run scripts/fast_queries.py after changing a statement or adding a migration)."""
    fast_queries = generator()
    for source, target in fast_queries.GENERATED.items():
        kept = fast_queries.target_path(target).read_text(encoding="utf-8")
        assert kept == fast_queries.expected_text(source), f"{target} is out of date"
    assert compile_for_sqlite(service.statements()) == lots_summary_sql.QUERIES
    assert set(lots_summary_sql.HEADS) == set(head_revisions())


def test_a_changed_statement_no_longer_matches_the_kept_text(monkeypatch):
    from sqlalchemy import select

    from finsam_desktop.db.models import MunicipalityRow

    changed = dict(service.statements())
    changed["municipalities"] = select(MunicipalityRow.id, MunicipalityRow.name).order_by(
        MunicipalityRow.id
    )
    assert compile_for_sqlite(changed) != lots_summary_sql.QUERIES


def test_a_column_the_reader_cannot_convert_is_refused():
    from sqlalchemy import select

    from finsam_desktop.db.security_models import AuditRow

    with pytest.raises(TypeError):
        compile_for_sqlite({"when": select(AuditRow.at)})


def test_the_converters_do_what_sqlalchemy_does():
    from sqlalchemy import JSON, Boolean, Date
    from sqlalchemy.dialects import sqlite

    from finsam_desktop.db.fast_query import CONVERTERS

    dialect = sqlite.dialect()
    samples = {
        "bool": (Boolean(), [0, 1, None]),
        "date": (Date(), ["2026-01-02", "1999-12-31", None]),
        "json": (JSON(), [81, 1.5, '"text"', '{"a": [1, 2]}', "[1]", "null", "true", None]),
    }
    assert set(samples) == set(CONVERTERS)
    for name, (kind, values) in samples.items():
        processor = kind.dialect_impl(dialect).result_processor(dialect, None)
        for value in values:
            assert CONVERTERS[name](value) == processor(value), (name, value)


@pytest.fixture
def plain_demo(tmp_path):
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import demo, lots

    path = tmp_path / "plain.sqlite"
    db = open_database(path)
    demo.fill(db, participants=40, lots=300)
    with db.session() as session:
        lots.set_satisfaction_goal(session, 81)
        category = lots.list_categories(session, service.CategoryKind.QUESTION)[0]
        lots.save_category(session, replace(category, active=False))  # retired, still counted
    yield db, path
    db.close()


def periods(db):
    with db.reading() as session:
        municipalities = [mid for mid, _name in service._rows(session, "municipalities")]
    for year in (2024, 2025, 2026):
        yield date(year, 1, 1), date(year, 12, 31), None
    yield date(2025, 7, 1), date(2026, 3, 31), municipalities[0]
    yield date(2026, 1, 1), date(2026, 12, 31), municipalities[-1]


def test_the_reader_gives_the_summary_a_session_gives(plain_demo):
    db, path = plain_demo
    reader = open_reader(path, lots_summary_sql.HEADS)
    assert isinstance(reader, FastReader)
    try:
        compared = 0
        for start, end, municipality in periods(db):
            with db.reading() as session:
                expected = service.lots_summary(session, start, end, municipality)
                name = service.federation_name(session)
            got = service.lots_summary(reader, start, end, municipality)
            assert got == expected
            assert got.survey.goal_percent == 81
            assert service.federation_name(reader) == name != ""
            compared += expected.cases
        assert compared > 0
        retired = [r for b in expected.breakdowns for r in b.rows if "(" in r.label]
        assert retired or expected.cases == 0
    finally:
        reader.close()


def test_the_reader_checks_the_role_as_a_session_does(plain_demo, monkeypatch):
    from finsam_desktop.services import access

    _db, path = plain_demo
    reader = open_reader(path, lots_summary_sql.HEADS)
    try:
        assert reader.info["user"] is None  # the program, as a plain file opened without --user
        reader.info["user"] = User(1, "x", "X", Role.STATISTICS)
        assert service.lots_summary(reader, date(2026, 1, 1), date(2026, 12, 31)).cases > 0
        monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.STATISTICS, frozenset())
        with pytest.raises(AccessDenied):
            service.lots_summary(reader, date(2026, 1, 1), date(2026, 12, 31))
    finally:
        reader.close()


def test_the_reader_changes_nothing_in_the_file(plain_demo):
    db, path = plain_demo
    db.checkpoint()
    db.close()
    before = path.read_bytes()
    reader = open_reader(path, lots_summary_sql.HEADS)
    service.lots_summary(reader, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(sqlite3.OperationalError):
        reader.connection.execute("DELETE FROM municipality")
    reader.close()
    assert path.read_bytes() == before


def test_the_reader_refuses_what_it_may_not_read(plain_demo, tmp_path):
    db, path = plain_demo
    assert open_reader(path, ["0001"]) is None  # another schema: upgraded or too new
    assert open_reader(tmp_path / "missing.sqlite", lots_summary_sql.HEADS) is None
    text = tmp_path / "text.sqlite"
    text.write_text("not a database")
    assert open_reader(text, lots_summary_sql.HEADS) is None
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    assert open_reader(empty, lots_summary_sql.HEADS) is None  # no alembic_version
    # An SQLCipher file starts with random salt, not SQLite's header.
    encrypted = tmp_path / "encrypted.sqlite"
    shutil.copy(path, encrypted)
    with open(encrypted, "r+b") as fh:
        fh.write(b"\x8f" * 16)
    assert open_reader(encrypted, lots_summary_sql.HEADS) is None
