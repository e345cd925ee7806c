"""When two copies of the program changed the same record: show both, let the user choose.

The second save of a record is refused (optimistic version column; see
services.records.ConcurrentChange). Instead of only saying so, a form dialog that can
reload its record shows a table of the fields that differ, *your version* beside the
*saved version*, and for each field which one to keep. The choice is filled into the
form, which takes the saved record's version; nothing is written until the user saves
again, so nothing is ever silently overwritten.

A FormDialog takes part by defining two methods:

- ``load_saved()``: the record as it is saved now (read through the runner);
- ``adopt_saved(record)``: base the next save on that record (its id and version).

The saved values are shown exactly as the form would show them: a second, hidden
dialog of the same class is built for the saved record (``type(form)(form.ctx,
record)``, or ``form.saved_form(record)`` when the constructor differs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm.exc import StaleDataError

from finsam_desktop.i18n import _
from finsam_desktop.services.records import ConcurrentChange
from finsam_desktop.ui.operations import OperationFailed

DIFF_COLOUR = QColor("#fff4ce")
MINE, SAVED = 0, 1


def is_concurrent_change(exc: OperationFailed) -> bool:
    """Did the runner refuse the save because someone else saved the record first?
    (It raises OperationFailed while handling ConcurrentChange/StaleDataError.)"""
    return isinstance(exc.__context__, ConcurrentChange | StaleDataError)


def display_value(widget: QWidget) -> str | None:
    """What a field shows, as text; None for widgets that hold no comparable value."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return _("Yes") if widget.isChecked() else _("No")
    if isinstance(widget, QSpinBox):
        return str(widget.value())
    return None


def copy_value(source: QWidget, target: QWidget) -> None:
    """Put ``source``'s value into ``target`` (two fields of the same kind)."""
    if isinstance(target, QLineEdit):
        target.setText(source.text())
    elif isinstance(target, QPlainTextEdit | QTextEdit):
        target.setPlainText(source.toPlainText())
    elif isinstance(target, QComboBox):
        index = target.findData(source.currentData())
        target.setCurrentIndex(index if index >= 0 else source.currentIndex())
    elif isinstance(target, QCheckBox):
        target.setChecked(source.isChecked())
    elif isinstance(target, QSpinBox):
        target.setValue(source.value())


@dataclass
class FieldDifference:
    key: str
    label: str
    mine: str
    saved: str


def _label(form, key: str, widget: QWidget) -> str:
    layout = form.fields.layout_form
    label = layout.labelForField(widget.parentWidget())
    text = label.text() if isinstance(label, QLabel) else key
    return text.replace("&", "")


def differences(form, twin) -> list[FieldDifference]:
    out = []
    for key, widget in form.fields._fields.items():
        other = twin.fields._fields.get(key)
        mine = display_value(widget)
        saved = display_value(other) if other is not None else None
        if mine is None or saved is None or mine == saved:
            continue
        out.append(FieldDifference(key, _label(form, key, widget), mine, saved))
    return out


