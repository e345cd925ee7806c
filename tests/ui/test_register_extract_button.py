"""The person dialog's Registerutdrag button writes the PDF and logs the printout."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import text

from finsam_desktop.ui.pages.persons.register_extract import (
    default_file_name,
    save_register_extract,
)


def test_the_button_is_there_for_a_saved_person_and_writes_the_pdf(ctx, window, tmp_path):
    page = window.show_page("participants")
    person_id = page.panel.model.id_at(0)
    dialog = page.open_person(person_id)
    labels = [b.text() for b in dialog.buttons.buttons()]
    assert "Registerutdrag…" in labels
    assert "Registerutdrag…" not in [b.text() for b in page.new_person().buttons.buttons()]

    out = tmp_path / default_file_name(person_id)
    assert save_register_extract(dialog, ctx, person_id, str(out)) == out
    body = "".join(p.extract_text() for p in PdfReader(BytesIO(out.read_bytes())).pages)
    assert "Registerutdrag" in body and dialog.first.text() in body
    with ctx.db.reading() as s:
        logged = s.execute(
            text("SELECT count(*) FROM audit_log WHERE action='output' AND person_id=:p"),
            {"p": person_id},
        ).scalar_one()
    assert logged == 1
    assert str(person_id) in out.name and dialog.last.text() not in out.name
