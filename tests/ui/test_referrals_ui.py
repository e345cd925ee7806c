"""The front door driven through the real widgets: book a meeting, print the kallelse,
register the referral, decide, print the remissvar, enrol; bad input next to fields."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from finsam_desktop.domain.referrals import Decision, ReferralStatus
from finsam_desktop.services import (
    letter_archive,
    letter_templates,
    organisation,
    referrals,
)
from finsam_desktop.services.referral_list import STATUS_OPEN
from finsam_desktop.ui.pages.referrals import ReferralsPage
from finsam_desktop.ui.widgets.forms import set_choice
from finsam_desktop.ui.widgets.pdf_view import page_images, paint_pdf

PNR = "20020202-9807"  # valid check digit, test range (birth number 980)


@pytest.fixture
def page(ctx, qtbot):
    widget = ReferralsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def team(ctx):
    with ctx.db.reading() as s:
        insats = next(i for i in organisation.list_insatser(s) if i.name.startswith("Samverk"))
        staff = [x for x in organisation.list_staff(s) if x.insats_id == insats.id]
        parties = {p.short_name: p.id for p in organisation.list_parties(s)}
    return insats, staff, parties


def fill_new_person(fields, pnr=PNR):
    fields.pnr.setText(pnr)
    fields.look_up()
    fields.first.setText("Märta")
    fields.last.setText("Övningsberg")
    fields.street.setText("Exempelgränd 3")
    fields.postcode.setText("999 40")
    fields.city.setText("Björkhälla")


def pdf_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_list_filters_and_searches(page, ctx):
    model = page.panel.model
    everything = model.rowCount()
    assert everything > 0
    set_choice(page.filters["status"], STATUS_OPEN)
    assert model.rowCount() < everything
    set_choice(page.filters["status"], None)
    first = model.row_at(0)
    surname = first.values[2].split(",")[0]
    model.set_search(surname)
    assert 0 < model.rowCount() <= everything
    assert all(surname in model.row_at(i).values[2] for i in range(model.rowCount()))


def test_meeting_kallelse_referral_decision_remissvar_enrolment(
    page, ctx, team, qtbot, tmp_path, monkeypatch
):
    insats, staff, parties = team
    saved_files: list[Path] = []

    def fake_save(_parent, _title, name, _filter):
        target = tmp_path / name
        saved_files.append(target)
        return str(target), ""

    monkeypatch.setattr("finsam_desktop.ui.widgets.pdf_view.QFileDialog.getSaveFileName", fake_save)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    # 1. Book the information meeting: one attendee twice is refused next to the field.
    meeting = page.new_meeting()
    set_choice(meeting.insats, insats.id)
    fill_new_person(meeting.person)
    set_choice(meeting.person.municipality, _municipality(ctx, "Björkhälla"))
    meeting.propose(force=True)
    assert meeting.place_name.text() == "Arbetsförmedlingen Björkhälla"
    meeting.meeting_date.setDate(QDate(2026, 12, 3))
    meeting.time.setText("10:00")
    set_choice(meeting.staff1, staff[0].id)
    set_choice(meeting.staff2, staff[0].id)
    set_choice(meeting.remittent.party, parties["AF"])
    meeting.remittent.name.setText("Rut Remissdotter")
    meeting.remittent.address.setPlainText("Arbetsförmedlingen\nBox 7\n999 41 Björkhälla")
    meeting.mark_dirty()
    meeting.accept()
    assert meeting.isVisible()
    assert meeting.fields.error_text("staff2_id")
    assert meeting.person.first.text() == "Märta"  # what was typed is kept
    set_choice(meeting.staff2, staff[1].id)

    # 2. Save and print (here: save as PDF) the kallelse; it is recorded on the case.
    preview = meeting.save_and_show_kallelse()
    problems = {k: v.text() for k, v in meeting.fields._errors.items() if v.text()}
    assert preview is not None, (meeting.banner.text(), problems)
    assert len(preview.preview.pages) == 2
    assert preview.save_letter()
    first, copy = pdf_text(saved_files[-1].read_bytes())
    for needle in ("Märta", "2026-12-03", "10:00", "Storgatan 1", staff[0].name, staff[1].name):
        assert needle in first
    assert "Box 7" in copy
    assert "20020202" not in first.replace("-", "")
    booked = meeting.meeting
    with ctx.db.reading() as s:
        assert [x.kind for x in letter_archive.sent_letters(s, person_id=booked.person_id)] == [
            letter_templates.KALLELSE
        ]
    meeting.accept()

    # 3. Register the referral from the meeting; bad input first.
    dialog = page.new_referral(booked)
    dialog.arrived.setDate(QDate.currentDate().addDays(3))
    dialog.mark_dirty()
    dialog.accept()
    assert dialog.fields.error_text("arrived_on")
    assert dialog.fields.error_text("remittent_name") == ""  # taken from the meeting
    dialog.arrived.setDate(QDate.currentDate().addDays(-2))
    dialog.parties.set_chosen([parties["AF"], parties["FK"]])
    dialog.reason.setPlainText("Behöver samordnat stöd.")
    dialog.accept()
    assert not dialog.isVisible()
    case = page.dialog  # the referral screen opens after saving
    referral = case.case.referral
    assert referral.status is ReferralStatus.RECEIVED
    assert referral.info_meeting_id == booked.id
    assert len(case.case.letters) == 1  # the kallelse shows on the referral

    # 4. Decision: reject without reason is refused, then accepted.
    decision = case.decide()
    set_choice(decision.decision, Decision.REJECT)
    decision.mark_dirty()
    decision.accept()
    assert decision.fields.error_text("reason")
    set_choice(decision.decision, Decision.ACCEPT)
    set_choice(decision.contact1, staff[2].id)
    set_choice(decision.contact2, staff[3].id)
    decision.accept()
    assert not decision.isVisible()
    assert case.case.referral.status is ReferralStatus.ACCEPTED

    # 5. The remissvar: saved, recorded, and the answer marked as sent today.
    answer = case.show_remissvar()
    assert answer.save_letter()
    text = pdf_text(saved_files[-1].read_bytes())[0]
    for needle in (staff[2].name, staff[3].name, staff[2].phone, "Rut Remissdotter"):
        assert needle in text
    assert case.case.referral.answer_sent_on == date.today()

    # 6. Enrolment: the same person twice is refused; then enrolled with a planned end.
    enrolment = case.enrol()
    set_choice(enrolment.contact, staff[0].id)
    set_choice(enrolment.second, staff[0].id)
    enrolment.accept()
    assert enrolment.fields.error_text("second_contact_person_id")
    set_choice(enrolment.second, staff[1].id)
    enrolment.af.setChecked(True)
    # The situation at entry: given in part, every missing field is named.
    income = enrolment.entry["income_source_id"]
    income.setCurrentIndex(1)
    enrolment.accept()
    assert enrolment.isVisible()
    assert enrolment.fields.error_text("occupation_id")
    for box in enrolment.entry.values():
        box.setCurrentIndex(1)
    enrolment.accept()
    assert not enrolment.isVisible()
    participation = case.case.participation
    assert participation.contact_person_id == staff[0].id
    assert participation.planned_end.year == date.today().year + 1
    from finsam_desktop.services import closing

    with ctx.db.reading() as s:
        entry = closing.entry_situation(s, participation.id)
    assert entry.income_source_id == income.itemData(1)
    assert not entry.empty

    # 7. A sent letter re-opens byte for byte.
    case.letter_list.setCurrentRow(0)
    reopened = case.open_sent_letter(case.letter_list.currentItem())
    with ctx.db.reading() as s:
        sent = letter_archive.sent_letters(s, referral_id=referral.id)
        assert reopened.pdf == letter_archive.sent_letter_pdf(s, sent[0].id)


def test_bad_personnummer_and_second_open_referral_are_named(page, ctx, team):
    insats, _staff, parties = team
    dialog = page.new_referral(ask_draft=False)
    set_choice(dialog.insats, insats.id)
    dialog.person.pnr.setText("19900101-1235")
    dialog.person.look_up()
    assert dialog.fields.error_text("personnummer")
    dialog.accept()
    assert dialog.fields.error_text("personnummer")
    assert dialog.fields.error_text("remittent_name")
    assert dialog.person.pnr.text() == "19900101-1235"
    # A person who already has an open referral to the insats.
    with ctx.db.reading() as s:
        open_one = referrals.due_answers(s, date.today() + timedelta(days=30))
    if open_one:
        with ctx.db.reading() as s:
            existing = referrals.get_referral(s, open_one[0].referral_id)
            person = referrals.persons.get_person(s, existing.person_id)
        set_choice(dialog.insats, existing.insats_id)
        dialog.person.pnr.setText(person.personnummer.formatted())
        dialog.person.look_up()
        set_choice(dialog.remittent.party, parties["AF"])
        dialog.remittent.name.setText("Bo Handläggarsson")
        dialog.accept()
        assert existing.case_number in dialog.fields.error_text("personnummer")


def test_half_filled_referral_survives_as_a_draft(page, ctx, qtbot):
    dialog = page.new_referral(ask_draft=False)
    fill_new_person(dialog.person, "20030303-9812")
    dialog.reason.setPlainText("Påbörjad remiss som inte hann sparas.")
    dialog.mark_dirty()
    dialog.save_draft()
    dialog.deleteLater()  # the window goes away without saving (power cut, crash)
    again = page.new_referral(ask_draft=False)
    assert again.reason.toPlainText() == "Påbörjad remiss som inte hann sparas."
    assert again.person.first.text() == "Märta"


def test_printing_paints_every_page(ctx, tmp_path, qapp):
    from PySide6.QtPrintSupport import QPrinter

    from finsam_desktop.reports.letters import Letter, Letterhead, render_letters

    head = Letterhead("Samordningsförbundet Exempelbygden")
    pdf = render_letters([Letter(head, ["Åsa Ö"], date(2026, 11, 22), "R1", "Ämne", ["Text"])] * 2)
    assert len(page_images(pdf)) == 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    paint_pdf(pdf, printer)
    assert len(PdfReader(str(target)).pages) == 2


def _municipality(ctx, name: str) -> int:
    with ctx.db.reading() as s:
        return next(m.id for m in organisation.list_municipalities(s) if m.name == name)


def test_home_municipality_suggests_insats_and_place(page, ctx, team):
    insats, _staff, _parties = team
    meeting = page.new_meeting()
    fill_new_person(meeting.person, "20030303-9812")
    set_choice(meeting.person.municipality, _municipality(ctx, "Åkerby"))
    meeting.person.municipality.activated.emit(meeting.person.municipality.currentIndex())
    assert meeting.insats.currentData() == insats.id
    assert meeting.place_name.text() == "Kommunhuset"
    assert meeting.place_city.text() == "Åkerby"
    meeting.place_name.setText("Biblioteket")
    meeting.place_name.textEdited.emit("Biblioteket")
    meeting.person.municipality.activated.emit(meeting.person.municipality.currentIndex())
    assert meeting.place_name.text() == "Biblioteket"  # a place typed by hand stays
