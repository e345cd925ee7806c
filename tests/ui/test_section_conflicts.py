"""Issue 9 §5 in the window: the kartläggning's counselling and the avslut are never
silently overwritten. Two copies of the program edit the same case; the second save
is refused with the Swedish message, the typed text stays in the form, and both
versions are shown side by side to choose from before saving again."""

from __future__ import annotations

from datetime import date

import pytest
from casework_fixtures import enrol_participant
from PySide6.QtCore import QSettings

from finsam_desktop.db.engine import Database
from finsam_desktop.domain.closing import Closing
from finsam_desktop.domain.mapping import EconomicAdvice
from finsam_desktop.services import closing, mapping
from finsam_desktop.ui.widgets.conflict import SAVED, ConflictDialog

TODAY = date(2026, 11, 22)  # the day the `clock` fixture of conftest.py pins


@pytest.fixture
def screen(db, tmp_path, qapp, qtbot, clock):
    from finsam_desktop.services import demo
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.case.case_window import CaseWindow

    with db.session() as s:
        demo.create_organisation(s)
    case = enrol_participant(db)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("casework/staff_id", case["staff"][0])
    ctx = AppContext(db, OperationRunner(db), settings)
    window = CaseWindow(ctx, case["participation"])
    qtbot.addWidget(window)
    window.show()
    window.case_staff = case["staff"]
    return window


def other_copy(screen):
    """A second program on the same database file."""
    return Database(screen.ctx.db.path)


def rows_of(dialog: ConflictDialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }


def test_counselling_saved_meanwhile_is_not_overwritten(screen, type_text):
    tab = screen.mapping
    pid = screen.participation_id
    type_text(tab.advice_note, "Min anteckning om bostadsbidrag")

    other = other_copy(screen)
    try:
        with other.session() as s:
            mapping.save_advice(
                s, pid, EconomicAdvice(TODAY, screen.case_staff[1], note="Deras anteckning"), TODAY
            )
    finally:
        other.close()

    assert tab.save_advice() is False
    assert "någon annan" in tab.message.text().lower()
    assert tab.advice_note.text() == "Min anteckning om bostadsbidrag", "the typed text is kept"
    with screen.ctx.db.reading() as s:
        assert mapping.get_mapping(s, pid).advice.note == "Deras anteckning"

    dialog = tab.conflict_dialog
    assert isinstance(dialog, ConflictDialog) and dialog.isVisible()
    rows = rows_of(dialog)
    assert rows["Anteckning"] == ("Min anteckning om bostadsbidrag", "Deras anteckning")
    assert "Erbjuden av" in rows  # they chose another staff member
    # Keep my note, take their choice of who offered it.
    keys = [d.key for d in dialog.found]
    dialog.choices[keys.index("offered_by_id")].setCurrentIndex(SAVED)
    dialog.accept()
    assert tab.advice_note.text() == "Min anteckning om bostadsbidrag"
    assert tab.advice_by.currentData() == screen.case_staff[1]

    assert tab.save_advice() is True
    with screen.ctx.db.reading() as s:
        saved = mapping.get_mapping(s, pid).advice
    assert (saved.note, saved.offered_by_id) == (
        "Min anteckning om bostadsbidrag",
        screen.case_staff[1],
    )


def test_a_refresh_never_replaces_the_counselling_being_typed(screen, type_text):
    tab = screen.mapping
    type_text(tab.advice_note, "Halvskriven")
    screen.refresh()  # e.g. after a contact was saved in another tab
    assert tab.advice_note.text() == "Halvskriven"


def test_closing_summary_saved_meanwhile_is_not_overwritten(screen, type_text):
    tab = screen.closing
    pid = screen.participation_id
    type_text(tab.summary, "Min sammanfattning")

    other = other_copy(screen)
    try:
        with other.session() as s:
            closing.save_closing_draft(
                s, pid, Closing(None, None, summary="Deras sammanfattning"), TODAY
            )
    finally:
        other.close()

    assert tab.save_draft() is False
    assert "någon annan" in tab.message.text().lower()
    assert tab.summary.toPlainText() == "Min sammanfattning", "the typed text is kept"
    with screen.ctx.db.reading() as s:
        assert closing.get_closing(s, pid).summary == "Deras sammanfattning"

    # Cancelling the choice keeps the text and the message; nothing is written.
    dialog = tab.conflict_dialog
    assert isinstance(dialog, ConflictDialog) and dialog.isVisible()
    assert rows_of(dialog)["Sammanfattning till remittenten"] == (
        "Min sammanfattning",
        "Deras sammanfattning",
    )
    dialog.reject()
    assert tab.summary.toPlainText() == "Min sammanfattning"
    assert "någon annan" in tab.message.text().lower()

    # Saving again offers the choice again; keeping mine saves mine.
    assert tab.save_draft() is False
    tab.conflict_dialog.accept()
    assert tab.summary.toPlainText() == "Min sammanfattning"
    assert tab.save_draft() is True
    with screen.ctx.db.reading() as s:
        assert closing.get_closing(s, pid).summary == "Min sammanfattning"


def test_own_saves_in_a_row_are_never_a_conflict(screen, type_text):
    tab = screen.closing
    type_text(tab.summary, "Första")
    assert tab.save_draft() is True
    type_text(tab.summary, " och andra")
    assert tab.save_draft() is True
    tab_m = screen.mapping
    type_text(tab_m.advice_note, "Ett")
    assert tab_m.save_advice() is True
    type_text(tab_m.advice_note, " två")
    assert tab_m.save_advice() is True
    with screen.ctx.db.reading() as s:
        assert closing.get_closing(s, screen.participation_id).summary == "Första och andra"
        assert mapping.get_mapping(s, screen.participation_id).advice.note == "Ett två"


def test_settings_lists_show_both_versions_too(ctx, qtbot, type_text):
    """Municipalities, parties and staff now carry their version like every record."""
    from dataclasses import replace

    from finsam_desktop.services import organisation
    from finsam_desktop.ui.pages.settings.staff import StaffDialog

    with ctx.db.reading() as s:
        member = organisation.list_staff(s)[0]
    dialog = StaffDialog(ctx, member)
    qtbot.addWidget(dialog)
    dialog.show()
    other = Database(ctx.db.path)
    try:
        with other.session() as s:
            organisation.save_staff(s, replace(organisation.get_staff(s, member.id), phone="1"))
    finally:
        other.close()
    dialog.phone.setText("")
    type_text(dialog.phone, "0999-22 22 22")
    dialog.accept()
    conflict = dialog.conflict_dialog
    assert isinstance(conflict, ConflictDialog) and conflict.isVisible()
    assert rows_of(conflict)["Telefon"] == ("0999-22 22 22", "1")
    conflict.accept()
    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        assert organisation.get_staff(s, member.id).phone == "0999-22 22 22"
