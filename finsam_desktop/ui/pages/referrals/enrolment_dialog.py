"""Inskrivning: kontaktperson and second kontaktperson (two different staff, not tied
to who held the meeting), the enrolment date, AF registration, and the planned end
date that follows from the insats's settings."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel

from finsam_desktop.domain import clock
from finsam_desktop.domain.closing import OptionList, Situation
from finsam_desktop.domain.referrals import Participation, Referral, add_months
from finsam_desktop.i18n import _, format_date, ngettext
from finsam_desktop.services import closing, organisation, referrals
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.referrals.meeting_dialog import staff_items
from finsam_desktop.ui.widgets.choices import option_items
from finsam_desktop.ui.widgets.forms import FormDialog, choice, date_edit


class EnrolmentDialog(FormDialog):
    def __init__(self, ctx: AppContext, referral: Referral, parent=None):
        super().__init__(_("Enrol in the insats"), parent)
        self.ctx = ctx
        self.referral = referral
        self.insats = ctx.runner.read(organisation.get_insats, referral.insats_id)
        first, second = referral.answer_contact1_id, referral.answer_contact2_id
        self.contact = self.add_field(
            "contact_person_id",
            _("Contact person"),
            choice(staff_items(ctx, first), first, empty=_("(choose)")),
        )
        self.second = self.add_field(
            "second_contact_person_id",
            _("Second contact person"),
            choice(staff_items(ctx, second), second, empty=_("(choose)")),
        )
        self.enrolled_on = self.add_field("enrolled_on", _("Enrolled on"), date_edit(clock.today()))
        self.af = self.add_field(
            "af_registered",
            _("Arbetsförmedlingen"),
            QCheckBox(_("Registration at Arbetsförmedlingen is done")),
        )
        self.planned_end = QLabel()
        self.fields.layout_form.addRow(_("Planned end"), self.planned_end)
        self.enrolled_on.dateChanged.connect(lambda _d: self.update_end())
        self.update_end()
        # The situation at entry, in the national follow-up's terms (SUS).
        title = _("Situation at entry (recorded at enrolment)")  # outside the f-string: extracted
        heading = QLabel(f"<b>{title}</b>")
        self.fields.layout_form.addRow(heading)
        self.entry = {
            key: self.add_field(
                key, label, choice(option_items(ctx, lists, top_only=True), empty="–")
            )
            for key, label, lists in (
                ("income_source_id", _("Main source of income"), OptionList.INCOME_SOURCE),
                ("occupation_id", _("Occupation"), OptionList.OCCUPATION),
                ("education_level_id", _("Highest education level"), OptionList.EDUCATION_LEVEL),
                (
                    "support_time_id",
                    _("Time on public support before entry"),
                    OptionList.SUPPORT_TIME,
                ),
            )
        }

    def update_end(self) -> None:
        end = add_months(self.enrolled_on.value(), self.insats.enrolment_months)
        self.planned_end.setText(
            ngettext(
                "{day} ({months} month, per the insats's settings)",
                "{day} ({months} months, per the insats's settings)",
                self.insats.enrolment_months,
            ).format(day=format_date(end), months=self.insats.enrolment_months)
        )

    def save(self) -> Participation:
        return self.ctx.runner.run(
            closing.enrol_with_entry_situation,
            self.referral.id,
            self.contact.currentData(),
            self.second.currentData(),
            self.enrolled_on.value(),
            self.af.isChecked(),
            Situation(*(box.currentData() for box in self.entry.values())),
        )


class AnswerSentDialog(FormDialog):
    """The day the remissvar went to the remittent."""

    def __init__(self, ctx: AppContext, referral: Referral, parent=None):
        super().__init__(_("Answer sent"), parent)
        self.ctx = ctx
        self.referral = referral
        self.day = self.add_field(
            "answer_sent_on",
            _("Answer sent on"),
            date_edit(referral.answer_sent_on or clock.today()),
        )

    def save(self) -> Referral:
        return self.ctx.runner.run(
            referrals.record_answer_sent,
            self.referral.id,
            self.day.value(),
        )
