"""The Lotsärenden page driven with the keyboard and mouse, as a coordinator would."""

from datetime import date

from PySide6.QtCore import Qt

from finsam_desktop.services import lots
from finsam_desktop.ui.pages.lots import LotsPage


def combo_to(qtbot, box, text):
    box.setFocus()
    qtbot.keyClicks(box, text)
    return box.currentText()


def test_register_from_the_keyboard(ctx, qtbot):
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    before = page.cases.panel.model.rowCount()
    dialog = page.cases.new()
    qtbot.addWidget(dialog)
    dialog.received.selectAll()
    qtbot.keyClicks(dialog.received, date.today().isoformat())
    assert combo_to(qtbot, dialog.municipality, "Gr") == "Granvik"
    qtbot.keyClicks(dialog.officer, "AF-07")
    assert combo_to(qtbot, dialog.gender, "K") == "Kvinna"
    qtbot.keyClicks(dialog.birth_year, "1994")
    assert combo_to(qtbot, dialog.sick, "J") == "Ja"
    dialog.individual.setFocus()
    qtbot.keyClick(dialog.individual, Qt.Key.Key_Space)
    assert dialog.individual.isChecked()
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.officer.text() == ""  # ready for the next one
    assert dialog.municipality.currentText() == "Granvik"  # kept for the next case
    assert page.cases.panel.model.rowCount() == before + 1
    qtbot.keyClicks(dialog.officer, "FK-2")
    qtbot.keyClick(dialog.officer, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert page.cases.panel.model.rowCount() == before + 2


def test_problems_show_next_to_the_fields_and_nothing_is_lost(ctx, qtbot):
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    dialog = page.cases.new()
    qtbot.addWidget(dialog)
    dialog.received.setText("2016-13-40")
    qtbot.keyClicks(dialog.reference, "19850101-1234")
    assert dialog.reference_warning.isVisible()
    assert "personnummer" in dialog.reference_warning.text()
    dialog.accept()
    assert dialog.isVisible()
    assert "ÅÅÅÅ-MM-DD" in dialog.fields.error_text("received")
    dialog.received.setText("2016-03-04")
    dialog.accept()
    assert dialog.fields.error_text("municipality") == "Välj kommun."
    assert "personnummer" in dialog.fields.error_text("reference")
    assert dialog.reference.text() == "19850101-1234"  # what was typed is kept
    dialog.fields.dirty = False
    dialog.reject()


def test_summary_tab_shows_the_same_numbers_as_the_service(ctx, qtbot, tmp_path):
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentWidget(page.summary)
    tab = page.summary
    qtbot.waitUntil(lambda: tab.summary is not None)
    year = date.today().year
    with ctx.db.reading() as s:
        from finsam_desktop.services.lots_summary import lots_summary, year_period

        expected = lots_summary(s, *year_period(year))
    assert tab.summary.cases == expected.cases > 0
    assert tab.charts["gender"].values() == [(r.label, r.count) for r in
                                             expected.breakdown("gender").rows]  # fmt: skip
    assert f"inkom {expected.cases} lotsärenden" in tab.text_label.text()
    tab.municipality.setCurrentIndex(1)
    assert tab.summary.municipality == tab.municipality.currentText()
    for fmt in ("pdf", "xlsx", "csv", "json"):
        assert tab.write(tmp_path / f"s.{fmt}", fmt).stat().st_size > 100


def test_import_dialog_previews_then_imports(ctx, qtbot, tmp_path):
    path = tmp_path / "lots.csv"
    path.write_text("Inkom;Kommun;Kön\n2016-02-01;Åkerby;K\n2016-02-02;Nowhere;M\n", "utf-8")
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    dialog = page.cases.import_file()
    qtbot.addWidget(dialog)
    dialog.load(path)
    assert dialog.rows_view.topLevelItemCount() == 1
    assert dialog.rejected_view.topLevelItem(0).text(0) == "3"
    assert dialog.rejected_view.topLevelItem(0).text(1) == "Kommun"
    assert dialog.import_button.isEnabled()
    assert lots.lots_case_list(ctx.db).count(filters={"year": 2016}) == 0  # not before confirming
    dialog.confirm()
    assert dialog.result.imported == 1
    assert lots.lots_case_list(ctx.db).count(filters={"year": 2016}) == 1
    dialog.load(path)
    assert not dialog.import_button.isEnabled()  # already imported


def test_categories_can_be_retired_but_not_deleted_when_used(ctx, qtbot):
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    tab = page.categories
    panel = tab.lists[lots.CategoryKind.OUTCOME].panel
    assert panel.model.rowCount() == 7
    tab.goal.setValue(80)
    tab.save_goal.click()
    assert ctx.runner.read(lots.satisfaction_goal) == 80


def test_the_officer_field_completes_known_codes(ctx, qtbot):
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    dialog = page.cases.new()
    qtbot.addWidget(dialog)
    model = dialog.officer.completer().model()
    codes = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert codes and all("-" in c for c in codes)
    dialog.reject()
