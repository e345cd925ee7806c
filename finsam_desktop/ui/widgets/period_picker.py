"""The one period picker: calendar year, half year, quarter, month, ISO week range
(2016 v. 26–43) or two dates. Every page that asks for a period uses it; it hands out
a ``domain.periods.Period``, the same type the command line parses."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from finsam_desktop.domain import clock, periods
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.periods import Period, PeriodKind
from finsam_desktop.i18n import _
from finsam_desktop.ui.widgets.date_field import date_edit, date_problem_text


def _spin(low: int, high: int, value: int, prefix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    if prefix:
        box.setPrefix(prefix)
    return box


class PeriodPicker(QWidget):
    """Kind of period, then the fields that kind needs. ``changed`` on every change."""

    changed = Signal()

    def __init__(self, today: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        today = today or clock.today()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for kind in PeriodKind:
            self.kind.addItem(kind.label, kind.value)
        layout.addWidget(self.kind)
        self.year = _spin(2000, 2100, today.year)
        layout.addWidget(self.year)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)

        def page(*widgets) -> QWidget:
            w = QWidget()
            row = QHBoxLayout(w)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            self.stack.addWidget(w)
            return w

        self.half = QComboBox()
        self.half.addItem(_("January–June"), 1)
        self.half.addItem(_("July–December"), 2)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(_("Quarter {n}").format(n=q), q)
        self.month = QComboBox()
        for m in range(1, 13):
            self.month.addItem(f"{m:02d}", m)
        self.first_week = _spin(1, 53, 1, _("week "))
        self.last_week = _spin(1, 53, today.isocalendar()[1], _("week "))
        self.start = date_edit(date(today.year, 1, 1))
        self.end = date_edit(today)
        self.pages = {
            PeriodKind.YEAR: page(),
            PeriodKind.HALF: page(self.half),
            PeriodKind.QUARTER: page(self.quarter),
            PeriodKind.MONTH: page(self.month),
            PeriodKind.WEEKS: page(self.first_week, QLabel("–"), self.last_week),
            PeriodKind.DATES: page(self.start, QLabel("–"), self.end),
        }
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for box in (self.half, self.quarter, self.month):
            box.currentIndexChanged.connect(self.changed)
        for spin in (self.year, self.first_week, self.last_week):
            spin.valueChanged.connect(self.changed)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.changed)
        self._kind_changed()

    def current_kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())

    def _kind_changed(self, *_args) -> None:
        kind = self.current_kind()
        self.stack.setCurrentWidget(self.pages[kind])
        self.year.setVisible(kind is not PeriodKind.DATES)
        self.changed.emit()

    def set_period(self, period: Period) -> None:
        """Show ``period`` (e.g. a remembered choice), signalling one change."""
        self.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(period.kind.value))
            self.year.setValue(period.start.year)
            s = period.start
            if period.kind is PeriodKind.HALF:
                self.half.setCurrentIndex(0 if s.month < 7 else 1)
            elif period.kind is PeriodKind.QUARTER:
                self.quarter.setCurrentIndex((s.month - 1) // 3)
            elif period.kind is PeriodKind.MONTH:
                self.month.setCurrentIndex(s.month - 1)
            elif period.kind is PeriodKind.WEEKS:
                self.year.setValue(s.isocalendar()[0])
                self.first_week.setValue(s.isocalendar()[1])
                self.last_week.setValue(period.end.isocalendar()[1])
            elif period.kind is PeriodKind.DATES:
                self.start.setDate(s)
                e = period.end
                self.end.setDate(e)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def period(self) -> Period:
        """The chosen period; ValidationError (Swedish) when it does not exist."""
        kind = self.current_kind()
        y = self.year.value()
        if kind is PeriodKind.YEAR:
            return periods.year(y)
        if kind is PeriodKind.HALF:
            return periods.half_year(y, self.half.currentData())
        if kind is PeriodKind.QUARTER:
            return periods.quarter(y, self.quarter.currentData())
        if kind is PeriodKind.MONTH:
            return periods.month(y, self.month.currentData())
        if kind is PeriodKind.WEEKS:
            first, last = self.first_week.value(), self.last_week.value()
            if last < first:
                raise ValidationError.single("period", _("The period ends before it starts."))
            return periods.weeks(y, first, y, last)
        start, end = self.start.value(), self.end.value()
        if start is None or end is None:
            raise ValidationError.single("period", date_problem_text())
        return periods.dates(start, end)
