"""Logguppföljning: the administrator reviews who opened and changed what.

Filter by user, person (personnummer, or the person id the log shows),
action and period; export what is shown to CSV or XLSX (the export is itself logged);
check that the log is whole (the hash chain).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop import APP_NAME
from finsam_desktop.domain import clock, periods
from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.file_names import export_file_name
from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.services import audit, log_review
from finsam_desktop.services.audit import Action, log_output
from finsam_desktop.services.log_review import LogFilter
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.login import BusyCursor
from finsam_desktop.ui.widgets.forms import choice, error_label, line
from finsam_desktop.ui.widgets.list_panel import ListPanel
from finsam_desktop.ui.widgets.period_picker import PeriodPicker


def _export_rows(session, chosen: LogFilter, kind: str) -> list[tuple]:
    rows = log_review.review_rows(session, chosen)
    log_output(session, kind)
    return rows


class LogReviewPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        users = ctx.runner.read(log_review.log_users)
        self.user = choice([(label, uid) for uid, label in users], empty=_("(all)"))
        self.action = choice([(a.label, a.value) for a in Action], empty=_("(all)"))
        self.person = line("", 20)
        self.person.setPlaceholderText(_("Personnummer or person id"))
        self.person.setClearButtonEnabled(True)
        self.person_note = error_label()
        self.use_period = QCheckBox(_("Period"))
        self.period = PeriodPicker()
        self.period.set_period(periods.month(clock.today().year, clock.today().month))
        grid.addWidget(QLabel(_("User")), 0, 0)
        grid.addWidget(self.user, 0, 1)
        grid.addWidget(QLabel(_("Action")), 0, 2)
        grid.addWidget(self.action, 0, 3)
        grid.addWidget(QLabel(_("Person")), 1, 0)
        grid.addWidget(self.person, 1, 1)
        grid.addWidget(self.person_note, 2, 1)
        grid.addWidget(self.use_period, 1, 2)
        grid.addWidget(self.period, 1, 3)
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)

        self.panel = ListPanel(log_review.log_list(ctx.db))
        self.panel.search.hide()
        # Newest first: what the administrator usually looks for.
        self.panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.panel, 1)

        buttons = QHBoxLayout()
        self.csv_button = QPushButton(_("Export to CSV…"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button = QPushButton(_("Export to Excel…"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.verify_button = QPushButton(_("Check that the log is whole"))
        self.verify_button.clicked.connect(self.verify)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        layout.addLayout(buttons)
        # The head of the chain, for the administrator to note down outside the program.
        self.head_label = QLabel()
        self.head_label.setWordWrap(True)
        self.head_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head_label)
        self.show_head()

        for box in (self.user, self.action):
            box.currentIndexChanged.connect(self.apply_filters)
        self.person.editingFinished.connect(self.apply_filters)
        self.person.textChanged.connect(lambda text: text or self.apply_filters())
        self.use_period.toggled.connect(self.apply_filters)
        self.period.changed.connect(self.apply_filters)
        ctx.runner.changed.connect(
            lambda kinds: self.refresh() if Change.ACCESS_LOG in kinds else None
        )

    def refresh(self) -> None:
        self.panel.refresh()
        self.show_head()

    def show_head(self) -> None:
        self.head_label.setText(audit.head_text(self.ctx.runner.read(audit.chain_head)))

    def chosen_person(self) -> int | None:
        """The person id the filter field means; -1 (no rows) for an unknown number."""
        text = self.person.text().strip()
        found = self.ctx.runner.read(log_review.find_person_id, text) if text else None
        unknown = bool(text) and found is None
        self.person_note.setText(_("No person with this personnummer.") if unknown else "")
        self.person_note.setVisible(unknown)
        return -1 if unknown else found

    def current_filter(self) -> LogFilter:
        chosen = None
        if self.use_period.isChecked():
            try:
                chosen = self.period.period()
            except ValidationError:
                chosen = None  # an impossible week range filters nothing until fixed
        return LogFilter(
            user_id=self.user.currentData(),
            person_id=self.chosen_person(),
            action=self.action.currentData(),
            date_from=chosen.start if chosen else None,
            date_to=chosen.end if chosen else None,
        )

    def apply_filters(self, *_args) -> None:
        chosen = self.current_filter()
        for key in ("user_id", "person_id", "action", "date_from", "date_to"):
            self.panel.model.set_filter(key, getattr(chosen, key))

    def export(self, kind: str) -> None:
        suffix = "xlsx" if kind == "xlsx" else "csv"
        name, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export the access log"),
            str(Path.home() / self.suggested_name(suffix)),
            "Excel (*.xlsx)" if suffix == "xlsx" else "CSV (*.csv)",
        )
        if not name:
            return
        self.export_to(Path(name), kind)

    def suggested_name(self, suffix: str) -> str:
        chosen = self.current_filter()
        end = chosen.date_to or (clock.today() if chosen.date_from else None)
        return export_file_name(
            "logguppfoljning", suffix, chosen.date_from, end, with_municipality=False
        )

    def export_to(self, dest: Path, kind: str) -> Path:
        from finsam_desktop.reports import audit_export

        with BusyCursor():
            rows = self.ctx.runner.run(_export_rows, self.current_filter(), f"access-log-{kind}")
            headers = [_(title) for title in log_review.REVIEW_COLUMNS]
            writer = audit_export.write_xlsx if kind == "xlsx" else audit_export.write_csv
            return writer(dest, headers, rows)

    def verify(self) -> None:
        with BusyCursor():
            report = self.ctx.runner.read(log_review.verify_chain)
        self.show_head()
        if report.ok:
            text = ngettext(
                "The access log is whole: {n} entry checked, none changed or missing.",
                "The access log is whole: {n} entries checked, none changed or missing.",
                report.checked,
            ).format(n=format_number(report.checked))
            if report.anchor is None:
                text += " " + _(
                    "No anchor outside the database was found to compare the end of the log "
                    "with (it is written beside the database and with every backup)."
                )
            else:
                when = audit.local_time(report.anchor.written_at).strftime("%Y-%m-%d %H:%M:%S")
                text += " " + _(
                    "It matches the newest anchor outside the database ({source}, {when})."
                ).format(source=report.anchor.source, when=when)
            QMessageBox.information(self, APP_NAME, text)
        else:
            QMessageBox.critical(
                self,
                APP_NAME,
                _(
                    "The access log has been tampered with at entry {id}: {problem} "
                    "Keep the database as it is and contact the person responsible for "
                    "information security."
                ).format(id=report.broken_at, problem=report.problem),
            )
