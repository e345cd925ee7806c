"""The remittent (the referring officer) in a meeting or referral form."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit

from finsam_desktop.domain.referrals import Remittent
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import FieldForm, active_items, choice, line, set_choice


def small_text(text: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(18 * lines + 12)
    return edit


def section(form: FieldForm, title: str) -> None:
    """A heading between groups of fields in a long form."""
    label = QLabel(f"<b>{title}</b>")
    label.setContentsMargins(0, 8, 0, 0)
    form.layout_form.addRow(label)


class RemittentFields:
    def __init__(self, ctx: AppContext, form: FieldForm, remittent: Remittent | None = None):
        r = remittent or Remittent()
        section(form, _("Remittent"))
        parties = ctx.runner.read(organisation.list_parties, True)
        self.party = form.add_field(
            "remittent_party_id",
            _("Remittent's party"),
            choice(
                active_items(parties, r.party_id, lambda p: p.label),
                r.party_id,
                empty=_("(choose)"),
            ),
        )
        self.name = form.add_field("remittent_name", _("Remittent's name"), line(r.name))
        self.phone = form.add_field("remittent_phone", _("Remittent's phone"), line(r.phone, 50))
        self.email = form.add_field("remittent_email", _("Remittent's e-mail"), line(r.email))
        self.address = form.add_field(
            "remittent_address", _("Remittent's postal address"), small_text(r.address)
        )
        self.address.setPlaceholderText(_("For the copy of letters, one line per row"))

    def remittent(self) -> Remittent:
        return Remittent(
            self.party.currentData(),
            self.name.text(),
            self.phone.text(),
            self.email.text(),
            self.address.toPlainText(),
        )

    def to_draft(self) -> dict:
        r = self.remittent()
        return {
            "party_id": r.party_id,
            "name": r.name,
            "phone": r.phone,
            "email": r.email,
            "address": r.address,
        }

    def from_draft(self, data: dict) -> None:
        set_choice(self.party, data.get("party_id"))
        self.name.setText(data.get("name", ""))
        self.phone.setText(data.get("phone", ""))
        self.email.setText(data.get("email", ""))
        self.address.setPlainText(data.get("address", ""))
