"""Registerutdrag: everything about one person, as a PDF read back with pypdf."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from finsam_desktop.db.migrate import open_database
from finsam_desktop.domain.errors import NotFound
from finsam_desktop.i18n import set_language
from finsam_desktop.reports import register_extract_pdf
from finsam_desktop.services import register_extract
from tests.services.person_history import SECRET_NOTE, add_person_with_history, organisation


@pytest.fixture
def db(tmp_path):
    set_language("sv")
    database = open_database(tmp_path / "t.sqlite")
    with database.session() as s:
        org = organisation(s)
        database.asa = add_person_with_history(s, org, date(1990, 1, 1), 2025, 1)
        database.other = add_person_with_history(
            s, org, date(1991, 2, 2), 2025, 2, first="Örjan", last="Övningström"
        )
    yield database
    database.close()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_extract_holds_every_table_about_the_person_and_nobody_else(db):
    with db.session() as s:
        pid = register_extract.find_person(s, "19900101-9810")
        assert pid == db.asa
        extract = register_extract.build_extract(s, pid, datetime(2026, 11, 22, 10, 0))
    titles = [section.title for section in extract.sections]
    for title in (
        "Personuppgifter",
        "Remisser",
        "Deltaganden",
        "Skickade brev",
        "Akt",
        "Händelser i ärendet",
        "Handlingsplaner",
        "Mål i handlingsplanen",
    ):
        assert title in titles, titles
    person = dict(extract.sections[0].records[0].fields)
    assert person["Förnamn"] == "Åsa" and person["Kön"] == "Kvinna"
    assert person["Personnummer"] == "19900101-9810"
    assert extract.name == "Åsa Testberg"

    data = register_extract_pdf.render(extract)
    body = pdf_text(data)
    assert "Registerutdrag" in body
    assert "Åsa" in body and "Påhittsgatan 1" in body and "19900101-9810" in body
    assert SECRET_NOTE[:30] in body.replace("\n", " ")
    assert "Exempelsson" in body  # the referring officer
    assert "Örjan" not in body and "Övningström" not in body


def test_making_an_extract_is_logged_as_a_printout(db):
    with db.session() as s:
        register_extract.build_extract(s, db.asa)
    with db.reading() as s:
        n = s.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'output' AND person_id = :p"),
            {"p": db.asa},
        ).scalar_one()
    assert n == 1


def test_an_unknown_number_says_so(db):
    with db.session() as s, pytest.raises(NotFound):
        register_extract.find_person(s, "19800101-9812")


def test_long_text_in_the_records_never_breaks_the_extract(db):
    """Found: a 4,000-character journal note made the extract fail with a LayoutError,
    and a 1 MB name took minutes. Every free text at 100,000 characters, and a 4,000
    character note, lay out across pages in bounded time."""
    import time

    note = ("Ett långt samtal om arbete och hälsa. " * 110)[:4000]
    huge = ("Åsa berättade om sin vecka och sina mål. " * 2500)[:100_000]
    with db.session() as s:
        s.execute(text("UPDATE case_event SET text = :t"), {"t": note})
        s.execute(text("UPDATE case_file SET summary = :t, recommendations = :t"), {"t": huge})
        s.execute(text("UPDATE plan_revision SET note = :t"), {"t": "x" * 100_000})
        s.execute(text("UPDATE person SET first_name = :t WHERE id = :p"), {"t": huge, "p": db.asa})
        extract = register_extract.build_extract(s, db.asa, datetime(2026, 11, 22, 10, 0))
    started = time.process_time()
    data = register_extract_pdf.render(extract)
    assert time.process_time() - started < 10
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) > 20
    body = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert note[:200] in body
    assert "Åsa berättade om sin vecka" in body
