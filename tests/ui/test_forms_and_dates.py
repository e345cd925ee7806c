"""The one form helper and the one date field: messages never squash or overlap a field,
every problem shows at once and goes as soon as its field is right; a date typed whole
replaces the whole date; no QDateEdit anywhere else."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from finsam_desktop.ui.pages.lots.case_form import LotsCaseDialog
from finsam_desktop.ui.widgets.date_field import DateField

PACKAGE = Path(__file__).resolve().parents[2] / "finsam_desktop"


def _new_lots_dialog(ctx, qtbot):
    dialog = LotsCaseDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _rect_in(widget, dialog):
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return widget.rect().translated(top_left)


def test_no_qdateedit_outside_the_date_field():
    """Every date in the program is typed into DateField (ui/widgets/date_field.py)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "date_field.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if name in ("QDateEdit", "QDateTimeEdit"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.alias) and node.name in ("QDateEdit", "QDateTimeEdit"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_all_problems_at_once_below_their_fields_without_overlap(ctx, qtbot):
    dialog = _new_lots_dialog(ctx, qtbot)
    height_before = dialog.height()
    dialog.received.setText("2026-02-30")
    dialog.birth_year.setText("19x")
    dialog.reference.setText("19850101-1234")
    dialog.survey_sent.setChecked(True)  # not allowed while open
    dialog.accept()
    assert dialog.isVisible()
    f = dialog.fields
    # Every rule at once, the unreadable ones and the domain's.
    for key in ("received", "birth_year", "reference", "municipality", "survey_sent"):
        assert f.error_text(key), key
    assert "ÅÅÅÅ-MM-DD" in f.error_text("received")
    assert dialog.height() > height_before  # the dialog grew for the messages
    # Geometry: each field keeps its height, its message sits under it, and the next
    # row starts below the message.
    keys = list(f._fields)
    for key, next_key in zip(keys, keys[1:], strict=False):
        widget, label = f._fields[key], f.error_label(key)
        assert widget.height() >= widget.minimumSizeHint().height(), key
        below = f._fields[next_key].parentWidget()
        next_top = _rect_in(below, dialog).top()
        if label.isVisible():
            msg = _rect_in(label, dialog)
            assert msg.top() >= _rect_in(widget, dialog).bottom(), key
            assert msg.height() >= label.heightForWidth(label.width()) - 1, key
            assert msg.bottom() < next_top, key
        assert _rect_in(widget, dialog).bottom() < next_top, key
    assert dialog.height() <= 720


def test_each_message_clears_as_soon_as_its_field_is_right(ctx, qtbot, type_text):
    dialog = _new_lots_dialog(ctx, qtbot)
    dialog.received.setText("2026-13-01")
    dialog.birth_year.setText("19x")
    dialog.accept()
    f = dialog.fields
    assert f.error_text("received") and f.error_text("municipality")
    dialog.received.selectAll()
    qtbot.keyClicks(dialog.received, "20260105")
    assert f.error_text("received") == ""
    assert f.error_text("municipality")  # the others stay until they are right
    dialog.birth_year.selectAll()
    qtbot.keyClicks(dialog.birth_year, "1988")
    assert f.error_text("birth_year") == ""
    index = dialog.municipality.findText("Granvik")
    dialog.municipality.setCurrentIndex(index)
    dialog.municipality.activated.emit(index)
    assert f.error_text("municipality") == ""
    assert not f.error_label("municipality").isVisible()
    dialog.fields.dirty = False
    dialog.reject()


def test_a_date_being_typed_is_not_a_mistake_until_the_field_is_left(ctx, qtbot):
    """In a real window the message for "2" (half of 2026-03-01) grew the form, which began
    to scroll and took the focus away: the rest of the date was lost."""
    dialog = _new_lots_dialog(ctx, qtbot)
    dialog.activateWindow()
    dialog.received.setFocus()
    qtbot.waitUntil(lambda: dialog.received.hasFocus())
    dialog.received.selectAll()  # as focusing it by Tab does: typing replaces the date
    for n, ch in enumerate("20261301", start=1):
        qtbot.keyClick(dialog.received, ch)
        assert dialog.fields.error_text("received") == "", n  # the red frame only
        assert dialog.received.hasFocus(), n
    assert dialog.received.text() == "20261301"
    dialog.scroll_fields()  # the form starts to scroll while the field is typed in
    assert dialog.received.hasFocus()
    dialog.birth_year.setFocus()  # Tab: now it is a mistake, and says so
    qtbot.waitUntil(lambda: dialog.fields.error_text("received") != "")
    assert "ÅÅÅÅ-MM-DD" in dialog.fields.error_text("received")
    dialog.fields.dirty = False


