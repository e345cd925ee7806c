"""The data the statistics need, entered through the screens: utländsk bakgrund, insats
targets, exit-route flags, the survey goal, several outcomes per lotsärende and the
historical import of participants."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from finsam_desktop.db.referral_models import ReferralRow
from finsam_desktop.domain.closing import Option, OptionList
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.domain.persons import ForeignBackground
from finsam_desktop.services import (
    case_options,
    demo,
    lots,
    organisation,
    persons,
    statistics,
    surveys,
)


def test_the_person_form_records_utlandsk_bakgrund_with_its_definition(
    window, qtbot, ctx, type_text
):
    page = window.show_page("participants")
    dialog = page.new_person()
    assert "båda föräldrarna födda utomlands" in dialog.foreign.toolTip()
    assert [dialog.foreign.itemText(i) for i in range(3)] == ["Ja", "Nej", "Okänt"]
    assert dialog.foreign.currentText() == "Okänt"  # unknown until someone knows
    type_text(dialog.pnr, "19900101-9802")
    type_text(dialog.first, "Märta")
    type_text(dialog.last, "Påhittsson")
    dialog.foreign.setFocus()
    qtbot.keyClicks(dialog.foreign, "J")
    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        saved = persons.find_by_personnummer(s, "199001019802")
    assert saved.foreign_background is ForeignBackground.YES
    again = page.open_person(saved.id)
    assert again.foreign.currentText() == "Ja"
    again.reject()


def test_the_referral_intake_registers_gender_and_background_of_a_new_person(ctx, qtbot):
    from finsam_desktop.ui.widgets.forms import FieldForm
    from finsam_desktop.ui.widgets.person_fields import PersonFields

    form = FieldForm()
    qtbot.addWidget(form)
    fields = PersonFields(ctx, form)
    fields.pnr.setText("20030303-9812")
    fields.look_up()
    assert fields.foreign.isEnabled()
    qtbot.keyClicks(fields.gender, "K")
    qtbot.keyClicks(fields.foreign, "N")
    fields.first.setText("Saga")
    fields.last.setText("Provlund")
    person = fields.new_person()
    assert (person.gender.value, person.foreign_background.value) == ("kvinna", "nej")
    draft = fields.to_draft()
    restored = PersonFields(ctx, FieldForm())
    restored.from_draft(draft)
    assert restored.foreign.currentData() == ForeignBackground.NO


def test_insats_targets_are_set_in_the_settings(window, ctx):
    tab = window.show_page("settings").show_tab("insatser")
    model = tab.panel.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith("Samverk"))
    dialog = tab.open_item(model.id_at(row))
    assert dialog.expected_per_year.value() == 60  # the demo's
    dialog.expected_per_year.setValue(180)
    dialog.target_work_studies.setValue(45)
    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        insats = organisation.get_insats(s, model.id_at(row))
    assert (insats.expected_per_year, insats.target_work_studies_percent) == (180, 45)
    dialog = tab.open_item(model.id_at(row))
    dialog.target_work_studies.setValue(0)  # no target
    dialog.accept()
    with ctx.db.reading() as s:
        assert organisation.get_insats(s, model.id_at(row)).target_work_studies_percent is None


def test_exit_route_flags_and_the_survey_goal(window, ctx):
    tab = window.show_page("settings").show_tab("casework")
    lists = tab.lists
    assert lists.list_key() is OptionList.EXIT_ROUTE
    top = {
        lists.tree.topLevelItem(i).text(0): lists.tree.topLevelItem(i)
        for i in range(lists.tree.topLevelItemCount())
    }
    assert (top["Arbete"].text(2), top["Arbete"].text(3)) == ("Ja", "Ja")  # seeded defaults
    assert (top["Avbrott"].text(2), top["Avbrott"].text(3)) == ("", "")
    lists.tree.setCurrentItem(top["Arbetssökande på Arbetsförmedlingen"])
    dialog = lists.edit()
    assert dialog.in_activity.isVisibleTo(dialog)
    dialog.in_activity.setChecked(True)
    dialog.accept()
    with ctx.db.reading() as s:
        route = next(
            o
            for o in case_options.list_options(s, OptionList.EXIT_ROUTE)
            if o.name == "Arbetssökande på Arbetsförmedlingen"
        )
    assert route.in_activity and not route.work_or_studies
    lists.which.setCurrentIndex(lists.which.findData(OptionList.BENEFIT))
    lists.tree.setCurrentItem(lists.tree.topLevelItem(0))
    other = lists.edit()
    assert not other.in_activity.isVisibleTo(other)  # flags belong to exit routes
    other.reject()
    with ctx.db.session() as s:  # a flag on another list is never stored
        benefit = case_options.list_options(s, OptionList.BENEFIT)[0]
        benefit.in_activity = True
        assert not case_options.save_option(s, benefit).in_activity
        case_options.save_option(s, Option(None, OptionList.EXIT_ROUTE, "Egen väg", None))

    row = tab.statistics_settings
    assert row.goal.value() == 80
    assert (row.share_decimals.value(), row.cross_decimals.value()) == (1, 0)
    row.goal.setValue(85)
    row.share_decimals.setValue(2)
    row.cross_decimals.setValue(1)
    assert row.save()
    with ctx.db.reading() as s:
        assert surveys.survey_goal(s) == 85
        rounding = statistics.configured_rounding(s)
        assert (rounding.share_decimals, rounding.cross_decimals) == (2, 1)


def test_a_lotsarende_takes_several_outcomes_from_the_keyboard(ctx, qtbot):
    from finsam_desktop.ui.pages.lots import LotsPage

    page = LotsPage(ctx)
    qtbot.addWidget(page)
    dialog = page.cases.new()
    qtbot.addWidget(dialog)
    dialog.received.setText(date.today().isoformat())
    dialog.municipality.setCurrentIndex(1)
    with ctx.db.reading() as s:
        outcomes = {c.name: c.id for c in lots.list_categories(s, CategoryKind.OUTCOME)}
    names = [dialog.outcome.item(i).text() for i in range(dialog.outcome.count())]
    fs = names.index("Från försörjningsstöd till annan ersättning")
    rita = names.index("RITA – rätt insats i rätt tid av rätt aktör")
    dialog.outcome.setFocus()
    for index in (fs, rita):
        dialog.outcome.setCurrentRow(index)
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Space)
    assert dialog.outcome.checked() == [outcomes[names[fs]], outcomes[names[rita]]]
    saved = dialog.save()
    assert saved.outcome_ids == [outcomes[names[fs]], outcomes[names[rita]]]
    dialog.fields.dirty = False
    dialog.reject()
    reopened = page.cases.open(saved.id)
    qtbot.addWidget(reopened)
    assert len(reopened.outcome.checked()) == 2
    reopened.reject()


def test_the_import_dialog_previews_then_imports_and_knows_a_second_time(ctx, qtbot, tmp_path):
    from finsam_desktop.ui.pages.persons.import_dialog import ParticipantImportDialog

    number = demo.fake_personnummer(None, date(1988, 5, 6), 3)
    path = tmp_path / "tidigare.csv"
    path.write_text(
        "Personnummer;Förnamn;Efternamn;Kön;Utländsk bakgrund;Insats;Kommun;Part;"
        "Ankomstdatum;Beslut;Inskriven;Avslutad;Avslutsorsak\n"
        f"{number};Ebba;Åkerprov;K;ja;Samverkansteamet Exempelbygden;Älvsnäs;AF;"
        "2025-01-10;antagen;2025-02-01;2025-10-01;Studier\n"
        f"{number};Ebba;Åkerprov;K;ja;Lokal samverkan vuxna Granvik;Atlantis;AF;"
        "2025-01-10;avslag;;;\n",
        encoding="utf-8",
    )
    with ctx.db.reading() as s:
        before = s.scalar(select(func.count()).select_from(ReferralRow))
    dialog = ParticipantImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load(path)
    assert "2 rader lästa: 1 att importera (1 nya personer)" in dialog.summary.text()
    assert dialog.rows_view.topLevelItemCount() == 1
    assert dialog.rows_view.topLevelItem(0).text(2) == "Åkerprov, Ebba"
    assert dialog.rows_view.topLevelItem(0).text(4) == "Ja"  # utländsk bakgrund
    assert dialog.rejected_view.topLevelItem(0).text(1) == "Kommun"
    assert "Atlantis" in dialog.rejected_view.topLevelItem(0).text(2)
    assert dialog.import_button.text() == "Importera 1 rad"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Importerade 1 remiss och 1 deltagande" in dialog.summary.text()
    with ctx.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ReferralRow)) == before + 1
    dialog.load(path)  # the same file again
    assert "0 att importera" in dialog.summary.text() and "1 finns redan" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    bad = tmp_path / "tom.csv"
    bad.write_text("Namn\nEbba\n", encoding="utf-8")
    dialog.load(bad)
    assert dialog.error.isVisibleTo(dialog) and "Personnummer" in dialog.error.text()
