from finsam_desktop.services import persons


def test_invalid_personnummer_gets_a_swedish_message_and_nothing_is_lost(
    window, qtbot, ctx, type_text
):
    page = window.show_page("participants")
    dialog = page.new_person()
    type_text(dialog.pnr, "19900101-9807")
    type_text(dialog.first, "Märta")
    type_text(dialog.last, "Påhittsson")
    dialog.accept()
    assert dialog.isVisible()
    assert "Kontrollsiffran" in dialog.fields.error_text("personnummer")
    assert (dialog.pnr.text(), dialog.first.text()) == ("19900101-9807", "Märta")
    dialog.pnr.setText("19900101-9802")
    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        assert persons.find_by_personnummer(s, "199001019802").last_name == "Påhittsson"


def test_search_as_you_type_and_open(window, qtbot, type_text):
    page = window.show_page("participants")
    panel = page.panel
    total = panel.model.rowCount()
    type_text(panel.search, "åsa")
    qtbot.waitUntil(lambda: panel.model.rowCount() < total)
    dialog = page.open_person(panel.model.id_at(0))
    assert dialog.first.text() == "Åsa"
    dialog.reject()


def test_protected_identity_shows_a_banner(window, qtbot):
    page = window.show_page("participants")
    dialog = page.new_person()
    assert not dialog.protected_banner.isVisibleTo(dialog)
    dialog.protected.setChecked(True)
    assert dialog.protected_banner.isVisibleTo(dialog)
    dialog.fields.dirty = False
    dialog.reject()
