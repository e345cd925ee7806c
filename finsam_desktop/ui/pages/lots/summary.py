"""The lots summary tab: choose a period (the shared period picker) and a municipality,
read, export through the one exporter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.file_names import export_file_name
from finsam_desktop.domain.lots_summary import LotsSummary
from finsam_desktop.domain.organisation import Federation
from finsam_desktop.i18n import N_, _
from finsam_desktop.services import lots, organisation
from finsam_desktop.services.lots_summary import lots_summary, record_export
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.lots.charts import BreakdownChart
from finsam_desktop.ui.widgets.forms import choice, refill
from finsam_desktop.ui.widgets.period_picker import PeriodPicker
from finsam_desktop.ui.widgets.report_page import ReportPage

EXPORTS = ("pdf", "xlsx", "csv", "json")


class SummaryTab(ReportPage):
    save_title = N_("Save the summary")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.summary: LotsSummary | None = None
        outer = QVBoxLayout(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Period")))
        self.picker = PeriodPicker()
        bar.addWidget(self.picker)
        bar.addSpacing(12)
        bar.addWidget(QLabel(_("Municipality")))
        self.municipality = choice([], None, _("All municipalities"))
        bar.addWidget(self.municipality)
        bar.addStretch(1)
        self.add_export_buttons(bar, EXPORTS, _("Save the summary as {format}"))
        outer.addLayout(bar)
        self.add_scroll_area(outer)

        self.picker.changed.connect(self.refresh)
        self.municipality.currentIndexChanged.connect(self.refresh)
        self.reload_choices()

    # --- choices ---
    def reload_choices(self) -> None:
        municipalities = self.ctx.runner.read(organisation.list_municipalities, True)
        refill(self.municipality, [(m.name, m.id) for m in municipalities], _("All municipalities"))
        years = self.ctx.runner.read(lots.case_years)
        self.picker.year.setRange(min(years) - 1, max(years))

    def period(self) -> tuple[date, date]:
        period = self.picker.period()
        return period.start, period.end

    # --- showing ---
    def refresh(self, *_args, force: bool = False) -> None:
        if not self.due(force):
            return
        try:
            start, end = self.period()
        except ValidationError as exc:
            self._show_message(str(exc))
            return
        self.summary = self.ctx.runner.read(
            lots_summary, start, end, self.municipality.currentData()
        )
        self._render(self.summary)

    def _clear(self) -> None:
        self._new_content()

    def _show_message(self, text: str) -> None:
        self._clear()
        self.layout_.addWidget(QLabel(text))
        self.layout_.addStretch(1)

    def _render(self, s: LotsSummary) -> None:
        from finsam_desktop.reports.lots_tables import heading, key_figures, summary_sentences

        self._clear()
        title = QLabel(f"<h2>{heading(s)[0]}</h2>")
        self.layout_.addWidget(title)
        self.layout_.addWidget(QLabel(" · ".join(heading(s)[1:])))
        text = QLabel(" ".join(summary_sentences(s)))
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 11pt; padding: 6px 0;")
        self.layout_.addWidget(text)
        self.text_label = text
        self.layout_.addWidget(self._key_figures(key_figures(s)))
        grid = QGridLayout()
        grid.setSpacing(10)
        self.charts: dict[str, BreakdownChart] = {}
        for i, b in enumerate(s.breakdowns):
            chart = BreakdownChart(b)
            self.charts[b.key] = chart
            grid.addWidget(chart, i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.layout_.addLayout(grid)
        self.layout_.addStretch(1)

    def _key_figures(self, table) -> QWidget:
        from finsam_desktop.ui.pages.lots.charts import RIGHT

        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        head = QLabel(f"<b>{table.title}</b>")
        grid.addWidget(head, 0, 0, 1, 4)
        # The same cell texts as every export (reports.model.Table.texts).
        for r, row in enumerate(table.texts(), start=1):
            grid.addWidget(QLabel(row[0]), r, 0)
            for c, text in enumerate(row[1:3], start=1):
                label = QLabel(text)
                label.setAlignment(RIGHT)
                grid.addWidget(label, r, c)
            grid.addWidget(QLabel(row[3]), r, 3)
        grid.setColumnStretch(4, 1)
        return box

    # --- exporting ---
    def exportable(self) -> bool:
        return self.summary is not None

    def suggested_name(self, fmt: str) -> str:
        start, end = self.period()
        return export_file_name(
            "lotsarenden",
            fmt,
            start,
            end,
            self.municipality.currentData() and self.municipality.currentText(),
        )

    def write_report(self, path: Path, fmt: str, federation: Federation) -> None:
        """The summary on screen through the one exporter; logged."""
        from finsam_desktop.reports import export, lots_tables

        assert self.summary is not None
        report = lots_tables.summary_report(self.summary, federation.name)
        export.write(report, path, fmt, federation)
        self.ctx.runner.run(record_export, fmt)