class ConflictDialog(QDialog):
    """Your version and the saved version side by side; per field, which to keep."""

    def __init__(self, found: list[FieldDifference], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Someone else changed this record"))
        self.setMinimumWidth(720)
        self.found = found
        intro = QLabel(
            _(
                "While you were editing, someone else saved this record. The fields that "
                "differ are listed below. Choose for each field which version to keep; "
                "nothing is saved until you press Save in the form."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(found), 4)
        self.table.setHorizontalHeaderLabels(
            [_("Field"), _("Your version"), _("Saved version"), _("Keep")]
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.choices: list[QComboBox] = []
        for row, diff in enumerate(found):
            for column, text in enumerate((diff.label, diff.mine, diff.saved)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(text)
                if column:
                    item.setBackground(DIFF_COLOUR)
                self.table.setItem(row, column, item)
            box = QComboBox()
            box.addItem(_("Mine"), MINE)
            box.addItem(_("Saved"), SAVED)
            self.table.setCellWidget(row, 3, box)
            self.choices.append(box)
        all_mine = QPushButton(_("Keep all of mine"))
        all_mine.clicked.connect(lambda: self.choose_all(MINE))
        all_saved = QPushButton(_("Take the saved version"))
        all_saved.clicked.connect(lambda: self.choose_all(SAVED))
        quick = QHBoxLayout()
        quick.addWidget(all_mine)
        quick.addWidget(all_saved)
        quick.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            _("Fill in the chosen values")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(quick)
        layout.addWidget(self.buttons)

    def choose_all(self, which: int) -> None:
        for box in self.choices:
            box.setCurrentIndex(which)

    def chosen_saved(self) -> list[str]:
        """The keys of the fields where the saved version is kept."""
        return [
            d.key
            for d, box in zip(self.found, self.choices, strict=True)
            if box.currentData() == SAVED
        ]


def resolve_conflict(form, exc: OperationFailed) -> bool:
    """Offer the choice for a refused save; True when the form handled it (the dialog
    was shown), False to fall back to showing the message in the form's banner."""
    if not (is_concurrent_change(exc) and hasattr(form, "load_saved")):
        return False
    record = form.load_saved()
    builder = getattr(form, "saved_form", None)
    twin = builder(record) if builder else type(form)(form.ctx, record)
    try:
        found = differences(form, twin)
        if not found:
            # The other change touched nothing this form shows: base the save on it.
            form.adopt_saved(record)
            form.show_problems(
                _("Someone else saved this record, but none of these fields. Save again."), {}
            )
            twin.deleteLater()
            return True
        dialog = ConflictDialog(found, form)
        form.conflict_dialog = dialog

        def apply(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                form.show_problems(exc.message, exc.problems)
                return
            for key in dialog.chosen_saved():
                copy_value(twin.fields._fields[key], form.fields._fields[key])
            form.adopt_saved(record)
            form.fields.dirty = True
            form.show_problems(
                _("The values you chose are filled in. Check them and save again."), {}
            )
            twin.deleteLater()

        dialog.finished.connect(apply)
        dialog.open()
    except Exception:
        twin.deleteLater()
        raise
    return True


# --- a part of a screen (not a form dialog): the counselling, the avslut, ... -------------


@dataclass
class SectionField:
    """One field of a section: its text as typed here and as saved, and how to fill
    the saved value into the widget."""

    key: str
    label: str
    mine: str
    saved: str
    take_saved: Callable[[], None]
    # True when the field still holds what the form was loaded with: only the other
    # person changed it, so the saved value is offered first.
    untouched: bool = False


def resolve_section_conflict(
    parent: QWidget,
    fields: list[SectionField],
    adopt: Callable[[], None],
    say: Callable[[str], None],
) -> ConflictDialog | None:
    """A section's save was refused because someone else saved it first: show the fields
    that differ side by side, fill in the chosen saved values and base the next save on
    the saved version (``adopt``). What was typed stays unless the user takes theirs;
    nothing is written until the user saves again."""
    found = [f for f in fields if f.mine != f.saved]
    if not found:
        adopt()
        say(_("Someone else saved this record, but none of these fields. Save again."))
        return None
    by_key = {f.key: f for f in found}
    dialog = ConflictDialog(
        [FieldDifference(f.key, f.label, f.mine, f.saved) for f in found], parent
    )
    for f, box in zip(found, dialog.choices, strict=True):
        if f.untouched:
            box.setCurrentIndex(SAVED)

    def apply(result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            say(str(ConcurrentChange()))
            return
        for key in dialog.chosen_saved():
            by_key[key].take_saved()
        adopt()
        say(_("The values you chose are filled in. Check them and save again."))

    dialog.finished.connect(apply)
    dialog.open()
    return dialog


def combo_text(box: QComboBox, value) -> str:
    """What ``box`` would show for ``value``."""
    index = box.findData(value)
    return box.itemText(index) if index >= 0 else "–"
