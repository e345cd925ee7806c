"""Lotsärenden: the list with the registration form, the summary, and the lists.

Ctrl+N registers a new lotsärende from anywhere on the page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from finsam_desktop.domain import clock
from finsam_desktop.domain.changes import Change
from finsam_desktop.i18n import _
from finsam_desktop.services import lots, organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.lots.case_form import LotsCaseDialog
from finsam_desktop.ui.pages.lots.categories import CategoriesTab
from finsam_desktop.ui.pages.lots.import_dialog import ImportDialog
from finsam_desktop.ui.pages.lots.summary import SummaryTab
from finsam_desktop.ui.widgets.forms import choice, confirm, refill
from finsam_desktop.ui.widgets.list_panel import ListPanel

ALL_YEARS = "all"


class CasesTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.panel = ListPanel(
            lots.lots_case_list(ctx.db),
            self.new,
            self.open,
            _("New lotsärende…"),
            export=("lots", _("Lotsärenden")),
        )
        self.panel.new_button.setToolTip(_("Ctrl+N"))
        self.panel.search.setPlaceholderText(_("Search officer or reference…"))
        years = ctx.runner.read(lots.case_years)
        self.year = choice([(str(y), y) for y in years], clock.today().year, _("All years"))
        self.municipality = choice([], None, _("All municipalities"))
        self.panel.filters.addWidget(self.year)
        self.panel.filters.addWidget(self.municipality)
        self.import_button = QPushButton(_("Import…"))
        self.import_button.clicked.connect(self.import_file)
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.clicked.connect(self.delete_current)
        self.panel.filters.addWidget(self.import_button)
        self.panel.filters.addWidget(self.delete_button)
        layout.addWidget(self.panel)
        self.reload_municipalities()
        self.year.currentIndexChanged.connect(
            lambda _i: self.panel.model.set_filter("year", self.year.currentData())
        )
        self.municipality.currentIndexChanged.connect(
            lambda _i: self.panel.model.set_filter("municipality", self.municipality.currentData())
        )
        self.panel.model.set_filter("year", self.year.currentData())
        # Newest first: what was registered last is what one checks.
        self.panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    def reload_municipalities(self) -> None:
        municipalities = self.ctx.runner.read(organisation.list_municipalities, True)
        refill(self.municipality, [(m.name, m.id) for m in municipalities], _("All municipalities"))

    def new(self) -> LotsCaseDialog:
        dialog = LotsCaseDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def open(self, case_id: int) -> LotsCaseDialog:
        case = self.ctx.runner.read(lots.get_lots_case, case_id)
        dialog = LotsCaseDialog(self.ctx, case, self)
        dialog.open()
        return dialog

    def import_file(self) -> ImportDialog:
        dialog = ImportDialog(self.ctx, self)
        dialog.open()
        return dialog

    def delete_current(self) -> None:
        case_id = self.panel.current_id()
        if case_id is None:
            return
        if not confirm(
            self,
            _("Delete lotsärende?"),
            _("Delete the selected lotsärende? It will no longer count in any summary."),
        ):
            return
        try:
            self.ctx.runner.run(lots.delete_lots_case, case_id)
        except OperationFailed as exc:
            QMessageBox.warning(self, _("Not deleted"), exc.message)


class LotsPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        # The lists start with the defaults the first time anyone opens the page.
        ctx.runner.run(lots.ensure_default_categories)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.cases = CasesTab(ctx)
        self.summary = SummaryTab(ctx)
        self.categories = CategoriesTab(ctx)
        self.tabs.addTab(self.cases, _("Lotsärenden"))
        self.tabs.addTab(self.summary, _("Summary"))
        self.tabs.addTab(self.categories, _("Lists and goal"))
        layout.addWidget(self.tabs)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.cases.new)
        ctx.runner.changed.connect(self.on_changed)

    def on_changed(self, kinds: frozenset[Change]) -> None:
        # The satisfaction goal is a setting the summary shows.
        if kinds & {Change.LOTS, Change.LOTS_CATEGORY, Change.SETTING}:
            self.cases.panel.refresh()
            self.summary.refresh()
        if Change.LOTS_CATEGORY in kinds:
            self.categories.refresh()
        if kinds & {Change.MUNICIPALITY, Change.PARTY}:
            self.cases.reload_municipalities()
            self.summary.reload_choices()
            self.summary.refresh()
