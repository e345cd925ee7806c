"""Beredning: decide several aktualiseringar at one meeting.

Every case of the model that waits (new, or in avvaktan since an earlier beredning)
is a row; each gets a decision (a destination of the model's list, avvaktan or
avslag with its reason) or is left undecided and simply waits for the next meeting.
"Spara beredningen" saves all decisions together or none, and shows each problem at
its row.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import Beredning, BeredningDecision, CaseDecision, LocalListKind
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import krans
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import (
    BANNER_STYLE,
    ERROR_STYLE,
    SAVED_STYLE,
    banner,
    choice,
    date_edit,
    refill,
)

AVVAKTAN = BeredningDecision.AVVAKTAN.value
AVSLAG = BeredningDecision.AVSLAG.value
COLUMNS = ("case", "arrived", "name", "party", "purpose", "decision", "reason", "problem")
DECISION_COLUMN, REASON_COLUMN, PROBLEM_COLUMN = 5, 6, 7


class BeredningTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.agenda: list[krans.AgendaRow] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Local model:")))
        self.model = choice([])
        self.model.setMinimumWidth(240)
        bar.addWidget(self.model)
        bar.addWidget(QLabel(_("Beredning held on:")))
        self.held_on = date_edit(clock.today())
        bar.addWidget(self.held_on)
        bar.addWidget(QLabel(_("Note:")))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("e.g. who took part"))
        bar.addWidget(self.note, 1)
        layout.addLayout(bar)
        self.banner = banner()
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [
                _("Case number"),
                _("Brought up"),
                _("Name"),
                _("Party"),
                _("Purpose"),
                _("Decision"),
                _("Reason for avslag"),
                _("Problem"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((100, 95, 190, 130, 200, 230, 220)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        bottom.addWidget(self.count, 1)
        self.save_button = QPushButton(_("Save the beredning"))
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        self.reload_models()
        self.model.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def reload_models(self) -> None:
        models = self.ctx.runner.read(krans.local_insatser)
        refill(self.model, [(n, i) for i, n in models])

    def refresh(self) -> None:
        insats_id = self.model.currentData()
        self.agenda = self.ctx.runner.read(krans.beredning_agenda, insats_id) if insats_id else []
        destinations = (
            self.ctx.runner.read(krans.local_options, insats_id, LocalListKind.DESTINATION)
            if insats_id
            else []
        )
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.agenda))
        for row, case in enumerate(self.agenda):
            name = case.name + (" " + _("(avvaktan)") if case.dormant else "")
            texts = (
                case.case_number,
                format_date(case.arrived_on),
                name,
                case.party,
                case.purpose.replace("\n", " "),
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setToolTip(case.purpose)
                self.table.setItem(row, column, item)
            decision = QComboBox()
            decision.addItem(_("(not decided: waits)"), None)
            for option in destinations:
                decision.addItem(option.name, option.id)
            decision.addItem(_("Avvaktan"), AVVAKTAN)
            decision.addItem(_("Avslag"), AVSLAG)
            reason = QLineEdit()
            reason.setPlaceholderText(_("Reason, for avslag"))
            reason.setEnabled(False)
            decision.currentIndexChanged.connect(
                lambda _i, d=decision, r=reason: r.setEnabled(d.currentData() == AVSLAG)
            )
            self.table.setCellWidget(row, DECISION_COLUMN, decision)
            self.table.setCellWidget(row, REASON_COLUMN, reason)
            problem = QLabel()
            problem.setStyleSheet(ERROR_STYLE)
            self.table.setCellWidget(row, PROBLEM_COLUMN, problem)
        self.count.setText(
            ngettext(
                "{n} case waits for a beredning", "{n} cases wait for a beredning", len(self.agenda)
            ).format(n=format_number(len(self.agenda)))
        )
        self.save_button.setEnabled(bool(self.agenda))

    # --- cells (also what tests read and set) ----------------------------------------------
    def decision_box(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, DECISION_COLUMN)

    def reason_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, REASON_COLUMN)

    def problem_text(self, row: int) -> str:
        return self.table.cellWidget(row, PROBLEM_COLUMN).text()

    def row_of(self, referral_id: int) -> int | None:
        """The table row of a case on the agenda (None: not on it)."""
        return next((n for n, c in enumerate(self.agenda) if c.referral_id == referral_id), None)

    def decisions(self) -> list[CaseDecision]:
        out = []
        for row, case in enumerate(self.agenda):
            value = self.decision_box(row).currentData()
            if value is None:
                continue
            if value in (AVVAKTAN, AVSLAG):
                kind, destination = BeredningDecision(value), None
            else:
                kind, destination = BeredningDecision.DESTINATION, value
            reason = self.reason_edit(row).text() if kind is BeredningDecision.AVSLAG else ""
            out.append(CaseDecision(case.referral_id, kind, destination, reason, case.version))
        return out

    def save(self) -> bool:
        insats_id = self.model.currentData()
        if insats_id is None:
            return False
        decisions = self.decisions()
        meeting = Beredning(
            None, insats_id, self.held_on.date().toPython(), self.note.text(), decisions
        )
        try:
            self.ctx.runner.run(krans.hold_beredning, meeting)
        except OperationFailed as exc:
            self.show_problems(exc.message, exc.problems)
            return False
        self.refresh()
        self.note.clear()
        self.banner.setStyleSheet(SAVED_STYLE)
        self.banner.setText(
            ngettext(
                "The beredning is saved: {n} case decided.",
                "The beredning is saved: {n} cases decided.",
                len(decisions),
            ).format(n=format_number(len(decisions)))
        )
        self.banner.show()
        return True

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        by_row: dict[int, list[str]] = {}
        general = [message]
        for key, text in problems.items():
            parts = key.split(".")
            row = None
            if parts[0] == "decision" and len(parts) == 3 and parts[1].isdigit():
                row = self.row_of(int(parts[1]))
            if row is None:
                general.append(text)
            else:
                by_row.setdefault(row, []).append(text)
        for row in range(self.table.rowCount()):
            label = self.table.cellWidget(row, PROBLEM_COLUMN)
            label.setText(" ".join(by_row.get(row, [])))
            label.setToolTip(label.text())
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setText("\n".join(t for t in general if t))
        self.banner.setVisible(bool(self.banner.text()))
        if by_row:
            self.table.scrollToItem(self.table.item(min(by_row), 0))
