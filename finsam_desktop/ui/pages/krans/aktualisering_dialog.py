"""An aktualisering: a local model's light intake, registered in well under a minute.

The form opens on the personnummer; Tab moves on through the fields that matter
(fields of a person already registered are skipped), Enter saves and closes, and
Ctrl+Enter saves and starts the next one with the same model, date and party. The
intake is the referral's own (``krans.register_aktualisering`` reuses
``referrals.save_referral``). An existing aktualisering also shows what the beredning
decided and, once it went to a destination, how the case ended.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import LocalListKind
from finsam_desktop.domain.referrals import Referral, Remittent
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import krans, organisation, persons, referrals
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import (
    FormDialog,
    active_items,
    choice,
    date_edit,
    line,
    refill,
    set_choice,
)
from finsam_desktop.ui.widgets.person_fields import PersonFields
from finsam_desktop.ui.widgets.remittent_fields import section, small_text

LAST_MODEL_SETTING = "krans/last_model"


class AktualiseringDialog(FormDialog):
    """New aktualisering (``referral`` None) or an existing one to correct and close."""

    saved = Signal(object)  # the Referral just saved (also on 'save and new')

    def __init__(self, ctx: AppContext, referral: Referral | None = None, parent=None):
        title = _("Aktualisering {case}").format(case=referral.case_number) if referral else None
        super().__init__(title or _("New aktualisering"), parent)
        self.ctx = ctx
        self.referral = referral
        self.state = ctx.runner.read(krans.case_state, referral.id) if referral else None
        self.setMinimumWidth(620)
        r = referral
        models = ctx.runner.read(krans.local_insatser)
        last = ctx.settings.value(LAST_MODEL_SETTING)
        insats_id = r.insats_id if r else _int(last, [m for m, _n in models])
        self.insats = self.add_field(
            "insats_id", _("Local model"), choice([(n, i) for i, n in models], insats_id)
        )
        self.arrived = self.add_field(
            "arrived_on", _("Brought up on"), date_edit(r.arrived_on if r else clock.today())
        )
        person = ctx.runner.read(persons.get_person, r.person_id) if r else None
        self.person = PersonFields(ctx, self.fields, person, on_person=self._person_changed)
        section(self.fields, _("Aktualisering"))
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        municipality_id = r.municipality_id if r else None
        self.municipality = self.add_field(
            "municipality_id",
            _("Home municipality (for the table)"),
            choice(
                active_items(municipalities, municipality_id),
                municipality_id,
                empty=_("(the person's)"),
            ),
        )
        self.party = choice([], None, empty=_("(choose)"))
        self.new_party = QPushButton(_("New party…"))
        self.new_party.setToolTip(_("A party of this local model: a school, KAA, a hälsocentral"))
        self.new_party.clicked.connect(self.add_party)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.party, 1)
        row.addWidget(self.new_party)
        self.add_field("remittent_party_id", _("Brought up by (party)"), holder, self.party)
        self.officer = self.add_field(
            "remittent_name", _("Officer"), line(r.remittent.name if r else "")
        )
        self.officer.setPlaceholderText(_("The officer who brings up the case"))
        self.reason = self.add_field("reason", _("Purpose"), small_text(r.reason if r else "", 3))
        self.consent = self.add_field(
            "consent", _("Consent"), QCheckBox(_("The person consents to local cooperation"))
        )
        self.consent.setChecked(bool(r and r.consent))
        self.consent_on = self.add_field(
            "consent_on",
            _("Consent given on"),
            date_edit(r.consent_on if r and r.consent_on else clock.today()),
        )
        self.consent_on.setEnabled(self.consent.isChecked())
        self.consent.toggled.connect(self.consent_on.setEnabled)
        self._fill_parties(r.remittent.party_id if r else None)
        self.insats.currentIndexChanged.connect(lambda _i: self._fill_parties(None))

        self.outcome = None
        if self.state is not None:
            self._add_decision_and_outcome()
        else:
            self.save_new = QPushButton(_("Save and new"))
            self.save_new.setToolTip(_("Ctrl+Enter"))
            self.save_new.setAutoDefault(False)
            self.save_new.clicked.connect(self.save_and_new)
            self.buttons.addButton(self.save_new, QDialogButtonBox.ButtonRole.ActionRole)
        self.scroll_fields()
        self.fields.dirty = False
        self.person.pnr.setFocus()

    # --- the model's parties ---------------------------------------------------------------
    def _fill_parties(self, current: int | None) -> None:
        parties = self.ctx.runner.read(krans.parties_for_insats, self.insats.currentData())
        if current is None:
            current = self.party.currentData()
        items = active_items(parties, current, lambda p: p.label)
        refill(self.party, items, _("(choose)"))
        set_choice(self.party, current)

    def add_party(self) -> None:
        insats_id = self.insats.currentData()
        if insats_id is None:
            return
        name, ok = QInputDialog.getText(
            self, _("New party"), _("Name of the party (e.g. the school or hälsocentral):")
        )
        if not ok or not name.strip():
            return
        self.create_party(name)

    def create_party(self, name: str) -> None:
        """Add ``name`` as a party of the chosen model and choose it."""
        try:
            party = self.ctx.runner.run(krans.add_local_party, self.insats.currentData(), name)
        except OperationFailed as exc:
            self.show_problems(exc.message, {"remittent_party_id": exc.problems.get("name", "")})
            return
        self._fill_parties(party.id)
        self.mark_dirty()

    def _person_changed(self, person) -> None:
        if person is not None and self.municipality.currentData() is None:
            set_choice(self.municipality, person.municipality_id)

    # --- decision and outcome ------------------------------------------------------------
    def _add_decision_and_outcome(self) -> None:
        s = self.state
        section(self.fields, _("Beredning and outcome"))
        decided = s.status_text
        if s.decided_on:
            decided = _("{decision} (beredning {date})").format(
                decision=s.status_text, date=format_date(s.decided_on)
            )
        if s.reason:
            decided += " — " + s.reason
        self.decision_label = QLabel(decided)
        self.decision_label.setWordWrap(True)
        self.fields.layout_form.addRow(_("Decision"), self.decision_label)
        outcomes = self.ctx.runner.read(
            krans.local_options, s.insats_id, LocalListKind.OUTCOME, True
        )
        self.outcome = self.add_field(
            "outcome_id",
            _("Outcome"),
            choice(active_items(outcomes, s.outcome_id), s.outcome_id, empty=_("(missing)")),
        )
        self.outcome_on = self.add_field(
            "outcome_on", _("Ended on"), date_edit(s.outcome_on or clock.today())
        )
        # An imported outcome may have no date: the field shows today, which is no change.
        self.outcome_date_edited = False
        self.outcome_on.dateChanged.connect(lambda _d: setattr(self, "outcome_date_edited", True))
        self.outcome.setEnabled(s.sent_on)
        self.outcome_on.setEnabled(s.sent_on and s.outcome_id is not None)
        self.outcome.currentIndexChanged.connect(
            lambda _i: self.outcome_on.setEnabled(self.outcome.currentData() is not None)
        )
        if not s.sent_on:
            self.outcome.setToolTip(
                _("Only a case the beredning sent to a destination can have an outcome.")
            )

    def _outcome_changed(self) -> bool:
        if self.outcome is None or not self.state.sent_on:
            return False
        chosen = self.outcome.currentData()
        if chosen != self.state.outcome_id:
            return True
        if self.state.outcome_on is None and not self.outcome_date_edited:
            return False
        return chosen is not None and self.outcome_on.date().toPython() != self.state.outcome_on

    # --- saving ----------------------------------------------------------------------------
    def build(self) -> Referral:
        r = self.referral
        consent = self.consent.isChecked()
        base = r or Referral(None, None, None, clock.today())
        return Referral(
            id=base.id,
            person_id=base.person_id,
            insats_id=self.insats.currentData(),
            arrived_on=self.arrived.date().toPython(),
            remittent=Remittent(
                self.party.currentData(),
                self.officer.text(),
                base.remittent.phone,
                base.remittent.email,
                base.remittent.address,
            ),
            parties_in_contact=base.parties_in_contact,
            reason=self.reason.toPlainText(),
            consent=consent,
            consent_on=self.consent_on.date().toPython() if consent else None,
            info_meeting_id=base.info_meeting_id,
            municipality_id=self.municipality.currentData(),
            version=base.version,
        )

    def save(self) -> Referral:
        saved = self.ctx.runner.run(
            krans.register_aktualisering,
            self.build(),
            self.person.pnr.text(),
            self.person.new_person(),
        )
        self.referral = saved
        if self._outcome_changed():
            chosen = self.outcome.currentData()
            self.ctx.runner.run(
                krans.record_outcome,
                saved.id,
                chosen,
                self.outcome_on.date().toPython() if chosen is not None else None,
                saved.version,
            )
            self.state = self.ctx.runner.read(krans.case_state, saved.id)
            self.referral = self.ctx.runner.read(referrals.get_referral, saved.id)
        self.ctx.settings.setValue(LAST_MODEL_SETTING, saved.insats_id)
        self.saved.emit(self.referral)
        return self.referral

    def keyPressEvent(self, event) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if enter and ctrl and self.referral is None:
            self.save_and_new()
            return
        super().keyPressEvent(event)

    def save_and_new(self) -> None:
        """Save, then clear the person and purpose for the next case of the same meeting."""
        try:
            self.save()
        except OperationFailed as exc:
            self.show_problems(exc.message, exc.problems)
            return
        self.referral = None
        self.setWindowTitle(_("New aktualisering"))
        for edit in (self.person.pnr, self.person.first, self.person.last):
            edit.clear()
        for edit in (self.person.street, self.person.postcode, self.person.city):
            edit.clear()
        self.person.found = None
        self.person._last_looked_up = None
        self.person.status.setText(_("Saved. Next aktualisering:"))
        self.person._set_new_enabled(False)
        self.reason.clear()
        self.consent.setChecked(False)
        set_choice(self.municipality, None)
        self.show_problems("", {})
        self.fields.dirty = False
        self.person.pnr.setFocus()


def _int(value, allowed: list[int]) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return allowed[0] if allowed else None
    return number if number in allowed else (allowed[0] if allowed else None)


def open_aktualisering(ctx: AppContext, referral_id: int, parent=None) -> AktualiseringDialog:
    referral = ctx.runner.read(referrals.get_referral, referral_id)
    dialog = AktualiseringDialog(ctx, referral, parent)
    dialog.open()
    return dialog
