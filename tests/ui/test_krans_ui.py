"""The Lokal samverkan page on the demo database (three local models), driven as a
krans municipality's coordinator would (issue 11)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut

from finsam_desktop.domain.casework import ReminderKind
from finsam_desktop.domain.krans import LocalListKind
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.referrals import ReferralStatus
from finsam_desktop.services import krans, reminders
from finsam_desktop.services.demo import fake_personnummer
from finsam_desktop.services.krans_tables import sections
from finsam_desktop.ui.pages.krans import KransPage
from finsam_desktop.ui.pages.krans.week_tab import cell_text
from finsam_desktop.ui.widgets.forms import FormDialog
from finsam_desktop.ui.widgets.table_model import USER


@pytest.fixture(autouse=True)
def no_question_on_close(qtbot):
    """A failed test leaves a typed form: close it without the 'discard?' question."""
    yield
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, FormDialog):
            widget.fields.dirty = False


def page_of(ctx, qtbot) -> KransPage:
    page = KransPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def model_id(ctx, name: str) -> int:
    return next(i for i, n in ctx.runner.read(krans.local_insatser) if n == name)


def combo_to(qtbot, box, text):
    box.setFocus()
    qtbot.keyClicks(box, text)
    return box.currentText()


def new_pnr(seed: int) -> str:
    rng = random.Random(seed)
    return fake_personnummer(rng, date(2001, 3, 14), 990 + seed % 9)


def test_page_is_in_the_navigation(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "Lokal samverkan" in titles
    page = window.show_page("krans")
    assert isinstance(page, KransPage)
    assert not page.empty.isVisible() and page.tabs.isEnabled()


def test_register_an_aktualisering_from_the_keyboard(ctx, qtbot, type_text):
    page = page_of(ctx, qtbot)
    tab = page.cases
    before = tab.panel.model.rowCount()
    shortcut = next(s for s in page.findChildren(QShortcut) if s.key().toString() == "Ctrl+N")
    shortcut.activated.emit()  # Ctrl+N (offscreen windows get no shortcut events)
    dialog = tab.dialog
    assert dialog.focusWidget() is dialog.person.pnr
    assert dialog.arrived.date().toPython() == date.today()
    dialog.insats.setFocus()
    qtbot.keyClick(dialog.insats, Qt.Key.Key_End)  # the models: Björkhälla, Granvik, Åkerby
    assert dialog.insats.currentText() == "Lokal samverkan Åkerby"
    number = new_pnr(1)
    qtbot.keyClicks(dialog.person.pnr, number)
    # Tab leaves the field (offscreen windows get no focus-out, so say so directly).
    qtbot.keyClick(dialog.person.pnr, Qt.Key.Key_Tab)
    dialog.person.pnr.editingFinished.emit()
    assert dialog.person.first.isEnabled()  # a new person: the name fields open
    type_text(dialog.person.first, "Alva")
    type_text(dialog.person.last, "Påhittsdotter")
    assert combo_to(qtbot, dialog.person.municipality, "Åk") == "Åkerby"
    assert combo_to(qtbot, dialog.party, "Åkerbysk") == "Åkerbyskolan"
    type_text(dialog.officer, "Inga Påhittsberg")
    type_text(dialog.reason, "Tillbaka till studier.")
    dialog.consent.setFocus()
    qtbot.keyClick(dialog.consent, Qt.Key.Key_Space)
    assert dialog.consent.isChecked()
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    assert not dialog.isVisible(), dialog.banner.text()
    assert tab.panel.model.rowCount() == before + 1
    tab.panel.search.setText(PersonalNumber(number).formatted()[:8])
    tab.panel.model.set_search(number[:8])
    rows = [tab.panel.model.row_at(r) for r in range(tab.panel.model.rowCount())]
    found = [r for r in rows if r.values[3] == PersonalNumber(number).formatted()]
    assert len(found) == 1
    values = found[0].values
    assert values[2] == "Påhittsdotter, Alva"
    assert values[4:9] == (
        "Lokal samverkan Åkerby",
        "Åkerby",
        "Åkerbyskolan",
        "Inga Påhittsberg",
        "Ny",
    )


def test_missing_party_purpose_and_consent_are_named_at_their_fields(ctx, qtbot):
    page = page_of(ctx, qtbot)
    dialog = page.cases.new()
    qtbot.keyClicks(dialog.person.pnr, new_pnr(2))
    dialog.person.look_up()
    dialog.person.first.setText("Bo")
    dialog.person.last.setText("Exempelsson")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.fields.error_text("remittent_party_id")
    assert dialog.fields.error_text("reason")
    assert dialog.fields.error_text("consent")
    assert dialog.person.first.text() == "Bo"  # nothing typed is lost
    dialog.fields.dirty = False


def test_new_party_of_the_model(ctx, qtbot):
    page = page_of(ctx, qtbot)
    dialog = page.cases.new()
    dialog.create_party("KAA Åkerby")
    assert dialog.party.currentText() == "KAA Åkerby"
    other = ctx.runner.read(krans.parties_for_insats, model_id(ctx, "Lokal samverkan Granvik"))
    assert "KAA Åkerby" not in [p.name for p in other]
    dialog.fields.dirty = False


def _waiting(ctx, insats_id):
    return ctx.runner.read(krans.beredning_agenda, insats_id)


def test_beredning_decides_several_cases_and_names_a_missing_reason_at_its_row(ctx, qtbot):
    page = page_of(ctx, qtbot)
    tab = page.beredning
    insats_id = model_id(ctx, "Lokal samverkan Björkhälla")
    tab.model.setCurrentIndex(tab.model.findData(insats_id))
    agenda = _waiting(ctx, insats_id)
    if len(agenda) < 3:  # the demo's last cases: add some so there are three to decide
        for n in range(3 - len(agenda)):
            dialog = page.cases.new()
            dialog.insats.setCurrentIndex(dialog.insats.findData(insats_id))
            dialog.person.pnr.setText(new_pnr(10 + n))
            dialog.person.look_up()
            dialog.person.first.setText("Kim")
            dialog.person.last.setText("Påhittsson")
            dialog.party.setCurrentIndex(1)
            dialog.officer.setText("Ola Handläggarsson")
            dialog.reason.setPlainText("Arbete.")
            dialog.consent.setChecked(True)
            dialog.accept()
            errors = {k: dialog.fields.error_text(k) for k in dialog.fields._errors}
            assert not dialog.isVisible(), {k: v for k, v in errors.items() if v}
        agenda = _waiting(ctx, insats_id)
    assert [c.referral_id for c in tab.agenda] == [c.referral_id for c in agenda]
    first, second, third = tab.agenda[:3]
    destinations = ctx.runner.read(krans.local_options, insats_id, LocalListKind.DESTINATION)
    unga = destinations[0]
    box = tab.decision_box(0)
    box.setCurrentIndex(box.findData(unga.id))
    tab.decision_box(1).setCurrentIndex(tab.decision_box(1).findText("Avvaktan"))
    tab.decision_box(2).setCurrentIndex(tab.decision_box(2).findText("Avslag"))
    assert tab.reason_edit(2).isEnabled() and not tab.reason_edit(0).isEnabled()
    assert not tab.save()
    assert "skälet" in tab.problem_text(2)
    assert tab.problem_text(0) == "" and tab.problem_text(1) == ""
    assert len(_waiting(ctx, insats_id)) == len(agenda)  # nothing saved
    tab.reason_edit(2).setText("Ej målgrupp just nu.")
    assert tab.save(), tab.banner.text()
    left = {c.referral_id for c in _waiting(ctx, insats_id)}
    assert first.referral_id not in left and third.referral_id not in left
    assert second.referral_id in left  # avvaktan waits for the next beredning
    states = {c.referral_id: ctx.runner.read(krans.case_state, c.referral_id) for c in agenda[:3]}
    assert states[first.referral_id].destination_id == unga.id
    assert states[second.referral_id].status == ReferralStatus.DORMANT.value
    assert states[third.referral_id].status == ReferralStatus.REJECTED.value
    assert states[third.referral_id].reason == "Ej målgrupp just nu."
    assert all(c.referral_id != first.referral_id for c in tab.agenda)  # the table reloaded
    if len(agenda) > 3:  # left without a decision: still waiting
        assert agenda[3].referral_id in left


def test_outcome_is_recorded_and_the_reminder_disappears(ctx, qtbot):
    today = date.today()
    due = ctx.runner.read(reminders.due_items, today)[ReminderKind.OUTCOME_MISSING]
    referral_ids = [r.referral_id for r in due]
    sent_on = [
        s
        for s in (ctx.runner.read(krans.case_state, i) for i in referral_ids)
        if s.sent_on and s.decided_on
    ]
    assert sent_on, "the demo has cases without an outcome"
    state = sent_on[0]
    from finsam_desktop.ui.pages.overview.page import OverviewPage

    overview = OverviewPage(ctx)
    qtbot.addWidget(overview)
    group = next(
        overview.due.topLevelItem(n)
        for n in range(overview.due.topLevelItemCount())
        if overview.due.topLevelItem(n).text(0).startswith(ReminderKind.OUTCOME_MISSING.label)
    )
    item = next(
        group.child(n)
        for n in range(group.childCount())
        if group.child(n).data(0, USER)[2] == state.referral_id
    )
    overview._open_due(item)
    dialog = next(
        w
        for w in overview.findChildren(object)
        if type(w).__name__ == "AktualiseringDialog" and w.isVisible()
    )
    assert dialog.outcome.isEnabled()
    outcomes = ctx.runner.read(krans.local_options, state.insats_id, LocalListKind.OUTCOME)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(outcomes[0].id))
    ended = max(state.decided_on, today - timedelta(days=3))
    dialog.outcome_on.setDate(ended)
    dialog.accept()
    assert not dialog.isVisible(), dialog.banner.text()
    after = ctx.runner.read(krans.case_state, state.referral_id)
    assert (after.outcome_id, after.outcome_on) == (outcomes[0].id, ended)
    again = ctx.runner.read(reminders.due_items, today)[ReminderKind.OUTCOME_MISSING]
    assert state.referral_id not in [r.referral_id for r in again]
    assert len(again) == len(due) - 1
    shown = [overview.due.topLevelItem(n).text(0) for n in range(overview.due.topLevelItemCount())]
    label = ReminderKind.OUTCOME_MISSING.label
    assert f"{label} ({len(due) - 1})" in shown or len(due) == 1


def test_week_table_on_screen_equals_the_service(ctx, qtbot):
    page = page_of(ctx, qtbot)
    tab = page.weeks
    year = date.today().year
    week = date.today().isocalendar().week
    tab.set_weeks(year, 1, week)
    start, end = krans.iso_week_range(year, 1, week)
    table = ctx.runner.read(krans.week_table, start, end, None, None)
    assert len(table.columns) == 3
    laid_out = sections(table)
    for section in laid_out:
        for row in section.rows:
            for column, value in zip(section.header[1:], row[1:], strict=True):
                assert tab.cell(section.key, row[0], column) == cell_text(value)
    total = table.total
    assert tab.cell("by_party", "Aktualiserade totalt", "Totalt") == str(total.total)
    shown_total = sum(c.total for c in table.columns)
    assert total.total == shown_total > 0
    # One model, one municipality: the same figures as the service for that choice.
    insats_id = model_id(ctx, "Lokal samverkan Granvik")
    tab.model.setCurrentIndex(tab.model.findData(insats_id))
    one = ctx.runner.read(krans.week_table, start, end, insats_id, None)
    column = one.columns[0]
    assert tab.cell("by_party", "Aktualiserade totalt", column.name) == str(column.total)
    assert tab.cell("year_to_date", "Förväntad volym per år", column.name) == "20"
    assert "Totalt" not in [
        tab.tables["by_party"].horizontalHeaderItem(c).text()
        for c in range(tab.tables["by_party"].columnCount())
    ]


def test_lists_add_rename_retire(ctx, qtbot):
    page = page_of(ctx, qtbot)
    tab = page.lists
    insats_id = model_id(ctx, "Lokal samverkan Granvik")
    tab.model.setCurrentIndex(tab.model.findData(insats_id))
    outcomes = tab.outcomes
    outcomes.name.setText("Egen företagare")
    outcomes.work.setChecked(True)
    assert outcomes.add()
    saved = ctx.runner.read(krans.local_options, insats_id, LocalListKind.OUTCOME)
    assert ("Egen företagare", True) in [(o.name, o.work_or_studies) for o in saved]
    outcomes.list.setCurrentRow(len(outcomes.options) - 1)
    outcomes.name.setText("Eget företag")
    assert outcomes.save_current()
    assert outcomes.toggle_retired()
    active = ctx.runner.read(krans.local_options, insats_id, LocalListKind.OUTCOME)
    assert "Eget företag" not in [o.name for o in active]
    outcomes.name.setText("Arbete")
    assert not outcomes.add()
    assert outcomes.error.text()
    tab.party_name.setText("KAA Granvik")
    assert tab.add_party()
    assert "KAA Granvik" in [tab.parties.item(n).text() for n in range(tab.parties.count())]
    tab.weeks.setValue(6)
    tab.expected.setValue(25)
    assert tab.save_figures()
    figures = ctx.runner.read(krans.model_settings, insats_id)
    assert (figures.outcome_reminder_weeks, figures.expected_per_year) == (6, 25)


def test_insats_dialog_sets_the_process_profile(ctx, qtbot):
    from finsam_desktop.domain.krans import ProcessProfile
    from finsam_desktop.services import organisation
    from finsam_desktop.ui.pages.settings.insatser import InsatsDialog

    full = ctx.runner.read(organisation.list_insatser, False, "full")[0]
    dialog = InsatsDialog(ctx, full)
    qtbot.addWidget(dialog)
    assert dialog.chosen_profile() is ProcessProfile.FULL
    assert not dialog.reminder_weeks.isEnabled()
    dialog.profile.setCurrentIndex(dialog.profile.findData(ProcessProfile.LOCAL))
    assert dialog.reminder_weeks.isEnabled()
    dialog.reminder_weeks.setValue(10)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.banner.text()
    settings = ctx.runner.read(krans.model_settings, full.id)
    assert (settings.profile, settings.outcome_reminder_weeks) == (ProcessProfile.LOCAL, 10)
    destinations = ctx.runner.read(krans.local_options, full.id, LocalListKind.DESTINATION)
    assert destinations  # a new local model starts with seed 004's lists


def test_week_table_exports_through_the_report_pipeline(ctx, qtbot, tmp_path):

    from openpyxl import load_workbook

    page = page_of(ctx, qtbot)
    tab = page.weeks
    assert set(tab.export_buttons) == {"pdf", "xlsx", "csv", "json"}
    start, end = tab.period()
    table = ctx.runner.read(krans.week_table, start, end, None, None)
    assert tab.export_to(str(tmp_path / "v.xlsx"), "xlsx")
    values = [
        c.value for ws in load_workbook(tmp_path / "v.xlsx") for r in ws.iter_rows() for c in r
    ]
    assert "Aktualiserade totalt" in values and table.total.total in values
    assert tab.export_to(str(tmp_path / "v.csv"), "csv")
    assert "Aktualiserade totalt" in (tmp_path / "v.csv").read_text(encoding="utf-8-sig")
