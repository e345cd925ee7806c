"""Register a referral (remiss): the day it arrived, the remittent, the participant
(found by personnummer or created), the parties the person is in contact with, the
reason and the written consent. A half-filled form is kept as a draft in the
database while typing, so closing the window or a crash never loses it."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import FULL_PROCESS
from finsam_desktop.domain.referrals import InfoMeeting, Referral
from finsam_desktop.i18n import _, format_date, format_datetime
from finsam_desktop.services import drafts, info_meetings, organisation, persons, referrals
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.referrals.meeting_dialog import serving_insats
from finsam_desktop.ui.widgets.forms import (
    FormDialog,
    active_items,
    ask_continue,
    choice,
    date_edit,
    set_choice,
)
from finsam_desktop.ui.widgets.person_fields import PersonFields
from finsam_desktop.ui.widgets.remittent_fields import (
    RemittentFields,
    section,
    small_text,
)

DRAFT_KIND = "referral"
DRAFT_DELAY_MS = 1500


class PartyChecks(QWidget):
    """The parties the person is in contact with, as checkboxes."""

    def __init__(self, parties, chosen: list[int]):
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[int, QCheckBox] = {}
        shown = [p for p in parties if p.active or p.id in chosen]
        for n, party in enumerate(shown):
            box = QCheckBox(party.label)
            box.setChecked(party.id in chosen)
            grid.addWidget(box, n // 2, n % 2)
            self.boxes[party.id] = box

    def chosen(self) -> list[int]:
        return [pid for pid, box in self.boxes.items() if box.isChecked()]

    def set_chosen(self, ids) -> None:
        for pid, box in self.boxes.items():
            box.setChecked(pid in set(ids or []))


class ReferralDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        referral: Referral | None = None,
        from_meeting: InfoMeeting | None = None,
        parent=None,
    ):
        super().__init__(_("Referral") if referral else _("Register a referral"), parent)
        self.ctx = ctx
        self.referral = referral
        self.setMinimumWidth(680)
        r = referral
        insatser = ctx.runner.read(organisation.list_insatser, True, FULL_PROCESS)
        insats_id = (
            r.insats_id
            if r
            else from_meeting.insats_id
            if from_meeting
            else (insatser[0].id if insatser else None)
        )
        self.insats = self.add_field(
            "insats_id", _("Insats"), choice(active_items(insatser, insats_id), insats_id)
        )
        self._insatser = insatser
        self._insats_chosen = r is not None or from_meeting is not None
        self.insats.activated.connect(lambda _i: setattr(self, "_insats_chosen", True))
        person_id = r.person_id if r else from_meeting.person_id if from_meeting else None
        person = ctx.runner.read(persons.get_person, person_id) if person_id else None
        self.person = PersonFields(ctx, self.fields, person, on_person=self._person_changed)
        section(self.fields, _("Referral"))
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        municipality_id = r.municipality_id if r else (person.municipality_id if person else None)
        self.municipality = self.add_field(
            "municipality_id",
            _("Home municipality (for statistics)"),
            choice(
                active_items(municipalities, municipality_id),
                municipality_id,
                empty=_("(the person's)"),
            ),
        )
        self.arrived = self.add_field(
            "arrived_on", _("Arrived on"), date_edit(r.arrived_on if r else clock.today())
        )
        self.meeting = self.add_field(
            "info_meeting_id", _("Information meeting"), choice([], None, empty=_("(none)"))
        )
        self._load_meetings(
            person_id, r.info_meeting_id if r else (from_meeting.id if from_meeting else None)
        )
        self.remittent = RemittentFields(
            ctx,
            self.fields,
            r.remittent if r else (from_meeting.remittent if from_meeting else None),
        )
        parties = ctx.runner.read(organisation.list_parties, True)
        self.parties = self.add_field(
            "parties_in_contact",
            _("In contact with"),
            PartyChecks(parties, r.parties_in_contact if r else []),
        )
        for box in self.parties.boxes.values():
            box.toggled.connect(self.mark_dirty)
        self.reason = self.add_field(
            "reason", _("Reason for the referral"), small_text(r.reason if r else "", 4)
        )
        self.consent = self.add_field(
            "consent", _("Written consent"), QCheckBox(_("Consent to share information given"))
        )
        self.consent.setChecked(bool(r and r.consent))
        self.consent_on = self.add_field(
            "consent_on",
            _("Consent given on"),
            date_edit(r.consent_on if r and r.consent_on else clock.today()),
        )
        self.consent_on.setEnabled(self.consent.isChecked())
        self.consent.toggled.connect(self.consent_on.setEnabled)

        self.draft_key = str(r.id) if r else ""
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        self._watch_for_draft()
        self.scroll_fields()

    # --- the person's meetings -------------------------------------------------------
    def _person_changed(self, person) -> None:
        if person is not None and self.municipality.currentData() is None:
            set_choice(self.municipality, person.municipality_id)
        if person is not None and not self._insats_chosen:
            found = serving_insats(self._insatser, person.municipality_id)
            if found is not None:
                set_choice(self.insats, found)
        self._load_meetings(person.id if person else None, None)

    def _load_meetings(self, person_id: int | None, current: int | None) -> None:
        self.meeting.clear()
        self.meeting.addItem(_("(none)"), None)
        if person_id is None:
            return
        for m in self.ctx.runner.read(info_meetings.meetings_for_person, person_id):
            self.meeting.addItem(
                f"{format_date(m.meeting_date)} {m.meeting_time} {m.place_name}", m.id
            )
        set_choice(self.meeting, current)

    # --- saving --------------------------------------------------------------------------
    def build(self) -> Referral:
        r = self.referral
        return Referral(
            id=r.id if r else None,
            person_id=r.person_id if r else None,
            insats_id=self.insats.currentData(),
            arrived_on=self.arrived.value(),
            remittent=self.remittent.remittent(),
            parties_in_contact=self.parties.chosen(),
            reason=self.reason.toPlainText(),
            consent=self.consent.isChecked(),
            consent_on=self.consent_on.value() if self.consent.isChecked() else None,
            info_meeting_id=self.meeting.currentData(),
            municipality_id=self.municipality.currentData(),
            version=r.version if r else 0,
        )

    def save(self) -> Referral:
        saved = self.ctx.runner.run(
            referrals.save_referral,
            self.build(),
            self.person.pnr.text(),
            self.person.new_person(),
        )
        self._draft_timer.stop()
        self._run_quietly(drafts.discard_draft, DRAFT_KIND, self.draft_key)
        self.referral = saved
        return saved

    def done(self, result: int) -> None:
        super().done(result)
        if result == self.DialogCode.Rejected:
            # The user chose to close without saving (and was asked): the draft goes too.
            self._draft_timer.stop()
            self._run_quietly(drafts.discard_draft, DRAFT_KIND, self.draft_key)

    # --- drafts ------------------------------------------------------------------------------
    def _watch_for_draft(self) -> None:
        for edit in self.findChildren(QLineEdit):
            edit.textEdited.connect(self._changed)
        for text in self.findChildren(QPlainTextEdit):
            text.textChanged.connect(self._changed)
        for box in self.findChildren(QComboBox):
            box.activated.connect(self._changed)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(self._changed)

    def _changed(self, *_args) -> None:
        if self.fields.dirty:
            self._draft_timer.start()

    def to_draft(self) -> dict:
        return {
            "insats_id": self.insats.currentData(),
            "person": self.person.to_draft(),
            "municipality_id": self.municipality.currentData(),
            "arrived_on": self.arrived.text(),
            "info_meeting_id": self.meeting.currentData(),
            "remittent": self.remittent.to_draft(),
            "parties": self.parties.chosen(),
            "reason": self.reason.toPlainText(),
            "consent": self.consent.isChecked(),
            "consent_on": self.consent_on.text(),
        }

    def from_draft(self, data: dict) -> None:
        set_choice(self.insats, data.get("insats_id"))
        self.person.from_draft(data.get("person", {}))
        set_choice(self.municipality, data.get("municipality_id"))
        self.arrived.setText(data.get("arrived_on", ""))
        set_choice(self.meeting, data.get("info_meeting_id"))
        self.remittent.from_draft(data.get("remittent", {}))
        self.parties.set_chosen(data.get("parties", []))
        self.reason.setPlainText(data.get("reason", ""))
        self.consent.setChecked(bool(data.get("consent")))
        if data.get("consent_on"):
            self.consent_on.setText(data["consent_on"])
        self.fields.dirty = True

    def save_draft(self) -> None:
        self._run_quietly(drafts.save_draft, DRAFT_KIND, self.draft_key, self.to_draft())

    def offer_draft(self, ask: bool = True) -> bool:
        """If a draft of this form exists, offer to continue it; True if restored."""
        found = self.ctx.runner.read(drafts.load_draft, DRAFT_KIND, self.draft_key)
        if found is None:
            return False
        data, saved_at = found
        if ask and not ask_continue(
            self,
            _("Continue the draft?"),
            _("A referral form that was not saved is kept from {when}. Continue with it?").format(
                when=format_datetime(saved_at)
            ),
        ):
            self._run_quietly(drafts.discard_draft, DRAFT_KIND, self.draft_key)
            return False
        self.from_draft(data)
        return True

    def _run_quietly(self, fn, *args) -> None:
        """Drafts are a safety net: a failure to store one never interrupts typing."""
        try:
            self.ctx.runner.run(fn, *args)
        except OperationFailed:
            return
