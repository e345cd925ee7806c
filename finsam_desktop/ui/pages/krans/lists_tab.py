"""Listor: a local model's own destinations, outcomes and parties, and its figures.

A value is never deleted (cases keep pointing at it): it is renamed or retired,
and a retired one can be taken back.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.krans import LocalListKind, LocalOption
from finsam_desktop.i18n import _
from finsam_desktop.services import krans
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import FieldForm, choice, refill, save_from_form, spin

RETIRED = QBrush(QColor(128, 128, 128))


class OptionList(QGroupBox):
    """One of the model's lists: add, rename, retire or take back, and (outcomes) mark
    the value as work or studies."""

    def __init__(self, ctx: AppContext, kind: LocalListKind, parent=None):
        super().__init__(kind.label, parent)
        self.ctx, self.kind = ctx, kind
        self.insats_id: int | None = None
        self.options: list[LocalOption] = []
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selected)
        layout.addWidget(self.list, 1)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Name"))
        self.name.returnPressed.connect(self.add)
        layout.addWidget(self.name)
        self.work = QCheckBox(_("Counts as work or studies"))
        self.work.setVisible(kind is LocalListKind.OUTCOME)
        layout.addWidget(self.work)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add"))
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton(_("Save the chosen one"))
        self.save_button.setToolTip(_("Rename the chosen value (and its work/studies mark)"))
        self.save_button.clicked.connect(self.save_current)
        self.retire_button = QPushButton(_("Retire"))
        self.retire_button.clicked.connect(self.toggle_retired)
        for b in (self.add_button, self.save_button, self.retire_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

    def load(self, insats_id: int | None) -> None:
        self.insats_id = insats_id
        self.options = (
            self.ctx.runner.read(krans.local_options, insats_id, self.kind, True)
            if insats_id
            else []
        )
        current = self.list.currentRow()
        self.list.clear()
        for option in self.options:
            text = option.name
            if option.work_or_studies and self.kind is LocalListKind.OUTCOME:
                text += " — " + _("work or studies")
            if not option.active:
                text = _("{name} (retired)").format(name=text)
            item = QListWidgetItem(text)
            if not option.active:
                item.setForeground(RETIRED)
            self.list.addItem(item)
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
        self.setEnabled(insats_id is not None)

    def current(self) -> LocalOption | None:
        row = self.list.currentRow()
        return self.options[row] if 0 <= row < len(self.options) else None

    def _selected(self, _row: int) -> None:
        option = self.current()
        if option is not None:
            self.name.setText(option.name)
            self.work.setChecked(option.work_or_studies)
            self.retire_button.setText(_("Retire") if option.active else _("Take back"))

    def _save(self, option: LocalOption) -> bool:
        try:
            self.ctx.runner.run(krans.save_local_option, option)
        except OperationFailed as exc:
            self.error.setText(exc.problems.get("name") or exc.message)
            return False
        self.error.clear()
        return True

    def add(self) -> bool:
        if self.insats_id is None:
            return False
        option = LocalOption(
            None, self.insats_id, self.kind, self.name.text(), work_or_studies=self.work.isChecked()
        )
        if self._save(option):
            self.name.clear()
            self.work.setChecked(False)
            return True
        return False

    def save_current(self) -> bool:
        option = self.current()
        if option is None:
            return False
        return self._save(
            replace(option, name=self.name.text(), work_or_studies=self.work.isChecked())
        )

    def toggle_retired(self) -> bool:
        option = self.current()
        if option is None:
            return False
        return self._save(replace(option, active=not option.active))


class ListsTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Local model:")))
        self.model = choice([])
        self.model.setMinimumWidth(240)
        bar.addWidget(self.model)
        bar.addStretch(1)
        layout.addLayout(bar)
        grid = QGridLayout()
        self.destinations = OptionList(ctx, LocalListKind.DESTINATION)
        self.outcomes = OptionList(ctx, LocalListKind.OUTCOME)
        parties_box = QGroupBox(_("The model's own parties"))
        pl = QVBoxLayout(parties_box)
        pl.addWidget(
            QLabel(_("The förbund's parties (AF, FK, socialtjänsten) are always offered."))
        )
        self.parties = QListWidget()
        pl.addWidget(self.parties, 1)
        self.party_name = QLineEdit()
        self.party_name.setPlaceholderText(_("e.g. the school, KAA, the hälsocentral"))
        self.party_name.returnPressed.connect(self.add_party)
        pl.addWidget(self.party_name)
        add_party = QPushButton(_("Add party"))
        add_party.clicked.connect(self.add_party)
        pl.addWidget(add_party)
        self.party_error = QLabel()
        self.party_error.setStyleSheet("color: #b00020;")
        pl.addWidget(self.party_error)
        figures = QGroupBox(_("The model's figures"))
        self.form = FieldForm()
        QVBoxLayout(figures).addWidget(self.form)
        self.weeks = self.form.add_field(
            "outcome_reminder_weeks",
            _("Remind of a missing outcome after (weeks)"),
            spin(12, 1, 104),
        )
        self.expected = self.form.add_field(
            "expected_per_year", _("Expected aktualiseringar per year"), spin(0, 0, 100_000)
        )
        self.expected.setSpecialValueText(_("not set"))
        save = QPushButton(_("Save the figures"))
        save.clicked.connect(self.save_figures)
        self.form.layout_form.addRow("", save)
        grid.addWidget(self.destinations, 0, 0)
        grid.addWidget(self.outcomes, 0, 1)
        grid.addWidget(parties_box, 1, 0)
        grid.addWidget(figures, 1, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(grid, 1)
        self.reload_models()
        self.model.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def reload_models(self) -> None:
        models = self.ctx.runner.read(krans.local_insatser)
        refill(self.model, [(n, i) for i, n in models])

    def refresh(self) -> None:
        insats_id = self.model.currentData()
        self.destinations.load(insats_id)
        self.outcomes.load(insats_id)
        self.parties.clear()
        if insats_id is None:
            return
        for party in self.ctx.runner.read(krans.parties_for_insats, insats_id):
            self.parties.addItem(party.label)
        figures = self.ctx.runner.read(krans.model_settings, insats_id)
        self.weeks.setValue(figures.outcome_reminder_weeks)
        self.expected.setValue(figures.expected_per_year or 0)
        self.form.dirty = False

    def add_party(self) -> bool:
        insats_id = self.model.currentData()
        if insats_id is None:
            return False
        try:
            self.ctx.runner.run(krans.add_local_party, insats_id, self.party_name.text())
        except OperationFailed as exc:
            self.party_error.setText(exc.problems.get("name") or exc.message)
            return False
        self.party_error.clear()
        self.party_name.clear()
        return True

    def save_figures(self) -> bool:
        insats_id = self.model.currentData()
        if insats_id is None:
            return False
        return save_from_form(
            self.ctx,
            self.form,
            krans.save_model_settings,
            insats_id,
            self.weeks.value(),
            self.expected.value() or None,
        )
