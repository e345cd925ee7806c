"""Book an information meeting: the person, two attending staff, date, time and the
place the insats's rule proposes for the person's home municipality (changeable),
the remittent, and later the outcome. From here the kallelse is printed."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import FULL_PROCESS
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.referrals import InfoMeeting, MeetingOutcome
from finsam_desktop.i18n import _
from finsam_desktop.services import info_meetings, letters, organisation, persons
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import (
    FormDialog,
    active_items,
    choice,
    date_edit,
    line,
    set_choice,
)
from finsam_desktop.ui.widgets.person_fields import PersonFields
from finsam_desktop.ui.widgets.remittent_fields import (
    RemittentFields,
    section,
    small_text,
)


def serving_insats(insatser, municipality_id: int | None) -> int | None:
    """The active insats that holds meetings for people from this municipality."""
    for insats in insatser:
        if insats.active and insats.meeting_place_for(municipality_id) is not None:
            return insats.id
    return None


def staff_items(ctx: AppContext, current: int | None):
    staff = ctx.runner.read(organisation.list_staff, True)
    return active_items(staff, current, lambda s: f"{s.name} ({s.title})" if s.title else s.name)


class MeetingDialog(FormDialog):
    def __init__(self, ctx: AppContext, meeting: InfoMeeting | None = None, parent=None):
        super().__init__(
            _("Information meeting") if meeting else _("Book an information meeting"), parent
        )
        self.ctx = ctx
        self.meeting = meeting
        self.setMinimumWidth(560)
        m = meeting
        insatser = ctx.runner.read(organisation.list_insatser, True, FULL_PROCESS)
        current_insats = m.insats_id if m else (insatser[0].id if insatser else None)
        self.insats = self.add_field(
            "insats_id", _("Insats"), choice(active_items(insatser, current_insats), current_insats)
        )
        person = ctx.runner.read(persons.get_person, m.person_id) if m else None
        self._insatser = insatser
        self._insats_chosen = m is not None
        self.person = PersonFields(ctx, self.fields, person, on_person=self._person_changed)
        self.person.municipality.activated.connect(lambda _i: self._person_changed(None))
        self.insats.activated.connect(self._insats_picked)
        section(self.fields, _("Meeting"))
        self.meeting_date = self.add_field(
            "meeting_date", _("Date"), date_edit(m.meeting_date if m else clock.today())
        )
        self.time = self.add_field("meeting_time", _("Time"), line(m.meeting_time if m else "", 5))
        self.time.setPlaceholderText(_("HH:MM"))
        self.staff1 = self.add_field(
            "staff1_id",
            _("Attending staff 1"),
            choice(
                staff_items(ctx, m.staff1_id if m else None),
                m.staff1_id if m else None,
                empty=_("(choose)"),
            ),
        )
        self.staff2 = self.add_field(
            "staff2_id",
            _("Attending staff 2"),
            choice(
                staff_items(ctx, m.staff2_id if m else None),
                m.staff2_id if m else None,
                empty=_("(choose)"),
            ),
        )
        place = m.place_address if m else PostalAddress()
        self.place_name = self.add_field("place_name", _("Place"), line(m.place_name if m else ""))
        self.place_street = self.add_field("place_street", _("Place: street"), line(place.street))
        self.place_postcode = self.add_field(
            "place_postcode", _("Place: postcode"), line(place.postcode, 20)
        )
        self.place_city = self.add_field("place_city", _("Place: town"), line(place.city, 100))
        self.propose_button = QPushButton(_("Propose the place from the home municipality"))
        self.propose_button.clicked.connect(lambda: self.propose(force=True))
        self.fields.layout_form.addRow("", self.propose_button)
        self._place_edited = m is not None
        for edit in (self.place_name, self.place_street, self.place_postcode, self.place_city):
            edit.textEdited.connect(self._mark_place_edited)
        self.remittent = RemittentFields(ctx, self.fields, m.remittent if m else None)
        self.outcome = self.add_field(
            "outcome",
            _("Outcome"),
            choice(
                [(o.label, o) for o in MeetingOutcome], m.outcome if m else MeetingOutcome.PENDING
            ),
        )
        self.notes = self.add_field("notes", _("Notes"), small_text(m.notes if m else ""))
        self.kallelse_button = QPushButton(_("Save and show the kallelse…"))
        self.kallelse_button.clicked.connect(self.save_and_show_kallelse)
        self.buttons.addButton(self.kallelse_button, self.buttons.ButtonRole.ActionRole)
        self.letter_dialog = None
        self.scroll_fields()

    def _insats_picked(self, *_args) -> None:
        self._insats_chosen = True
        self.propose()

    def _person_changed(self, _person) -> None:
        """A new home municipality suggests the insats serving it, and its meeting place."""
        if not self._insats_chosen:
            found = serving_insats(self._insatser, self.person.municipality_id())
            if found is not None:
                set_choice(self.insats, found)
        self.propose()

    def _mark_place_edited(self, *_args) -> None:
        self._place_edited = True

    def propose(self, force: bool = False) -> None:
        """Fill in the place from the meeting-place rule, unless typed by hand."""
        if self._place_edited and not force:
            return
        insats_id = self.insats.currentData()
        if insats_id is None:
            return
        place = self.ctx.runner.read(
            info_meetings.proposed_place, insats_id, self.person.municipality_id()
        )
        if place is None:
            if force:
                self.show_problems(
                    "",
                    {"place_name": _("The insats has no meeting place for this municipality.")},
                )
            return
        self.place_name.setText(place.name)
        self.place_street.setText(place.address.street)
        self.place_postcode.setText(place.address.postcode)
        self.place_city.setText(place.address.city)
        self._place_edited = False

    def build(self) -> InfoMeeting:
        m = self.meeting
        return InfoMeeting(
            id=m.id if m else None,
            person_id=m.person_id if m else None,
            insats_id=self.insats.currentData(),
            meeting_date=self.meeting_date.value(),
            meeting_time=self.time.text(),
            staff1_id=self.staff1.currentData(),
            staff2_id=self.staff2.currentData(),
            place_name=self.place_name.text(),
            place_address=PostalAddress(
                self.place_street.text(), self.place_postcode.text(), self.place_city.text()
            ),
            remittent=self.remittent.remittent(),
            outcome=self.outcome.currentData(),
            notes=self.notes.toPlainText(),
            version=m.version if m else 0,
        )

    def save(self) -> InfoMeeting:
        saved = self.ctx.runner.run(
            info_meetings.save_meeting,
            self.build(),
            self.person.pnr.text(),
            self.person.new_person(),
        )
        self.meeting = saved
        return saved

    def save_and_show_kallelse(self):
        """Save what is typed (the form stays open), then preview the kallelse."""
        try:
            self.result_value = self.save()
        except OperationFailed as exc:
            self.show_problems(exc.message, exc.problems)
            return None
        self.fields.dirty = False
        self.show_problems("", {})
        return self.show_kallelse()

    def show_kallelse(self):
        from finsam_desktop.ui.pages.referrals.letter_dialog import LetterPreviewDialog

        composed = self.ctx.runner.read(letters.compose_kallelse, self.meeting.id, clock.today())
        pdf = letters.render(composed)
        self.letter_dialog = LetterPreviewDialog(
            self.ctx, pdf, _("Kallelse"), composed=composed, parent=self
        )
        self.letter_dialog.open()
        return self.letter_dialog
