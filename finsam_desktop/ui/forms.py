"""Form dialogs: a message next to each field that is wrong, and nothing typed is lost.

A FormDialog stays open when saving fails, shows each problem under its field in
Swedish, and asks before closing when something has been typed but not saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _
from finsam_desktop.ui.conflict import resolve_conflict
from finsam_desktop.ui.operations import OperationFailed

ERROR_STYLE = "color: #b00020;"
# A long form scrolls rather than grow taller than this (a 1280×800 screen, less the
# window frame and taskbar).
MAX_FORM_HEIGHT = 720
SAVED_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"
BANNER_STYLE = "background: #fdecea; color: #8a1c13; padding: 6px; border-radius: 4px;"


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def banner(text: str = "", style: str = BANNER_STYLE) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.setVisible(bool(text))
    return label


def line(text: str = "", max_length: int = 200) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setMaxLength(max_length)
    return edit


def spin(value: int, minimum: int = 0, maximum: int = 999) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def choice(items: Iterable[tuple[str, Any]], current: Any = None, empty: str | None = None):
    """A combo box of (label, value); ``empty`` adds a first 'none' item with value None."""
    box = QComboBox()
    if empty is not None:
        box.addItem(empty, None)
    for label, value in items:
        box.addItem(label, value)
    set_choice(box, current)
    return box


def set_choice(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


def refill(box: QComboBox, items: Iterable[tuple[str, Any]], empty: str | None = None) -> None:
    """New items for a choice (e.g. after a municipality was added), keeping what was
    chosen and without signalling a change."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    if empty is not None:
        box.addItem(empty, None)
    for text, value in items:
        box.addItem(text, value)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.blockSignals(False)


def date_edit(value=None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value) if value else QDate.currentDate())
    return edit


def active_items(items, current_id: int | None, label=lambda x: x.name):
    """Active values, plus the current one even if retired (marked as such)."""
    out = []
    for item in items:
        if item.active or item.id == current_id:
            text = label(item) if item.active else _("{name} (retired)").format(name=label(item))
            out.append((text, item.id))
    return out


def with_error_label(widget: QWidget) -> tuple[QWidget, QLabel]:
    """One form cell: the widget with its (hidden) error message underneath."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    err = error_label()
    box.addWidget(err)
    return holder, err


class FieldForm(QWidget):
    """Labelled fields, each with a place for its error message, and a dirty flag."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self.dirty = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = banner()
        outer.addWidget(self.banner)
        self.layout_form = QFormLayout()
        self.layout_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.layout_form)

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        holder, err = with_error_label(widget)
        self.layout_form.addRow(label, holder)
        self._fields[key] = widget
        self._errors[key] = err
        self._watch(widget)
        return widget

    def _watch(self, widget: QWidget) -> None:
        signal = None
        if isinstance(widget, QLineEdit):
            signal = widget.textEdited
        elif isinstance(widget, QPlainTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.activated
        elif isinstance(widget, QCheckBox):
            signal = widget.toggled
        elif isinstance(widget, QSpinBox):
            signal = widget.valueChanged
        elif isinstance(widget, QDateEdit):
            signal = widget.dateChanged
        if signal is not None:
            signal.connect(self.mark_dirty)

    def mark_dirty(self, *_args) -> None:
        self.dirty = True

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        for key, label in self._errors.items():
            text = problems.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))
        unplaced = [v for k, v in problems.items() if k not in self._errors]
        text = "\n".join(t for t in [message, *unplaced] if t)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        for key in problems:
            if key in self._fields:
                self._fields[key].setFocus()
                break

    def clear_problems(self) -> None:
        self.show_problems("", {})

    def error_text(self, key: str) -> str:
        """The message shown under a field ('' when none): what tests and screen readers read."""
        return self._errors[key].text()


