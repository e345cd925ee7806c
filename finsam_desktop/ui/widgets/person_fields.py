"""The participant in a meeting or referral form: found by personnummer, or entered
as a new person. Typing a known number fills in the name; an unknown one opens the
name and address fields so the person is created when the form is saved."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.personnummer import InvalidPersonnummer, PersonalNumber
from finsam_desktop.domain.persons import (
    FOREIGN_BACKGROUND_DEFINITION,
    ForeignBackground,
    Gender,
    Person,
)
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation, persons
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import (
    FieldForm,
    active_items,
    choice,
    line,
    propose_gender,
    set_choice,
)

FOUND_STYLE = "color: #1b5e20;"
NEW_STYLE = "color: #5c4400;"
HELP_STYLE = "color: #555555; font-size: 11px;"


def foreign_background_choice(current: ForeignBackground | None = None) -> QComboBox:
    """Ja / nej / okänt, with the definition as the tooltip."""
    box = choice([(f.label, f) for f in ForeignBackground], current or ForeignBackground.UNKNOWN)
    box.setToolTip(_(FOREIGN_BACKGROUND_DEFINITION))
    return box


def foreign_background_help() -> QLabel:
    """The definition under the field, so nobody has to guess what counts."""
    label = QLabel(_(FOREIGN_BACKGROUND_DEFINITION))
    label.setWordWrap(True)
    label.setStyleSheet(HELP_STYLE)
    return label


class PersonFields:
    """Adds the person fields to ``form``; ``on_person(person or None)`` after a look-up."""

    def __init__(
        self,
        ctx: AppContext,
        form: FieldForm,
        person: Person | None = None,
        on_person: Callable[[Person | None], None] | None = None,
    ):
        self.ctx = ctx
        self.form = form
        self.found: Person | None = person
        self.on_person = on_person
        from finsam_desktop.ui.widgets.remittent_fields import section

        section(form, _("Participant"))
        self.pnr = form.add_field(
            "personnummer",
            _("Personal identity number"),
            line(person.personnummer.formatted() if person else "", 13),
        )
        self.pnr.setPlaceholderText(_("YYYYMMDD-NNNN"))
        self.pnr.editingFinished.connect(self.look_up)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.layout_form.addRow("", self.status)
        self.first = form.add_field("first_name", _("First name"), line())
        self.last = form.add_field("last_name", _("Last name"), line())
        self.street = form.add_field("street", _("Street address"), line())
        self.postcode = form.add_field("postcode", _("Postcode"), line("", 20))
        self.city = form.add_field("city", _("Town"), line("", 100))
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        self.municipality = form.add_field(
            "person_municipality_id",
            _("Home municipality"),
            choice(active_items(municipalities, None), None, empty=_("(not given)")),
        )
        self.gender = form.add_field(
            "gender", _("Gender"), choice([(g.label, g) for g in Gender], Gender.UNKNOWN)
        )
        self.foreign = form.add_field(
            "foreign_background", _("Foreign background"), foreign_background_choice()
        )
        self.foreign_help = foreign_background_help()
        form.layout_form.addRow("", self.foreign_help)
        propose_gender(self.pnr, self.gender)
        self.protected = form.add_field(
            "protected_identity", _("Protected identity"), QCheckBox(_("Protected identity"))
        )
        self._last_looked_up = None
        if person is not None:
            self._show_found(person)
        else:
            self._set_new_enabled(False)

    def _new_widgets(self):
        return (
            self.first,
            self.last,
            self.street,
            self.postcode,
            self.city,
            self.municipality,
            self.gender,
            self.foreign,
            self.protected,
        )

    def _set_new_enabled(self, enabled: bool) -> None:
        for widget in self._new_widgets():
            widget.setEnabled(enabled)

    def _show_found(self, person: Person) -> None:
        self.found = person
        self.first.setText(person.first_name)
        self.last.setText(person.last_name)
        address = person.postal_address()
        self.street.setText(address.street if address else "")
        self.postcode.setText(address.postcode if address else "")
        self.city.setText(address.city if address else "")
        set_choice(self.municipality, person.municipality_id)
        set_choice(self.gender, person.gender)
        set_choice(self.foreign, person.foreign_background)
        self.protected.setChecked(person.protected_identity)
        self._set_new_enabled(False)
        text = _("Registered person: {name}").format(name=person.full_name)
        if person.protected_identity:
            text += " — " + _("protected identity: no address in letters")
        self.status.setText(text)
        self.status.setStyleSheet(FOUND_STYLE)

    def look_up(self) -> None:
        text = self.pnr.text().strip()
        if text == self._last_looked_up:
            return
        self._last_looked_up = text
        if not text:
            return
        try:
            person = self.ctx.runner.read(persons.find_by_personnummer, text)
        except InvalidPersonnummer as exc:
            self.found = None
            self.form.show_problems("", {"personnummer": str(exc)})
            self.status.setText("")
            self._set_new_enabled(False)
            return
        self.form.show_problems("", {})
        if person is not None:
            self._show_found(person)
        else:
            self.found = None
            self._set_new_enabled(True)
            self.status.setText(_("New person: enter the name and address to register them."))
            self.status.setStyleSheet(NEW_STYLE)
            self.first.setFocus()
        if self.on_person is not None:
            self.on_person(self.found)

    def municipality_id(self) -> int | None:
        if self.found is not None:
            return self.found.municipality_id
        return self.municipality.currentData()

    def new_person(self) -> Person | None:
        """The person to create when the number is unknown; None when one was found."""
        if self.found is not None:
            return None
        return Person(
            id=None,
            personnummer=PersonalNumber(""),
            first_name=self.first.text(),
            last_name=self.last.text(),
            address=PostalAddress(self.street.text(), self.postcode.text(), self.city.text()),
            municipality_id=self.municipality.currentData(),
            gender=Gender(self.gender.currentData()),
            foreign_background=ForeignBackground(self.foreign.currentData()),
            protected_identity=self.protected.isChecked(),
        )

    # --- drafts ---
    def to_draft(self) -> dict:
        return {
            "personnummer": self.pnr.text(),
            "first_name": self.first.text(),
            "last_name": self.last.text(),
            "street": self.street.text(),
            "postcode": self.postcode.text(),
            "city": self.city.text(),
            "municipality_id": self.municipality.currentData(),
            "gender": str(self.gender.currentData()),
            "foreign_background": str(self.foreign.currentData()),
            "protected_identity": self.protected.isChecked(),
        }

    def from_draft(self, data: dict) -> None:
        self.pnr.setText(data.get("personnummer", ""))
        self.look_up()
        if self.found is None:
            self.first.setText(data.get("first_name", ""))
            self.last.setText(data.get("last_name", ""))
            self.street.setText(data.get("street", ""))
            self.postcode.setText(data.get("postcode", ""))
            self.city.setText(data.get("city", ""))
            set_choice(self.municipality, data.get("municipality_id"))
            set_choice(self.gender, _enum_or(Gender, data.get("gender"), Gender.UNKNOWN))
            set_choice(
                self.foreign,
                _enum_or(
                    ForeignBackground, data.get("foreign_background"), ForeignBackground.UNKNOWN
                ),
            )
            self.protected.setChecked(bool(data.get("protected_identity")))


def _enum_or(kind, value, default):
    try:
        return kind(value)
    except ValueError:
        return default
