"""The lots summary tab: choose a year or period and a municipality, read, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.file_names import export_file_name
from finsam_desktop.domain.lots import LotsSummary
from finsam_desktop.i18n import _, format_number
from finsam_desktop.services import lots, organisation
from finsam_desktop.services.lots_summary import lots_summary, record_export, year_period
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.date_field import DateField
from finsam_desktop.ui.forms import choice, refill
from finsam_desktop.ui.pages.lots.charts import BreakdownChart

EXPORTS = (
    ("pdf", "PDF…", "PDF (*.pdf)"),
    ("xlsx", "Excel…", "Excel (*.xlsx)"),
    ("csv", "CSV…", "CSV (*.csv)"),
    ("json", "JSON…", "JSON (*.json)"),
)


class SummaryTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.summary: LotsSummary | None = None
        self._stale = True  # computed when shown: a save elsewhere must stay instant
        outer = QVBoxLayout(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Year")))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        bar.addWidget(self.year)
        self.custom = QCheckBox(_("Other period"))
        bar.addWidget(self.custom)
        self.start = _date_edit(date(date.today().year, 1, 1))
        self.end = _date_edit(date.today())
        bar.addWidget(self.start)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.end)
        bar.addSpacing(12)
        bar.addWidget(QLabel(_("Municipality")))
        self.municipality = choice([], None, _("All municipalities"))
        bar.addWidget(self.municipality)
        bar.addStretch(1)
        self.export_buttons = {}
        for fmt, text, _pattern in EXPORTS:
            button = QPushButton(text)
            button.setToolTip(_("Save the summary as {format}").format(format=fmt.upper()))
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            bar.addWidget(button)
            self.export_buttons[fmt] = button
        outer.addLayout(bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll, 1)
        self._new_content()

        self.year.valueChanged.connect(self.refresh)
        self.custom.toggled.connect(self._period_mode)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.municipality.currentIndexChanged.connect(self.refresh)
        self.reload_choices()
        self._period_mode(False)

    # --- choices ---
    def reload_choices(self) -> None:
        municipalities = self.ctx.runner.read(organisation.list_municipalities, True)
        refill(self.municipality, [(m.name, m.id) for m in municipalities], _("All municipalities"))
        years = self.ctx.runner.read(lots.case_years)
        self.year.setRange(min(years) - 1, max(years))

    def _period_mode(self, custom: bool) -> None:
        self.year.setEnabled(not custom)
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        self.refresh()

    def period(self) -> tuple[date, date]:
        if self.custom.isChecked():
            # A date being typed counts once it is whole; until then the last one holds.
            start = self.start.value() or self.start.date_before_typing()
            end = self.end.value() or self.end.date_before_typing()
            return start, end
        return year_period(self.year.value())

    # --- showing ---
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh(force=True)

    def refresh(self, *_args, force: bool = False) -> None:
        if not (force or self.isVisible()):
            self._stale = True
            return
        self._stale = False
        start, end = self.period()
        if end < start:
            self._show_message(_("The period ends before it starts."))
            return
        self.summary = self.ctx.runner.read(
            lots_summary, start, end, self.municipality.currentData()
        )
        self._render(self.summary)

    def _new_content(self) -> None:
        """A fresh page for the scroll area; the area deletes the previous one."""
        self.content = QWidget()
        self.layout_ = QVBoxLayout(self.content)
        self.scroll.setWidget(self.content)

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
        for r, row in enumerate(table.rows, start=1):
            grid.addWidget(QLabel(str(row[0])), r, 0)
            for c, value in enumerate(row[1:3], start=1):
                text = "" if value is None else (f"{value} %" if c == 2 else format_number(value))
                label = QLabel(text)
                label.setAlignment(RIGHT)
                grid.addWidget(label, r, c)
            grid.addWidget(QLabel(str(row[3] or "")), r, 3)
        grid.setColumnStretch(4, 1)
        return box

    # --- exporting ---
    def export(self, fmt: str) -> Path | None:
        if self.summary is None:
            return None
        pattern = dict((f, p) for f, _t, p in EXPORTS)[fmt]
        suggested = self.suggested_name(fmt)
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the summary"), str(Path.home() / suggested), pattern
        )
        if not path:
            return None
        return self.write(Path(path), fmt)

    def suggested_name(self, fmt: str) -> str:
        start, end = self.period()
        return export_file_name(
            "lotsarenden",
            fmt,
            start,
            end,
            self.municipality.currentData() and self.municipality.currentText(),
        )

    def write(self, path: Path, fmt: str) -> Path | None:
        from finsam_desktop.reports import lots_tables, tabular

        s = self.summary
        assert s is not None
        federation = self.ctx.runner.read(organisation.get_federation).name
        try:
            if fmt == "pdf":
                from finsam_desktop.reports.lots_summary_pdf import write_lots_summary_pdf

                write_lots_summary_pdf(path, s, federation)
            elif fmt == "xlsx":
                tabular.write_xlsx(
                    path, lots_tables.summary_tables(s), lots_tables.heading(s, federation)
                )
            elif fmt == "csv":
                tabular.write_csv(
                    path, lots_tables.summary_tables(s), lots_tables.heading(s, federation)
                )
            else:
                tabular.write_json(path, lots_tables.summary_json(s, federation))
            self.ctx.runner.run(record_export, fmt)
        except OSError:
            QMessageBox.warning(
                self,
                _("Could not save"),
                _("The file could not be written. Choose another folder and try again."),
            )
            return None
        return path


def _date_edit(value: date) -> DateField:
    return DateField(value)
