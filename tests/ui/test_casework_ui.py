"""The case screen, Översikt and the case-work settings, driven as a coordinator would,
on a fixed calendar (the screens' clock is pinned)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from casework_fixtures import enrol_participant
from pypdf import PdfReader
from PySide6.QtCore import QDate, QSettings

from finsam_desktop.domain.casework import CaseStatus, ReminderKind
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.services import case_options, casework, closing, mapping, plans

TODAY = date(2026, 11, 22)  # the day the `clock` fixture of conftest.py pins


@pytest.fixture
def case_ctx(db, tmp_path, qapp, clock):
    from finsam_desktop.services import demo
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner

    with db.session() as s:
        demo.create_organisation(s)
    case = enrol_participant(db)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("casework/staff_id", case["staff"][0])
    return AppContext(db, OperationRunner(db), settings), case


@pytest.fixture
def screen(case_ctx, qtbot):
    from finsam_desktop.ui.pages.case.case_window import CaseWindow

    ctx, case = case_ctx
    window = CaseWindow(ctx, case["participation"])
    qtbot.addWidget(window)
    window.show()
    return window


def test_overview_at_a_glance(screen):
    assert "Märta Åkerprov" in screen.title.text()
    texts = [screen.facts.itemAt(i).widget().text() for i in range(screen.facts.count())]
    assert any("2027-01-15" in t and "54" in t for t in texts)  # ends, days left
    assert any("2026-01-15" in t and "311" in t for t in texts)  # enrolled, days since
    assert screen.warnings.isVisible()
    assert screen.tabs.count() == 6


def test_mapping_over_three_conversations(screen, type_text, qtbot):
    tab = screen.mapping
    for day in (date(2026, 1, 20), date(2026, 1, 27), date(2026, 2, 3)):
        dialog = tab.add_session()
        dialog.held_on.setDate(QDate(day))
        dialog.accept()
        assert dialog.result() == dialog.DialogCode.Accepted
    assert tab.sessions.topLevelItemCount() == 3
    assert tab.session_warning.text() == ""
    type_text(tab._answer_widgets["work_wishes"], "Jobba på förskola i Åkerby")
    motivation = tab._answer_widgets["motivation"]
    motivation.setCurrentIndex(motivation.findData("4"))
    assert tab.save_answers()
    for box in list(tab.benefit_boxes.values())[:2]:
        box.setChecked(True)
    assert tab.save_advice()
    m = screen.read(mapping.get_mapping, screen.participation_id)
    assert m.answers["work_wishes"] == "Jobba på förskola i Åkerby"
    assert m.answers["motivation"] == "4"
    assert len(m.advice.benefit_ids) == 2
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(tab.mapping_pdf_bytes())).pages)
    assert "Jobba på förskola i Åkerby" in text and "2026-01-27" in text


def test_write_revise_and_compare_the_plan(screen):
    tab = screen.plan
    dialog = tab.revise(False)
    dialog.goal_rows[0].text.setText("Hitta praktik inom vården")
    row = dialog.add_insats(plans.PlannedInsats(None))
    row.type.setCurrentIndex(1)
    row.description.setText("Studiebesök på vårdcentralen")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    dialog = tab.revise(True)
    dialog.goal_rows[0].status.setCurrentIndex(2)
    dialog.add_goal(plans.Goal("Söka undersköterskeutbildning"))
    dialog.accept()
    assert tab.versions.topLevelItemCount() == 2
    tab.versions.setCurrentItem(tab.versions.topLevelItem(1))
    compare = tab.compare()
    rows = [compare.tree.topLevelItem(i).text(2) for i in range(compare.tree.topLevelItemCount())]
    assert any("Söka undersköterskeutbildning" in r for r in rows)
    first = screen.read(plans.list_revisions, screen.participation_id)[-1]
    assert first.goals[0].status.value == "not_started"  # version 1 kept as it was
    text = PdfReader(io.BytesIO(tab.plan_pdf_bytes())).pages[0].extract_text()
    assert "Hitta praktik inom vården" in text


def test_empty_plan_is_refused_with_the_message_by_the_field(screen):
    dialog = screen.plan.revise(False)
    dialog.accept()
    assert dialog.isVisible() or dialog.result() != dialog.DialogCode.Accepted
    assert dialog.fields.error_text("goals")


def test_contacts_lock_after_the_day_and_corrections(screen, clock):
    tab = screen.contacts
    dialog = tab.new_contact()
    dialog.kind.setCurrentIndex(3)  # telefon
    dialog.counterparts[list(dialog.counterparts)[1]].setChecked(True)  # remittent
    dialog.note.setPlainText("Avstämning med AF.")
    dialog.accept()
    assert tab.tree.topLevelItemCount() == 1
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    assert tab.edit_button.isEnabled() and not tab.correct_button.isEnabled()
    clock.set(date(2026, 11, 23))
    screen.refresh()
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    assert tab.correct_button.isEnabled() and not tab.edit_button.isEnabled()
    correction = tab.edit_or_correct()
    assert correction.corrects is not None
    correction.note.setPlainText("Rättelse: samtalet var med FK.")
    correction.accept()
    entries = screen.read(casework.list_contacts, screen.participation_id)
    assert entries[0].corrects_id == entries[1].id
    assert screen.case.last_remittent_contact == TODAY


def test_extend_once_close_print_and_reopen(screen, monkeypatch):
    tab = screen.closing
    tab.months.setMaximum(24)
    tab.months.setValue(7)
    assert not tab.decide_extension()
    assert tab.extension_form.errors["months"].text()
    tab.months.setValue(6)
    assert tab.decide_extension()
    assert screen.case.limits.ends_on == date(2027, 7, 15)
    assert not tab.decision_button.isEnabled()

    pick = {k: tab.screen.read(case_options.list_options, k) for k in OptionList}
    for box, key in zip(tab.entry_fields.values(), list(OptionList)[3:], strict=True):
        box.setCurrentIndex(box.findData(pick[key][0].id))
    assert tab.save_entry()
    assert not tab.close_participation(confirm=False)  # nothing filled in yet
    assert tab.closing_form.errors["exit_route_id"].text()
    assert tab.closing_form.errors["summary"].text()
    work = pick[OptionList.EXIT_ROUTE][0]
    tab.route.setCurrentIndex(tab.route.findData(work.id))
    tab._fill_sub_routes(None)
    tab.sub_route.setCurrentIndex(1)
    for box, key in zip(tab.exit_fields.values(), list(OptionList)[3:6], strict=True):
        box.setCurrentIndex(box.findData(pick[key][1].id))
    tab.draft_summary()
    assert "Märta Åkerprov" in tab.summary.toPlainText()
    tab.summary.setPlainText("Märta har fått en provanställning på förskolan.")
    tab.recommendations.setPlainText("Följ upp anställningen efter tre månader.")
    tab.meeting_held.set_value(date(2026, 11, 20))
    tab.attendees.setText("Märta, Rut Remissdotter, Karin")
    assert tab.close_participation(confirm=False)
    assert screen.case.status is CaseStatus.CLOSED
    assert not tab.close_button.isEnabled() and tab.reopen_button.isVisibleTo(tab)

    printed = {}
    monkeypatch.setattr(
        "finsam_desktop.ui.pages.case.closing_tab.present_pdf",
        lambda parent, title, name, pdf: bool(printed.setdefault("pdf", pdf)),
    )
    tab.print_letter()
    text = " ".join(PdfReader(io.BytesIO(printed["pdf"])).pages[0].extract_text().split())
    assert "provanställning på förskolan" in text and "Rut Remissdotter" in text
    assert any(
        e.kind.value == "letter" for e in screen.read(casework.timeline, screen.participation_id)
    )

    assert not tab.reopen("  ")
    assert tab.reopen("Provanställningen avbröts.")
    assert screen.case.status is CaseStatus.ENROLLED
    saved = screen.read(closing.get_closing, screen.participation_id)
    assert saved.summary.startswith("Märta har fått")


def test_the_participant_survey_is_recorded_in_the_avslut_tab(screen, case_ctx):
    from finsam_desktop.domain.surveys import ParticipantSurvey
    from finsam_desktop.services import surveys

    tab = screen.closing
    assert tab.survey_sent.value() is None and tab.survey_score.currentData() is None
    tab.survey_score.setCurrentIndex(tab.survey_score.findData(5))
    assert not tab.save_survey()  # a score without an answer
    assert tab.survey_form.errors["answered_on"].text() == "Ett betyg kräver datum då svaret kom."
    tab.survey_sent.set_value(date(2026, 11, 2))
    tab.survey_answered.set_value(date(2026, 11, 9))
    tab.survey_comment.setPlainText("  Bra stöd hela vägen.  ")
    assert tab.save_survey()
    saved = screen.read(surveys.get_survey, screen.participation_id)
    assert (saved.sent_on, saved.answered_on, saved.score) == (
        date(2026, 11, 2),
        date(2026, 11, 9),
        5,
    )
    assert saved.comment == "Bra stöd hela vägen." and saved.version == 1
    # Someone else changes it meanwhile: this copy is refused, nothing is lost.
    ctx, _case = case_ctx
    with ctx.db.session() as s:
        surveys.save_survey(s, ParticipantSurvey(**{**saved.__dict__, "score": 3}), TODAY)
    tab.survey_score.setCurrentIndex(tab.survey_score.findData(4))
    assert not tab.save_survey()
    assert "någon annan" in tab.message.text().lower()
    assert tab.survey_score.currentData() == 4


def test_study_support_cannot_pass_three_months(screen):
    tab = screen.insatser
    dialog = tab.edit_study(None)
    dialog.school.setText("Komvux")
    dialog.accept()
    support = tab.supports[0]
    for months in (2, 3):
        dialog = tab.edit_study(support)
        assert dialog.months.value() == months
        dialog.accept()
        support = tab.supports[0]
    dialog = tab.edit_study(support)
    dialog.months.setValue(4)
    dialog.accept()
    assert dialog.fields.error_text("months")
    assert tab.supports[0].months == 3


def test_overview_lists_what_is_due_and_opens_the_case(case_ctx, qtbot, monkeypatch):
    from finsam_desktop.ui.pages.overview.page import OverviewPage

    ctx, case = case_ctx
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    groups = [page.due.topLevelItem(i).text(0) for i in range(page.due.topLevelItemCount())]
    assert any(ReminderKind.REMITTENT_CONTACT.label in g for g in groups)
    assert page.participants.model.rowCount() == 1
    assert page.caseload.topLevelItemCount() == 1
    opened = []
    monkeypatch.setattr(page, "open_case", lambda pid: opened.append(pid))
    group = page.due.topLevelItem(0)
    page._open_due(group.child(0))
    assert opened == [case["participation"]]
    page.only_mine.setChecked(False)
    page.status.setCurrentIndex(1)
    page.status.activated.emit(1)
    assert page.participants.model.rowCount() == 0


def test_template_edit_makes_a_new_version(case_ctx, qtbot):
    from finsam_desktop.domain.mapping import AnswerKind, Question
    from finsam_desktop.ui.pages.settings.casework import CaseworkSettingsTab

    ctx, _case = case_ctx
    tab = CaseworkSettingsTab(ctx)
    qtbot.addWidget(tab)
    editor = tab.template
    editor.tree.setCurrentItem(editor.tree.topLevelItem(0))
    editor.add_question(Question("", "Har du körkort för traktor?", AnswerKind.YES_NO))
    assert editor.save()
    with ctx.db.reading() as s:
        current = mapping.current_template(s)
    assert current.number == 2
    assert any(q.text == "Har du körkort för traktor?" for q in current.questions())
    lists = tab.lists
    lists.which.setCurrentIndex(lists.which.findData(OptionList.BENEFIT.value))
    dialog = lists.new(False)
    dialog.name.setText("Etableringsersättning")
    dialog.accept()
    assert any(o.name == "Etableringsersättning" for o in lists.options)


def test_deltagare_opens_the_case_of_the_selected_person(case_ctx, qtbot, monkeypatch):
    from finsam_desktop.ui.pages.persons.page import PersonsPage

    ctx, case = case_ctx
    page = PersonsPage(ctx)
    qtbot.addWidget(page)
    opened = []
    monkeypatch.setattr(
        "finsam_desktop.ui.pages.case.case_window.open_case",
        lambda _ctx, pid, _owner=None: opened.append(pid),
    )
    page.panel.view.selectRow(0)
    page.open_case_button.click()
    assert opened == [case["participation"]]


def test_printout_shows_the_pages_before_printing(screen, qtbot):
    from finsam_desktop.ui.pages.case.printout import PrintoutDialog

    dialog = PrintoutDialog("Kartläggning", "k.pdf", screen.mapping.mapping_pdf_bytes(), screen)
    qtbot.addWidget(dialog)
    assert len(dialog.preview.pages) >= 1
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()


def test_a_case_opens_once_and_belongs_to_the_window_that_opened_it(case_ctx, qtbot):
    from PySide6.QtWidgets import QWidget

    from finsam_desktop.ui.pages.case.case_window import open_case

    ctx, case = case_ctx
    owner = QWidget()
    qtbot.addWidget(owner)
    first = open_case(ctx, case["participation"], owner)
    assert open_case(ctx, case["participation"], owner) is first
    assert first.parent() is owner and first.isWindow()
    first.close()
