"""Lokal samverkan: the krans municipalities' local models.

Aktualiseringar (the list; Ctrl+N registers a new one from anywhere on the page),
Beredning (decide several cases at one meeting), Veckotabell (the board's table) and
Listor (the model's own destinations, outcomes, parties and figures). Until an insats
follows a local model the page says how to set one up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from finsam_desktop.domain.changes import Change
from finsam_desktop.i18n import _
from finsam_desktop.services import krans
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.krans.aktualisering_dialog import (
    AktualiseringDialog,
    open_aktualisering,
)
from finsam_desktop.ui.pages.krans.beredning_tab import BeredningTab
from finsam_desktop.ui.pages.krans.lists_tab import ListsTab
from finsam_desktop.ui.pages.krans.week_tab import WeekTab
from finsam_desktop.ui.widgets.forms import banner, refill
from finsam_desktop.ui.widgets.list_panel import ListPanel

EMPTY_STYLE = "background: #eef4fa; color: #1d3d5c; padding: 10px; border-radius: 4px;"
REFRESH_KINDS = {
    Change.REFERRAL,
    Change.PERSON,
    Change.KRANS,
    Change.INSATS,
    Change.PARTY,
    Change.MUNICIPALITY,
}


class AktualiseringarTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog = None  # the dialog opened last (tests reach it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.panel = ListPanel(
            krans.aktualisering_list(ctx.db), self.new, self.open, _("New aktualisering…")
        )
        self.panel.new_button.setToolTip(_("Ctrl+N"))
        self.panel.search.setPlaceholderText(
            _("Search by name, personal identity number or case number…")
        )
        self.panel.filters.addWidget(QLabel(_("Show:")))
        self.model = self._combo("insats_id", _("All local models"))
        self.status = self._combo("status", _("All statuses"))
        refill(self.status, [(_(t), v) for v, t in krans.STATUS_FILTERS], _("All statuses"))
        self.panel.filters.addStretch(1)
        layout.addWidget(self.panel)
        # Another municipality's spreadsheet: the historical import, same as Deltagare's.
        self.import_button = QPushButton(_("Import a list…"))
        self.import_button.setToolTip(
            _("Earlier aktualiseringar with decision and outcome, from Excel or CSV.")
        )
        self.import_button.clicked.connect(self.import_file)
        self.panel.layout().itemAt(0).layout().addWidget(self.import_button)
        self.reload_models()
        self.panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    def _combo(self, key: str, empty: str) -> QComboBox:
        box = QComboBox()
        box.addItem(empty, None)
        box.currentIndexChanged.connect(
            lambda _i: self.panel.model.set_filter(key, box.currentData())
        )
        self.panel.filters.addWidget(box)
        return box

    def reload_models(self) -> None:
        models = self.ctx.runner.read(krans.local_insatser)
        refill(self.model, [(n, i) for i, n in models], _("All local models"))

    def import_file(self):
        from finsam_desktop.ui.pages.persons.import_dialog import ParticipantImportDialog

        self.dialog = ParticipantImportDialog(self.ctx, self)
        self.dialog.open()
        return self.dialog

    def new(self) -> AktualiseringDialog:
        self.dialog = AktualiseringDialog(self.ctx, None, self)
        self.dialog.open()
        return self.dialog

    def open(self, referral_id: int) -> AktualiseringDialog:
        self.dialog = open_aktualisering(self.ctx, referral_id, self)
        return self.dialog


class KransPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = banner(
            _(
                "No insats follows a local model yet. A krans municipality's local model "
                "(aktualisering, beredning, destination and outcome) is chosen per insats "
                "in Settings → Insatser → Rules → Process."
            ),
            EMPTY_STYLE,
        )
        layout.addWidget(self.empty)
        self.tabs = QTabWidget()
        self.cases = AktualiseringarTab(ctx)
        self.beredning = BeredningTab(ctx)
        self.weeks = WeekTab(ctx)
        self.lists = ListsTab(ctx)
        self.tabs.addTab(self.cases, _("Aktualiseringar"))
        self.tabs.addTab(self.beredning, _("Beredning"))
        self.tabs.addTab(self.weeks, _("Week table"))
        self.tabs.addTab(self.lists, _("Lists"))
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.cases.new)
        ctx.runner.changed.connect(self.on_changed)
        self._show_empty_state()

    def _show_empty_state(self) -> None:
        has_models = bool(self.ctx.runner.read(krans.local_insatser))
        self.empty.setVisible(not has_models)
        self.tabs.setEnabled(has_models)

    def on_changed(self, kinds: frozenset[Change]) -> None:
        if not kinds & REFRESH_KINDS:
            return
        if Change.INSATS in kinds:
            self._show_empty_state()
            for tab in (self.cases, self.beredning, self.lists):
                tab.reload_models()
            self.weeks.reload_choices()
        if Change.MUNICIPALITY in kinds:
            self.weeks.reload_choices()
        self.cases.panel.refresh()
        if kinds & {Change.REFERRAL, Change.KRANS, Change.INSATS}:
            self.beredning.refresh()
        self.weeks.refresh()
        if kinds & {Change.KRANS, Change.PARTY, Change.INSATS}:
            self.lists.refresh()
