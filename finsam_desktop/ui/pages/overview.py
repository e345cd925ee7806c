"""Översikt: the day's work at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from finsam_desktop.i18n import _, format_date, format_week
from finsam_desktop.services import organisation, stats_overview
from finsam_desktop.ui.context import AppContext


class OverviewPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.counts_box = QGroupBox(_("The team in numbers"))
        self.counts = QFormLayout(self.counts_box)
        layout.addWidget(self.counts_box)
        layout.addStretch(1)
        ctx.runner.changed.connect(lambda _kinds: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        from datetime import date

        today = date.today()
        federation = self.ctx.runner.read(organisation.get_federation)
        name = federation.name or _("No förbund set up yet: start in Settings.")
        self.heading.setText(
            f"<h2>{_('Overview')}</h2><p>{name}<br>{format_date(today)}, {format_week(today)}</p>"
        )
        while self.counts.rowCount():
            self.counts.removeRow(0)
        for label, value in stats_overview.database_counts(self.ctx.db):
            self.counts.addRow(label + ":", QLabel(str(value)))
