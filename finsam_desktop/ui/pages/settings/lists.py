"""Municipalities and referring parties: lists users extend, rename and retire."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.organisation import Municipality, Party
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import FormDialog, line
from finsam_desktop.ui.widgets.list_panel import ListPanel

RETIRE_HINT = "A retired value is not offered for new records but still shows on old ones."


def active_box(active: bool) -> QCheckBox:
    box = QCheckBox(_("Active (uncheck to retire)"))
    box.setChecked(active)
    box.setToolTip(_(RETIRE_HINT))
    return box


def saved_item(ctx: AppContext, load, record_id: int):
    """The record as it is saved now, from the same list the tab shows."""
    return next(i for i in ctx.runner.read(load, True) if i.id == record_id)


class MunicipalityDialog(FormDialog):
    def __init__(self, ctx: AppContext, item: Municipality | None, parent=None):
        super().__init__(_("Municipality"), parent)
        self.ctx, self.item = ctx, item
        self.name = self.add_field("name", _("Name"), line(item.name if item else "", 100))
        self.active = self.add_field(
            "active", _("Status"), active_box(item.active if item else True)
        )

    def save(self) -> Municipality:
        record = Municipality(
            self.item.id if self.item else None,
            self.name.text(),
            self.active.isChecked(),
            self.item.version if self.item else 0,
        )
        return self.ctx.runner.run(organisation.save_municipality, record)

    # Someone else saved it meanwhile: both versions side by side (ui/widgets/conflict.py).
    def load_saved(self) -> Municipality:
        return saved_item(self.ctx, organisation.list_municipalities, self.item.id)

    def adopt_saved(self, item: Municipality) -> None:
        self.item = item


class PartyDialog(FormDialog):
    def __init__(self, ctx: AppContext, item: Party | None, parent=None):
        super().__init__(_("Party"), parent)
        self.ctx, self.item = ctx, item
        self.name = self.add_field("name", _("Name"), line(item.name if item else "", 100))
        self.short = self.add_field(
            "short_name", _("Short name"), line(item.short_name if item else "", 20)
        )
        self.short.setPlaceholderText(_("e.g. AF, FK, KAA"))
        self.active = self.add_field(
            "active", _("Status"), active_box(item.active if item else True)
        )

    def save(self) -> Party:
        record = Party(
            self.item.id if self.item else None,
            self.name.text(),
            self.short.text(),
            self.active.isChecked(),
            self.item.version if self.item else 0,
        )
        return self.ctx.runner.run(organisation.save_party, record)

    def load_saved(self) -> Party:
        return saved_item(self.ctx, organisation.list_parties, self.item.id)

    def adopt_saved(self, item: Party) -> None:
        self.item = item


class ConfigListTab(QWidget):
    """A ListPanel whose New/Open buttons open ``dialog_class``; refreshes on ``kind``."""

    def __init__(
        self, ctx: AppContext, query, dialog_class, load, kinds: set[Change], new_text: str
    ):
        super().__init__()
        self.ctx, self.dialog_class, self.load = ctx, dialog_class, load
        self.panel = ListPanel(query, on_new=self.new, on_open=self.open_item, new_text=new_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        ctx.runner.changed.connect(
            lambda changed: self.panel.refresh() if changed & kinds else None
        )

    def new(self) -> FormDialog:
        dialog = self.dialog_class(self.ctx, None, self)
        dialog.open()
        return dialog

    def open_item(self, record_id: int) -> FormDialog:
        items = self.ctx.runner.read(self.load, True)
        item = next(i for i in items if i.id == record_id)
        dialog = self.dialog_class(self.ctx, item, self)
        dialog.open()
        return dialog


def MunicipalitiesTab(ctx: AppContext) -> ConfigListTab:
    return ConfigListTab(
        ctx,
        organisation.municipality_list(ctx.db),
        MunicipalityDialog,
        organisation.list_municipalities,
        {Change.MUNICIPALITY},
        _("New municipality…"),
    )


def PartiesTab(ctx: AppContext) -> ConfigListTab:
    return ConfigListTab(
        ctx,
        organisation.party_list(ctx.db),
        PartyDialog,
        organisation.list_parties,
        {Change.PARTY},
        _("New party…"),
    )
