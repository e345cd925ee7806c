"""Deltagare: every person, searched by name or personnummer as you type."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPushButton, QVBoxLayout, QWidget

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.persons import ForeignBackground, Gender, Person
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation, persons
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.case.hooks import add_open_case_button
from finsam_desktop.ui.pages.persons.register_extract import add_register_extract_button
from finsam_desktop.ui.widgets.forms import FormDialog, active_items, choice, line, propose_gender
from finsam_desktop.ui.widgets.list_panel import ListPanel
from finsam_desktop.ui.widgets.person_fields import (
    foreign_background_choice,
    foreign_background_help,
)
from finsam_desktop.ui.widgets.protected import protected_banner


class PersonDialog(FormDialog):
    def __init__(self, ctx: AppContext, person: Person | None = None, parent=None):
        super().__init__(_("Edit person") if person else _("New person"), parent)
        self.ctx = ctx
        self.person = person
        p = person
        self.protected_banner = protected_banner(bool(p and p.protected_identity))
        self.body.insertWidget(0, self.protected_banner)
        self.pnr = self.add_field(
            "personnummer",
            _("Personal identity number"),
            line(p.personnummer.formatted() if p else "", 13),
        )
        self.pnr.setPlaceholderText(_("YYYYMMDD-NNNN"))
        self.first = self.add_field("first_name", _("First name"), line(p.first_name if p else ""))
        self.last = self.add_field("last_name", _("Last name"), line(p.last_name if p else ""))
        address = p.address if p else PostalAddress()
        self.street = self.add_field("street", _("Street address"), line(address.street))
        self.postcode = self.add_field("postcode", _("Postcode"), line(address.postcode, 20))
        self.city = self.add_field("city", _("Town"), line(address.city, 100))
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        current = p.municipality_id if p else None
        self.municipality = self.add_field(
            "municipality_id",
            _("Home municipality"),
            choice(active_items(municipalities, current), current, empty=_("(not given)")),
        )
        self.gender = self.add_field(
            "gender",
            _("Gender"),
            choice([(g.label, g) for g in Gender], p.gender if p else Gender.UNKNOWN),
        )
        self.foreign = self.add_field(
            "foreign_background",
            _("Foreign background"),
            foreign_background_choice(p.foreign_background if p else None),
        )
        self.fields.layout_form.addRow("", foreign_background_help())
        if p is None or p.gender is Gender.UNKNOWN:
            propose_gender(self.pnr, self.gender)
        self.protected = self.add_field(
            "protected_identity",
            _("Protected identity"),
            QCheckBox(_("Hide the address in lists and letters")),
        )
        self.protected.setChecked(bool(p and p.protected_identity))
        self.protected.toggled.connect(self.protected_banner.setVisible)
        self.phone = self.add_field("phone", _("Phone"), line(p.phone if p else "", 50))
        self.email = self.add_field("email", _("E-mail"), line(p.email if p else ""))
        if p is not None:
            add_register_extract_button(self, ctx, p.id)

    def save(self) -> Person:
        draft = Person(
            id=self.person.id if self.person else None,
            personnummer=self.person.personnummer if self.person else None,
            first_name=self.first.text(),
            last_name=self.last.text(),
            address=PostalAddress(self.street.text(), self.postcode.text(), self.city.text()),
            municipality_id=self.municipality.currentData(),
            gender=self.gender.currentData(),
            foreign_background=ForeignBackground(self.foreign.currentData()),
            protected_identity=self.protected.isChecked(),
            phone=self.phone.text(),
            email=self.email.text(),
            version=self.person.version if self.person else 0,
        )
        return self.ctx.runner.run(persons.save_person, draft, self.pnr.text())

    # --- two copies of the program saved this person: ui/widgets/conflict.py shows both versions
    def load_saved(self) -> Person:
        return self.ctx.runner.read(persons.get_person, self.person.id)

    def adopt_saved(self, person: Person) -> None:
        self.person = person


class PersonsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.panel = ListPanel(
            persons.person_list(ctx.db),
            on_new=self.new_person,
            on_open=self.open_person,
            new_text=_("New person…"),
            export=("participants", _("Participants")),
        )
        self.panel.search.setPlaceholderText(_("Search by name or personal identity number…"))
        layout.addWidget(self.panel)
        self.open_case_button = add_open_case_button(self.panel, ctx)
        self.import_button = QPushButton(_("Import earlier participants…"))
        self.import_button.setToolTip(
            _("Referrals and participations from before the program, from Excel or CSV.")
        )
        self.import_button.clicked.connect(self.import_file)
        self.panel.layout().itemAt(0).layout().addWidget(self.import_button)
        ctx.runner.changed.connect(self._on_changed)

    def _on_changed(self, kinds: frozenset[Change]) -> None:
        if kinds & {Change.PERSON, Change.MUNICIPALITY}:
            self.panel.refresh()

    def import_file(self):
        from finsam_desktop.ui.pages.persons.import_dialog import ParticipantImportDialog

        dialog = ParticipantImportDialog(self.ctx, self)
        dialog.open()
        return dialog

    def new_person(self) -> PersonDialog:
        dialog = PersonDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def open_person(self, person_id: int) -> PersonDialog:
        person = self.ctx.runner.read(persons.get_person, person_id)
        dialog = PersonDialog(self.ctx, person, self)
        dialog.open()
        return dialog
