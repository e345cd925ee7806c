"""Staff: the team members and their contact details for letters."""

from __future__ import annotations

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.organisation import Staff
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.settings.lists import ConfigListTab, active_box
from finsam_desktop.ui.widgets.forms import FormDialog, active_items, choice, line


class StaffDialog(FormDialog):
    def __init__(self, ctx: AppContext, item: Staff | None, parent=None):
        super().__init__(_("Staff member"), parent)
        self.ctx, self.item = ctx, item
        s = item or Staff(None, "")
        parties = ctx.runner.read(organisation.list_parties, True)
        insatser = ctx.runner.read(organisation.list_insatser, True)
        self.name = self.add_field("name", _("Name"), line(s.name))
        self.title = self.add_field("title", _("Title"), line(s.title))
        self.title.setPlaceholderText(_("e.g. Arbetsspecialist, Socialsekreterare"))
        self.party = self.add_field(
            "party_id",
            _("Employed by"),
            choice(
                active_items(parties, s.party_id, lambda p: p.label),
                s.party_id,
                empty=_("(not given)"),
            ),
        )
        self.insats = self.add_field(
            "insats_id",
            _("Works in insats"),
            choice(active_items(insatser, s.insats_id), s.insats_id, empty=_("(not given)")),
        )
        self.phone = self.add_field("phone", _("Phone"), line(s.phone, 50))
        self.email = self.add_field("email", _("E-mail"), line(s.email))
        self.active = self.add_field("active", _("Status"), active_box(s.active))

    def save(self) -> Staff:
        record = Staff(
            self.item.id if self.item else None,
            self.name.text(),
            self.title.text(),
            self.party.currentData(),
            self.insats.currentData(),
            self.phone.text(),
            self.email.text(),
            self.active.isChecked(),
            self.item.version if self.item else 0,
        )
        return self.ctx.runner.run(organisation.save_staff, record)

    # Someone else saved it meanwhile: both versions side by side (ui/widgets/conflict.py).
    def load_saved(self) -> Staff:
        return self.ctx.runner.read(organisation.get_staff, self.item.id)

    def adopt_saved(self, item: Staff) -> None:
        self.item = item


def StaffTab(ctx: AppContext) -> ConfigListTab:
    return ConfigListTab(
        ctx,
        organisation.staff_list(ctx.db),
        StaffDialog,
        organisation.list_staff,
        {Change.STAFF, Change.PARTY, Change.INSATS},
        _("New staff member…"),
    )
