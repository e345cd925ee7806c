"""No stored code in anything a person reads: every enum of domain/ and services/ has
Swedish words for each value, every column that stores an enum's values is registered
with field_labels.code_label, and every value, stored in the demo database, prints as
its words in the registerutdrag, the access log and the list of sent letters."""

from __future__ import annotations

import enum
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import JSON, String, select, text, update

from finsam_desktop.db.schema import metadata
from finsam_desktop.reports import register_extract_pdf
from finsam_desktop.services import letter_templates, log_review, register_extract
from finsam_desktop.services.field_labels import (
    INTERNAL_ENUMS,
    _coded_columns,
    code_label,
    column_label,
    enum_classes,
)
from finsam_desktop.services.person_records import person_tables

ENUMS = [e for e in enum_classes() if e.__name__ not in INTERNAL_ENUMS]


def _reads_as_code(value: str, words: str) -> bool:
    """A label that is its code: "in_progress", or a code that is not a word at all."""
    if not words.strip():
        return True
    if words == value and (not value.isalpha() or not value.islower()):
        return True
    return bool(re.fullmatch(r"[a-z]+(_[a-z]+)+", words))


def test_every_enum_is_found_and_the_internal_ones_are_named():
    names = {e.__name__ for e in enum_classes()}
    assert {"GoalStatus", "MeetingOutcome", "ContactKind", "Role", "Action"} <= names
    assert names >= INTERNAL_ENUMS  # an allowance for an enum that no longer exists fails


@pytest.mark.parametrize("kind", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_value_has_swedish_words(kind: type[enum.Enum]):
    for member in kind:
        words = member.label
        assert isinstance(words, str)
        assert not _reads_as_code(str(member.value), words), (kind.__name__, member.value, words)
        if "_" in str(member.value):
            assert words != member.value


@pytest.fixture
def demo_with_letter(demo_db):
    """The demo with a closing letter recorded (the demo sends no letters itself)."""
    from datetime import datetime

    from finsam_desktop.db.referral_models import SentLetterRow

    with demo_db.session() as s:
        person_id = s.scalar(text("SELECT person_id FROM participation ORDER BY id LIMIT 1"))
        s.add(
            SentLetterRow(
                person_id=person_id,
                kind=letter_templates.CLOSING_SUMMARY,
                recipient="Remittent",
                subject="Sammanfattning vid avslut",
                reference="R2026-00014",
                sent_at=datetime(2026, 12, 1, 10, 0),
                sent_by="karin",
                pdf=b"%PDF-1.4",
            )
        )
    return demo_db


def _stored_values(db, table: str, column: str) -> set[str]:
    values: set[str] = set()
    col = metadata.tables[table].c[column]
    # PostgreSQL has no equality for json: DISTINCT only on the other columns.
    stmt = select(col) if isinstance(col.type, JSON) else select(col).distinct()
    with db.reading() as s:
        for (value,) in s.execute(stmt):
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v:
                    values.add(v)
    return values


def test_every_column_that_stores_codes_says_them_in_words(demo_db):
    """Found by the data: a text column whose values in the demo are all values of one
    enum must be registered, so a new coded column cannot print its codes."""
    coded = _coded_columns()
    codes = [{str(m.value) for m in e} - {""} for e in ENUMS]
    missing = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | JSON) or column.foreign_keys:
                continue
            values = _stored_values(demo_db, table.name, column.name)
            if not values or all(v.isdigit() for v in values):
                continue
            if any(values <= c for c in codes) and (table.name, column.name) not in coded:
                missing.append((table.name, column.name, sorted(values)[:3]))
    assert missing == []


def _person_with_row(session, table) -> tuple[int, dict] | None:
    """A person of the demo with a row in ``table`` (found through the person's records)."""
    from finsam_desktop.services.person_records import collect

    for person_id in session.scalars(text("SELECT id FROM person ORDER BY id")).all():
        rows = collect(session, [person_id]).of(person_id)
        if rows.get(table.name):
            return person_id, rows[table.name][0]
    return None


def test_every_stored_code_prints_as_words_in_the_registerutdrag(demo_with_letter):
    demo_db = demo_with_letter
    person_table_names = {t.name for t, _links in person_tables()}
    checked = []
    for (table_name, column_name), coded in _coded_columns().items():
        if table_name not in person_table_names:
            continue
        table = metadata.tables[table_name]
        with demo_db.reading() as s:
            found = _person_with_row(s, table)
        assert found is not None, f"the demo has no {table_name} row to try the codes on"
        person_id, row = found
        key = next(iter(table.primary_key.columns))
        values = [str(m.value) for m in coded] if isinstance(coded, type) else []
        if not isinstance(coded, type):  # the letter kinds
            values = list(letter_templates.KIND_LABELS)
        for value in [v for v in values if v]:
            stored = [value] if isinstance(table.c[column_name].type, JSON) else value
            with demo_db.session() as s:
                s.execute(update(table).where(key == row[key.name]).values({column_name: stored}))
                extract = register_extract.build_extract(s, person_id)
            label = column_label(column_name, table_name)
            shown = [
                v
                for section in extract.sections
                for record in section.records
                for k, v in record.fields
                if k == label
            ]
            words = code_label(table_name, column_name, stored)
            assert words in shown, (table_name, column_name, value, shown)
            assert value not in shown or words == value, (table_name, column_name, value)
            checked.append((table_name, column_name, value))
    # The PDF of the last extract reads the same words.
    pdf_text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(register_extract_pdf.render(extract))).pages
    )
    assert "in_progress" not in pdf_text and "not_started" not in pdf_text
    assert {t for t, _c, _v in checked} >= {"plan_goal", "case_contact", "info_meeting"}


def test_no_raw_code_in_the_registerutdrag_of_every_demo_person(demo_db):
    """Every value every enum can store, read back from the whole demo's extracts."""
    raw = {str(m.value) for e in ENUMS for m in e if "_" in str(m.value)}
    raw |= set(letter_templates.KIND_LABELS)
    with demo_db.session() as s:
        people = s.scalars(text("SELECT id FROM person ORDER BY id LIMIT 25")).all()
        for person_id in people:
            extract = register_extract.build_extract(s, person_id)
            values = {v for sec in extract.sections for r in sec.records for _k, v in r.fields}
            values |= {what for _when, _who, what in extract.access_log}
            assert not (values & raw), (person_id, values & raw)


def test_letter_kinds_and_printouts_read_as_words():
    for kind in letter_templates.KIND_LABELS:
        assert letter_templates.kind_label(kind) != kind
        assert kind not in log_review.describe("output", None, "letter:" + kind)
        assert kind not in log_review.describe("output", None, "letter-copy:" + kind)
        assert kind not in log_review.describe("output", None, kind)
    assert (
        letter_templates.kind_label("closing_summary")
        == "Sammanfattning vid avslut till remittenten"
    )
    for printout in ("mapping", "plan", "registerutdrag", "lots-summary-pdf"):
        assert log_review.describe("output", None, printout) != printout


def test_the_access_log_says_changed_codes_in_words():
    details = {"changed": {"status": ["not_started", "in_progress"]}}
    assert log_review.summarise_details(details, "plan_goal") == "Status: Inte påbörjat → Pågår"


def test_sent_letters_list_their_kind_in_words(demo_with_letter):
    from finsam_desktop.services import letter_archive

    with demo_with_letter.session() as s:
        kinds = {row.kind for row in letter_archive.sent_letters(s)}
    assert kinds
    for kind in kinds:
        assert letter_templates.kind_label(kind) != kind
