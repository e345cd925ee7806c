"""Logguppföljning: filter the access log and export it; the export is itself logged."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox

from finsam_desktop.db.models import PersonRow
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.services import persons
from finsam_desktop.services.access import AccessDenied
from finsam_desktop.ui.pages.admin.log_review import LogReviewPage


def test_review_shows_who_opened_which_person_and_exports(sign_in, tmp_path, qtbot, monkeypatch):
    coordinator = sign_in("samordnare")
    coordinator.runner.read(persons.get_person, 3)
    coordinator.db.close()

    ctx = sign_in("demo")
    page = LogReviewPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.reading() as s:  # read without opening the case (that would be logged)
        person = s.get(PersonRow, 3)
        person = SimpleNamespace(
            first_name=person.first_name,
            last_name=person.last_name,
            number=PersonalNumber(person.personnummer).formatted(),
        )
    page.person.setText("12345")
    page.apply_filters()
    assert page.panel.model.rowCount() == 0
    page.person.setText(person.number)
    page.apply_filters()
    page.action.setCurrentIndex(page.action.findData("view"))
    model = page.panel.model
    # The coordinator's opening, and the administrator's own look-up by personnummer here.
    assert model.rowCount() == 2
    rows = {model.row_at(i).values[1]: model.row_at(i).values for i in range(2)}
    row = rows["samordnare"]
    assert row[2] == "Öppnad" and row[3] == "Person"
    assert row[5] == f"{person.last_name}, {person.first_name} (3)"
    assert rows["demo"][3] == "Sökning på personnummer"

    xlsx = page.export_to(tmp_path / "log.xlsx", "xlsx")
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][:3] == ["Tid", "Användare", "Händelse"]
    assert sheet.max_row == 3 and sheet["B2"].value == "samordnare"
    page.person.setText("19991231-0000")  # not a valid number: nobody, and it says so
    page.apply_filters()
    assert model.rowCount() == 0 and page.person_note.text()

    page.action.setCurrentIndex(page.action.findData("output"))
    page.person.clear()
    assert model.rowCount() == 1  # the export just made is in the log
    path = page.export_to(tmp_path / "log.csv", "csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[1][1] == "demo" and rows[1][3] == "access-log-xlsx"

    shown = {}
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, _t, text: shown.setdefault("t", text)
    )
    page.verify()
    assert "Loggen är hel" in shown["t"]
    ctx.db.close()


def test_statistics_and_coordinator_never_see_the_log(sign_in, qtbot):
    for username in ("statistik", "samordnare"):
        ctx = sign_in(username)
        with pytest.raises(AccessDenied):
            LogReviewPage(ctx)
        ctx.db.close()


def test_review_shows_the_head_to_note_and_names_a_tampering(sign_in, qtbot, monkeypatch):
    from finsam_desktop.services import audit

    ctx = sign_in("demo")
    page = LogReviewPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.reading() as s:
        head = audit.chain_head(s)
    assert (
        head.hash in page.head_label.text() and f"{head.entries} poster" in page.head_label.text()
    )
    con = ctx.db.raw_connect()  # someone with the key removes the newest entries
    con.execute("DROP TRIGGER audit_log_keep_five_years")
    con.execute("DELETE FROM audit_log WHERE id > ?", (head.last_id - 2,))
    con.close()
    shown = {}
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.setdefault("t", text))
    page.verify()
    assert "i slutet av loggen har tagits bort" in shown["t"]
    assert f"post {head.last_id - 1}" in shown["t"] and "logganker" in shown["t"]
    ctx.db.close()