class FormDialog(QDialog):
    """A FieldForm with Save and Cancel. Subclasses define ``save()``, which builds the
    record from the fields, saves it through the operation runner and returns it."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.result_value: Any = None
        outer = QVBoxLayout(self)
        self.fields = FieldForm()
        self.banner = self.fields.banner
        outer.addWidget(self.fields)
        self.body = outer
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addStretch(1)
        outer.addWidget(self.buttons)

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        return self.fields.add_field(key, label, widget)

    def scroll_fields(self, height: int = MAX_FORM_HEIGHT) -> None:
        """Call at the end of a long form's constructor: its fields scroll, so the dialog
        fits a 1280×800 screen with Save and Cancel always in view."""
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        index = self.body.indexOf(self.fields)
        self.body.removeWidget(self.fields)
        area.setWidget(self.fields)
        self.body.insertWidget(index, area, 1)
        stretch = self.body.itemAt(index + 1)  # the area takes the room the stretch took
        if stretch is not None and stretch.spacerItem() is not None:
            self.body.removeItem(stretch)
        scrollbar = area.verticalScrollBar().sizeHint().width()
        area.setMinimumWidth(self.fields.minimumSizeHint().width() + scrollbar)
        wanted = self.fields.sizeHint().height() + self.buttons.sizeHint().height() + 40
        self.resize(max(self.width(), area.minimumWidth() + 24), min(wanted, height))

    def showEvent(self, event) -> None:
        enter_presses(self, self.buttons.button(QDialogButtonBox.StandardButton.Save))
        # A set minimum width wins over what the fields need: never narrower than them
        # (a row of check boxes was cut off).
        needed = self.minimumSizeHint()
        self.setMinimumSize(self.minimumSize().expandedTo(needed))
        self.resize(self.size().expandedTo(needed))
        super().showEvent(event)

    def mark_dirty(self, *_args) -> None:
        self.fields.mark_dirty()

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        self.fields.show_problems(message, problems)

    def accept(self) -> None:
        try:
            self.result_value = self.save()
        except OperationFailed as exc:
            # Someone else saved the record first: show both versions (ui/conflict.py).
            if not resolve_conflict(self, exc):
                self.show_problems(exc.message, exc.problems)
            return
        self.fields.dirty = False
        super().accept()

    def reject(self) -> None:
        if self.fields.dirty and not confirm_discard(self):
            return
        super().reject()

    def closeEvent(self, event) -> None:  # the window's close button behaves like Cancel
        if self.fields.dirty and not confirm_discard(self):
            event.ignore()
            return
        self.fields.dirty = False
        super().closeEvent(event)


def enter_presses(dialog: QDialog, button) -> None:
    """Make Enter in any field press ``button``: every other push button in the dialog
    (Registerutdrag, Glömt lösenordet…, Lägg till…) would otherwise grab the default as
    an auto-default button and fire on Enter instead of Save."""
    from PySide6.QtWidgets import QPushButton

    for other in dialog.findChildren(QPushButton):
        if other is not button:
            other.setAutoDefault(False)
            other.setDefault(False)
    button.setAutoDefault(True)
    button.setDefault(True)


def confirm_discard(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent,
        _("Discard changes?"),
        _("You have typed things that are not saved. Close without saving?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def right_aligned(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


class BusyCursor:
    """A wait cursor while something takes a moment (key derivation, a backup, gallring)."""

    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        return self

    def __exit__(self, *exc):
        QApplication.restoreOverrideCursor()
        return False


def save_from_form(ctx, form: FieldForm, fn, *args, changes: set[str]) -> bool:
    """Save a settings form that is not a dialog: problems go next to its fields and
    it stays as typed; True, with the form clean, when it was saved."""
    try:
        ctx.runner.run(fn, *args, changes=changes)
    except OperationFailed as exc:
        form.show_problems(exc.message, exc.problems)
        return False
    form.clear_problems()
    form.dirty = False
    return True


def confirm_destructive(parent: QWidget, title: str, text: str, action: str, on_confirm):
    """A warning with ``action`` and Cancel (the default); ``on_confirm()`` runs only when
    the action is chosen. Opened window-modal; returns the box (tests press its buttons)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _r: on_confirm() if box.clickedButton() is chosen else None)
    box.open()
    return box