def test_typing_a_whole_date_replaces_the_whole_date(qtbot):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    other = QLineEdit()
    field = DateField(date(2026, 1, 11))
    layout.addWidget(other)
    layout.addWidget(field)
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    other.setFocus()
    # As a user does: click into the year of the date, then type a whole date.
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(8, field.height() // 2))
    qtbot.wait(20)  # the field selects everything once it has focus
    assert field.selectedText() == "2026-01-11"
    qtbot.keyClicks(field, "2027-01-11")
    assert field.value() == date(2027, 1, 11)
    field.selectAll()
    qtbot.keyClicks(field, "270112")
    field.editingFinished.emit()
    assert field.value() == date(2027, 1, 12) and field.text() == "2027-01-12"
    for text, expected in (
        ("20270113", date(2027, 1, 13)),
        ("14/1/2027", date(2027, 1, 14)),
        ("15.1.2027", date(2027, 1, 15)),
        ("2027/1/16", date(2027, 1, 16)),
    ):
        field.setText(text)
        assert field.value() == expected, text
        assert field.problem() == ""
    field.setText("2027-02-30")
    assert field.value() is None
    assert "ÅÅÅÅ-MM-DD" in field.problem()  # Swedish, and says how to write it
    field.setText("")
    assert field.problem() == "Ange datumet."
    assert DateField(None, optional=True).problem() == ""


def test_the_calendar_fills_in_the_day(qtbot):
    field = DateField(date(2026, 5, 4))
    qtbot.addWidget(field)
    field.show()
    menu = field.open_calendar()
    assert field.calendar.selectedDate().toPython() == date(2026, 5, 4)
    field.calendar.setSelectedDate(field.calendar.selectedDate().addDays(3))
    field.calendar.clicked.emit(field.calendar.selectedDate())
    assert field.value() == date(2026, 5, 7)
    assert not menu.isVisible()


def test_information_meetings_list_in_date_order(ctx, qtbot):
    from finsam_desktop.ui.pages.referrals.page import ReferralsPage

    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    model = page.meetings.model
    rows = [model.row_at(i).values[:2] for i in range(model.rowCount())]
    assert len(rows) > 3
    keys = [f"{d} {t}" for d, t in rows]
    assert keys == sorted(keys, reverse=True)  # newest first, by date and time


def test_leaving_an_edited_form_offers_save_and_every_question_defaults_to_cancel(
    qtbot, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from finsam_desktop.ui.widgets.forms import FormDialog, confirm, line

    asked = []

    def answer_with(button):
        def question(parent, title, text, buttons, default):
            asked.append((buttons, default))
            return button

        return question

    class Note(FormDialog):
        saved = 0

        def save(self):
            Note.saved += 1
            return "saved"

    dialog = Note("Anteckning")
    qtbot.addWidget(dialog)
    dialog.add_field("text", "Text", line())
    dialog.fields.mark_dirty()
    monkeypatch.setattr(QMessageBox, "question", answer_with(QMessageBox.StandardButton.Save))
    dialog.reject()  # e.g. "Registrera remissen…" leaving an edited meeting
    buttons, default = asked[-1]
    assert (
        buttons & QMessageBox.StandardButton.Save and buttons & QMessageBox.StandardButton.Discard
    )
    assert default == QMessageBox.StandardButton.Cancel
    assert Note.saved == 1 and dialog.result() == dialog.DialogCode.Accepted
    monkeypatch.setattr(QMessageBox, "question", answer_with(QMessageBox.StandardButton.Cancel))
    assert confirm(None, "Ta bort?", "Ta bort lotsärendet?") is False
    assert asked[-1][1] == QMessageBox.StandardButton.Cancel


def test_every_question_goes_through_the_form_helpers():
    """Deleting and other yes/no questions: one helper (Avbryt the default)."""
    offenders = [
        f"{path.relative_to(PACKAGE)}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "forms.py" and "QMessageBox.question" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
