"""Veckotabell: the table the förbund's board reads, per ISO week range or any period."""

from __future__ import annotations

import importlib.util
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.i18n import _, format_number
from finsam_desktop.services import krans, organisation
from finsam_desktop.services.krans_report import krans_report
from finsam_desktop.services.krans_tables import Section, period_text, sections
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import banner, choice, date_edit, refill

ROW_HEIGHT = 24
EXPORT_FORMATS = ("pdf", "xlsx", "csv", "json")


def export_available() -> bool:
    """Whether the statistics report pipeline (reports/export.py) is installed."""
    return importlib.util.find_spec("finsam_desktop.reports.export") is not None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value, 1)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _spin(value: int, low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class WeekTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tables: dict[str, QTableWidget] = {}
        self.week_table = None
        today = clock.today()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.model = choice([], None, _("All local models side by side"))
        self.model.setMinimumWidth(230)
        self.municipality = choice([], None, _("All municipalities"))
        bar.addWidget(self.model)
        bar.addWidget(self.municipality)
        self.by_weeks = QRadioButton(_("ISO weeks"))
        self.by_dates = QRadioButton(_("Dates"))
        self.by_weeks.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_weeks)
        group.addButton(self.by_dates)
        self.year = _spin(today.year, 2000, 2100)
        self.first_week = _spin(1, 1, 53)
        self.last_week = _spin(today.isocalendar().week, 1, 53)
        self.first_week.setPrefix(_("week "))
        self.last_week.setPrefix(_("to week "))
        self.start = date_edit(date(today.year, 1, 1))
        self.end = date_edit(today)
        bar.addWidget(self.by_weeks)
        for w in (self.year, self.first_week, self.last_week):
            bar.addWidget(w)
        bar.addWidget(self.by_dates)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.end)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.export_bar = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.export_bar.addWidget(self.heading, 1)
        self.export_buttons: dict[str, QPushButton] = {}
        if export_available():
            for fmt in EXPORT_FORMATS:
                button = QPushButton(_("Save as {format}…").format(format=fmt.upper()))
                button.clicked.connect(lambda _c=False, f=fmt: self.ask_export(f))
                self.export_bar.addWidget(button)
                self.export_buttons[fmt] = button
        layout.addLayout(self.export_bar)
        self.banner = banner()
        layout.addWidget(self.banner)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.area.setWidget(self.body)
        layout.addWidget(self.area, 1)
        self.reload_choices()
        for box in (self.model, self.municipality):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        for spin in (self.year, self.first_week, self.last_week):
            spin.valueChanged.connect(lambda _v: self._choose(weeks=True))
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self._choose(weeks=False))
        self.by_weeks.toggled.connect(lambda _on: self.refresh())
        self._show_period_kind()
        self.refresh()

    def reload_choices(self) -> None:
        models = self.ctx.runner.read(krans.local_insatser)
        refill(self.model, [(n, i) for i, n in models], _("All local models side by side"))
        municipalities = self.ctx.runner.read(organisation.list_municipalities, True)
        refill(self.municipality, [(m.name, m.id) for m in municipalities], _("All municipalities"))

    def _choose(self, weeks: bool) -> None:
        if self.by_weeks.isChecked() != weeks:
            (self.by_weeks if weeks else self.by_dates).setChecked(True)  # refreshes
        else:
            self.refresh()

    def _show_period_kind(self) -> None:
        weeks = self.by_weeks.isChecked()
        for w in (self.year, self.first_week, self.last_week):
            w.setEnabled(True)
        self.start.setEnabled(True)
        self.end.setEnabled(True)
        font = QFont()
        font.setBold(weeks)
        self.by_weeks.setFont(font)
        font.setBold(not weeks)
        self.by_dates.setFont(font)

    def period(self) -> tuple[date, date]:
        if self.by_weeks.isChecked():
            year = self.year.value()
            last_week_of_year = date(year, 12, 28).isocalendar().week
            first = min(self.first_week.value(), last_week_of_year)
            last = min(self.last_week.value(), last_week_of_year)
            return krans.iso_week_range(year, first, last)
        return self.start.date().toPython(), self.end.date().toPython()

    def set_weeks(self, year: int, first: int, last: int) -> None:
        for spin, value in ((self.year, year), (self.first_week, first), (self.last_week, last)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.by_weeks.blockSignals(True)
        self.by_weeks.setChecked(True)
        self.by_weeks.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        self._show_period_kind()
        start, end = self.period()
        if end < start:
            self.banner.setText(_("The period ends before it starts."))
            self.banner.show()
            return
        self.banner.hide()
        self.week_table = self.ctx.runner.read(
            krans.week_table, start, end, self.model.currentData(), self.municipality.currentData()
        )
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tables = {}
        title = _("Local cooperation: aktualiseringar")
        self.heading.setText(f"<b>{title}</b> — {period_text(self.week_table)}")
        if not self.week_table.columns:
            self.body_layout.addWidget(
                QLabel(_("No insats follows a local model yet. Choose one in Settings."))
            )
            return
        for section in sections(self.week_table):
            self.body_layout.addWidget(self._section_widget(section))
        self.body_layout.addStretch(1)

    def _section_widget(self, section: Section) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(QLabel(f"<b>{section.title}</b>"))
        table = QTableWidget(len(section.rows), len(section.header))
        table.setHorizontalHeaderLabels(section.header)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate(section.rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(cell_text(value))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if r in section.bold_rows:
                    item.setFont(bold)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for c in range(1, len(section.header)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.setFixedHeight(header.sizeHint().height() + ROW_HEIGHT * len(section.rows) + 4)
        layout.addWidget(table)
        if section.note:
            note = QLabel(section.note)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.tables[section.key] = table
        return box

    # --- export through the statistics report pipeline ---------------------------------
    def report(self):
        start, end = self.period()
        return self.ctx.runner.read(
            krans_report, start, end, self.model.currentData(), self.municipality.currentData()
        )

    def ask_export(self, fmt: str) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the week table"),
            f"lokal-samverkan.{fmt}",
            f"{fmt.upper()} (*.{fmt})",
        )
        if path:
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> bool:
        from finsam_desktop.reports import export

        try:
            export.write(self.report(), path, fmt)
        except OSError:
            QMessageBox.warning(
                self, _("Not saved"), _("The file could not be written: {path}").format(path=path)
            )
            return False
        return True

    def cell(self, key: str, row_label: str, column: str) -> str:
        """The text shown in section ``key``, row ``row_label``, column ``column``."""
        table = self.tables[key]
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        c = headers.index(column)
        for r in range(table.rowCount()):
            if table.item(r, 0).text() == row_label:
                return table.item(r, c).text()
        raise KeyError(row_label)
