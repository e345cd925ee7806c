"""Settings edited through the real widgets, saved to the real database."""

from PySide6.QtCore import Qt

from finsam_desktop.services import organisation


def test_federation_form_saves_and_shows_errors_next_to_the_field(window, qtbot, ctx, type_text):
    tab = window.show_page("settings").show_tab("federation")
    tab.name.clear()
    type_text(tab.name, "  ")
    tab.street.setText("Nygatan 1")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.form.error_text("name") == "Ange förbundets namn."
    assert tab.street.text() == "Nygatan 1", "what was typed is kept"
    tab.name.setText("Samordningsförbundet Ändrat")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.saved.text() == "Sparat."
    with ctx.db.reading() as s:
        saved = organisation.get_federation(s)
    assert (saved.name, saved.address.street) == ("Samordningsförbundet Ändrat", "Nygatan 1")


def test_new_municipality_through_the_dialog_appears_in_the_list(window, qtbot, type_text):
    tab = window.show_page("settings").show_tab("municipalities")
    before = tab.panel.model.rowCount()
    dialog = tab.new()
    type_text(dialog.name, "Östra Påhittet")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert tab.panel.model.rowCount() == before + 1
    tab.panel.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert tab.panel.model.index(0, 0).data() == "Östra Påhittet"


def test_a_duplicate_keeps_the_dialog_open_with_the_text(window, qtbot, type_text):
    tab = window.show_page("settings").show_tab("municipalities")
    dialog = tab.new()
    type_text(dialog.name, "Granvik")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.fields.error_text("name") == "Kommunen finns redan."
    assert dialog.name.text() == "Granvik"
    dialog.fields.dirty = False
    dialog.reject()


def test_retiring_staff_keeps_them_greyed_in_the_list(window, qtbot, ctx):
    tab = window.show_page("settings").show_tab("staff")
    model = tab.panel.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Åke Testlund")
    dialog = tab.open_item(model.id_at(row))
    assert dialog.title.text() == "Kurator"
    dialog.active.setChecked(False)
    dialog.accept()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Åke Testlund")
    assert model.index(row, 6).data() == "Inaktiv"
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    with ctx.db.reading() as s:
        assert "Åke Testlund" not in [p.name for p in organisation.list_staff(s)]


def test_insats_dialog_edits_rules_and_meeting_places(window, qtbot, ctx):
    tab = window.show_page("settings").show_tab("insatser")
    model = tab.panel.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith("Samverk"))
    dialog = tab.open_item(model.id_at(row))
    assert dialog.places.table.rowCount() == 4
    dialog.answer_days.setValue(10)
    dialog.age_min.setValue(30)
    dialog.age_max.setValue(20)
    dialog.accept()
    assert dialog.isVisible(), "an impossible age range is refused"
    assert dialog.tabs.currentIndex() == 1
    assert "Högsta ålder" in dialog.rules.error_text("age_max")
    dialog.age_max.setValue(35)
    dialog.places.table.setCurrentCell(3, 1)
    dialog.places.remove_current()
    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        insats = organisation.get_insats(s, model.id_at(row))
    assert (insats.answer_days, insats.age_min, insats.age_max) == (10, 30, 35)
    assert len(insats.meeting_places) == 3


def test_edits_are_still_there_after_a_restart(ctx, qtbot, tmp_path, type_text):
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    tab = window.show_page("settings").show_tab("parties")
    dialog = tab.new()
    type_text(dialog.name, "Hälsocentralen Påhittet")
    type_text(dialog.short, "HC")
    dialog.accept()
    window.close()
    path = ctx.db.path
    ctx.db.close()
    again = open_database(path)
    with again.reading() as s:
        assert "Hälsocentralen Påhittet" in [p.name for p in organisation.list_parties(s)]
    again.close()
