"""Gallring (administrator): the retention rules, a preview of who would be anonymised,
and running it after a confirmation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import organisation, retention
from finsam_desktop.services.access import AccessDenied
from finsam_desktop.services.retention import Candidate, RetentionRules
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import (
    SAVED_STYLE,
    BusyCursor,
    FieldForm,
    banner,
    confirm_destructive,
    save_from_form,
    spin,
)


class RetentionTab(QWidget):
    def __init__(self, ctx: AppContext, today: date | None = None):
        super().__init__()
        self.ctx = ctx
        self.today = today
        self.candidates: list[Candidate] = []
        rules = ctx.runner.read(retention.get_rules)

        explain = QLabel(
            _(
                "Gallring removes the personal data of persons the team no longer needs: "
                "names, personal identity numbers, addresses, phone numbers, e-mail, notes "
                "and letters. Gender, foreign background, birth year, home municipality, dates "
                "and outcomes are kept, so statistics for past years stay correct. A person with an ongoing "
                "participation or an open referral is never included. The access log is "
                "not affected."
            )
        )
        explain.setWordWrap(True)
        self.form = FieldForm(self)
        self.years = self.form.add_field(
            "years",
            _("Remove personal data after (years since the last entry)"),
            spin(rules.years, retention.MIN_YEARS, retention.MAX_YEARS),
        )
        self.years.setMaximumWidth(90)
        self.research = self.form.add_field(
            "keep_research_days",
            _("Research"),
            QCheckBox(_("Keep persons born on the 5th, 15th or 25th of a month")),
        )
        self.research.setChecked(rules.keep_research_days)
        self.save_button = QPushButton(_("Save rules"))
        self.save_button.clicked.connect(self.save_rules)
        self.status = banner("", SAVED_STYLE)

        self.preview_button = QPushButton(_("Show who would be removed"))
        self.preview_button.clicked.connect(self.preview)
        self.summary = QLabel()
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                _("Personal identity number"),
                _("Name"),
                _("Birth year"),
                _("Gender"),
                _("Home municipality"),
                _("Last entry"),
                _("Records"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.run_button = QPushButton(_("Remove personal data…"))
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.confirm_run)

        rules_row = QHBoxLayout()
        rules_row.addStretch(1)
        rules_row.addWidget(self.save_button)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.summary, 1)
        preview_row.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.form)
        layout.addLayout(rules_row)
        layout.addWidget(self.status)
        layout.addLayout(preview_row)
        layout.addWidget(self.table, 1)

    def rules(self) -> RetentionRules:
        return RetentionRules(self.years.value(), self.research.isChecked())

    def save_rules(self) -> None:
        if not save_from_form(self.ctx, self.form, retention.save_rules, self.rules()):
            return
        self.status.setText(_("The rules are saved. Show the preview again to see their effect."))
        self.status.show()
        self.clear_preview()

    def clear_preview(self) -> None:
        self.candidates = []
        self.table.setRowCount(0)
        self.summary.setText("")
        self.run_button.setEnabled(False)

    def preview(self) -> list[Candidate]:
        if self.form.dirty:
            self.save_rules()
        try:
            with BusyCursor():  # a first gallring over thousands of persons takes seconds
                self.candidates = self.ctx.runner.read(retention.candidates, self.today)
        except AccessDenied as exc:  # anyone but an administrator
            QMessageBox.warning(self, _("Gallring"), str(exc))
            return []
        municipalities = {
            m.id: m.name for m in self.ctx.runner.read(organisation.list_municipalities, True)
        }
        self.table.setRowCount(len(self.candidates))
        for i, c in enumerate(self.candidates):
            values = [
                c.personnummer,
                c.name,
                str(c.birth_year),
                c.gender.label,
                municipalities.get(c.municipality_id, ""),
                format_date(c.last_activity),
                str(c.rows),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (2, 6):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, column, item)
        n = len(self.candidates)
        self.summary.setText(
            ngettext(
                "{n} person would have their personal data removed.",
                "{n} persons would have their personal data removed.",
                n,
            ).format(n=format_number(n))
            if n
            else _("Nobody is due for gallring under these rules.")
        )
        self.run_button.setEnabled(bool(n))
        return self.candidates

    def confirm_run(self) -> QMessageBox | None:
        if not self.candidates:
            return None
        n = len(self.candidates)
        return confirm_destructive(
            self,
            _("Remove personal data"),
            ngettext(
                "Remove the personal data of {n} person? This cannot be undone (except by "
                "restoring a backup). The run is recorded in the access log.",
                "Remove the personal data of {n} persons? This cannot be undone (except by "
                "restoring a backup). The run is recorded in the access log.",
                n,
            ).format(n=format_number(n)),
            _("Remove personal data"),
            self.run,
        )

    def run(self) -> None:
        ids = [c.person_id for c in self.candidates]
        try:
            with BusyCursor():  # a first gallring over thousands of persons takes seconds
                result = self.ctx.runner.run(retention.run, ids, self.today)
        except OperationFailed as exc:
            QMessageBox.warning(self, _("Gallring"), exc.message)
            return
        self.clear_preview()
        self.status.setText(
            ngettext(
                "Personal data of {n} person removed ({rows} records changed).",
                "Personal data of {n} persons removed ({rows} records changed).",
                result.persons,
            ).format(n=format_number(result.persons), rows=result.rows)
        )
        self.status.show()
