"""Small pieces the case screen's tabs, Översikt and the enrolment dialog share: optional
dates, the staff member who sits at this PC, staff and list choices, column widths."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QTreeWidget,
    QWidget,
)

from finsam_desktop.domain.clock import today
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.i18n import _
from finsam_desktop.services import case_options, organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.date_field import DateField, date_edit

STAFF_SETTING = "casework/staff_id"


def to_date(edit: DateField) -> date | None:
    return edit.value()


def my_staff_id(ctx: AppContext) -> int | None:
    """Who sits at this PC (chosen on Översikt): the default staff in new records."""
    value = ctx.settings.value(STAFF_SETTING)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def staff_items(ctx: AppContext, current: int | None = None) -> list[tuple[str, int]]:
    staff = ctx.runner.read(organisation.list_staff, True)
    out = []
    for s in staff:
        if s.active or s.id == current:
            label = s.name if s.active else _("{name} (retired)").format(name=s.name)
            out.append((label, s.id))
    return out


def option_items(ctx: AppContext, list_key: OptionList, current=None, top_only=False):
    """(label, id) of a configurable list; sub-values indented under their parent."""
    options = ctx.runner.read(case_options.list_options, list_key, True)
    out = []
    for o in options:
        if top_only and o.parent_id is not None:
            continue
        if not o.active and o.id != current:
            continue
        label = ("    " + o.name) if o.parent_id else o.name
        if not o.active:
            label = _("{name} (retired)").format(name=label)
        out.append((label, o.id))
    return out


class OptionalDate(QWidget):
    """A date that may be left out: a check box in front of the date field."""

    def __init__(self, value: date | None = None, text: str = "", parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(text)
        self.edit = date_edit(value or today())
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def value(self) -> date | None:
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value))


def fit_columns(tree: QTreeWidget) -> None:
    for column in range(tree.columnCount() - 1):
        tree.resizeColumnToContents(column)
