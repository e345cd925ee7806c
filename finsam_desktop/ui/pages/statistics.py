"""Statistik: choose a period, an insats and a municipality; read the tables and charts;
export the same report in one click (PDF for the board, XLSX, CSV).

The page shows exactly the ``Report`` the exporter writes (reports.model): every cell
text comes from the same ``Table.texts()``, so a figure on screen is the figure in the
file. Charts are ReportLab drawings, shown here as SVG, the same as in the PDF.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import Federation
from finsam_desktop.i18n import N_, _
from finsam_desktop.reports.model import Kind, Report, Table
from finsam_desktop.services.statistics import record_export, report_choices, statistics
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import BusyCursor, choice, refill
from finsam_desktop.ui.widgets.period_picker import PeriodPicker
from finsam_desktop.ui.widgets.report_page import ReportPage

EXPORTS = ("pdf", "xlsx", "csv")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# What no figure counts: a change of only these leaves the tables as they are.
NOT_COUNTED = frozenset({Change.ACCESS_LOG, Change.DRAFT, Change.USERS, Change.LETTER_TEMPLATE})


class ReportTable(QTableWidget):
    """One table of the report, read-only, as tall as its rows (the page scrolls)."""

    def __init__(self, table: Table, parent: QWidget | None = None):
        texts = table.texts()
        super().__init__(len(texts), len(table.columns), parent)
        self.table = table
        self.setHorizontalHeaderLabels([c.title for c in table.columns])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bold = self.font()
        bold.setBold(True)
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if table.columns[c].kind is not Kind.TEXT:
                    item.setTextAlignment(RIGHT)
                if r in table.bold_rows:
                    item.setFont(bold)
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(RIGHT)
        first = self.horizontalHeaderItem(0)
        first.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_rows()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # Rows measured before the table had its width wrapped labels that fit on one line.
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows as tall as their text at the table's present width; the table as tall as
        its rows."""
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 4
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if height != self.height():
            self.setFixedHeight(height)

    def texts(self) -> list[list[str]]:
        return [
            [self.item(r, c).text() for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


def chart_widget(chart) -> QWidget:
    from PySide6.QtSvgWidgets import QSvgWidget

    from finsam_desktop.reports.export import chart_svg

    widget = QSvgWidget()
    widget.load(QByteArray(chart_svg(chart, 520, 220)))
    widget.setFixedSize(520, 220)
    return widget


class StatisticsPage(ReportPage):
    save_title = N_("Save the report")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.report: Report | None = None
        outer = QVBoxLayout(self)
        heading = QLabel("<h2>{}</h2>".format(_("Statistics")))
        outer.addWidget(heading)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Period")))
        self.picker = PeriodPicker()
        bar.addWidget(self.picker)
        bar.addSpacing(10)
        bar.addWidget(QLabel(_("Insats")))
        self.insats = choice([], None, _("All insatser"))
        bar.addWidget(self.insats)
        bar.addWidget(QLabel(_("Home municipality")))
        self.municipality = choice([], None, _("All municipalities"))
        bar.addWidget(self.municipality)
        self.hide_small = QCheckBox(_("Hide small counts (<5)"))
        self.hide_small.setToolTip(
            _("For reports that leave the team: counts from 1 to 4 are shown as <5.")
        )
        bar.addStretch(1)
        outer.addLayout(bar)
        for box in (self.insats, self.municipality):  # a long name must not widen the page
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(16)

        buttons = QHBoxLayout()
        buttons.addWidget(self.hide_small)
        buttons.addSpacing(10)
        self.add_export_buttons(buttons, EXPORTS, _("Save the report as {format}"))
        self.message = QLabel()
        self.message.setStyleSheet("color: #a33;")
        buttons.addWidget(self.message)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.tables: dict[str, ReportTable] = {}
        self.charts: dict[str, QWidget] = {}
        self.add_scroll_area(outer)

        self.picker.changed.connect(self.refresh)
        self.insats.currentIndexChanged.connect(self.refresh)
        self.municipality.currentIndexChanged.connect(self.refresh)
        self.hide_small.toggled.connect(self.refresh)
        ctx.runner.changed.connect(self._data_changed)
        self.reload_choices()

    def reload_choices(self) -> None:
        insatser, municipalities = self.ctx.runner.read(report_choices)
        refill(self.insats, [(name, i) for i, name in insatser], _("All insatser"))
        refill(
            self.municipality, [(name, i) for i, name in municipalities], _("All municipalities")
        )

    def _data_changed(self, kinds: frozenset[Change]) -> None:
        if not kinds - NOT_COUNTED:
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self, *_args, force: bool = False) -> None:
        if not self.due(force):
            return
        try:
            period = self.picker.period()
        except ValidationError as exc:
            self.message.setText(str(exc))
            self.report = None
            self._set_exports(False)
            return
        self.message.setText("")
        with BusyCursor():
            self.report = self.ctx.runner.read(
                partial(
                    statistics,
                    period=period,
                    insats_id=self.insats.currentData(),
                    municipality_id=self.municipality.currentData(),
                    hide_small=self.hide_small.isChecked(),
                )
            )
        self._render(self.report)
        self._set_exports(True)

    def _set_exports(self, enabled: bool) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(enabled)

    def _render(self, report: Report) -> None:
        self._new_content()
        self.tables, self.charts = {}, {}
        summary = QLabel(" · ".join([*report.heading()[1:], *report.notes]))
        summary.setWordWrap(True)
        self.layout_.addWidget(summary)
        for table in report.tables:
            title = QLabel(f"<h3>{table.title}</h3>")
            self.layout_.addWidget(title)
            if table.base:
                base = QLabel(table.base)
                base.setWordWrap(True)
                base.setStyleSheet("color: #444;")
                self.layout_.addWidget(base)
            widget = ReportTable(table)
            self.tables[table.key] = widget
            self.layout_.addWidget(widget)
            for note in table.notes:
                label = QLabel(note)
                label.setWordWrap(True)
                label.setStyleSheet("color: #555; font-size: 9pt;")
                self.layout_.addWidget(label)
            if table.chart is not None and table.chart.categories:
                chart = chart_widget(table.chart)
                self.charts[table.key] = chart
                self.layout_.addWidget(chart)
        self.layout_.addStretch(1)

    # --- exporting ---
    def exportable(self) -> bool:
        return self.report is not None

    def suggested_name(self, fmt: str) -> str:
        code = self.picker.period().code or "period"
        return f"statistik-{code.replace(':', '_')}.{fmt}"

    def write_report(self, path: Path, fmt: str, federation: Federation) -> None:
        """The report on screen (the same object) to ``path``; logged."""
        from finsam_desktop.reports import export

        assert self.report is not None
        self.report.organisation = federation.name
        export.write(self.report, path, fmt, federation)
        self.ctx.runner.run(record_export, fmt)
