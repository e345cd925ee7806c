"""The referral screen: everything about one referral, and each next step from here:
meeting and kallelse, decision, remissvar, answer sent, enrolment, letters sent."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.referrals import ReferralStatus
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import letter_archive, letter_templates, letters, referrals
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.referrals.decision_dialog import checklist_html
from finsam_desktop.ui.widgets.forms import confirm

OVERDUE_STYLE = "color: #b00020; font-weight: bold;"
SOON_STYLE = "color: #8a5a00; font-weight: bold;"


def days_left_text(days: int | None) -> tuple[str, str]:
    if days is None:
        return "", ""
    if days < 0:
        return ngettext("Answer overdue by {n} day", "Answer overdue by {n} days", -days).format(
            n=format_number(-days)
        ), OVERDUE_STYLE
    if days == 0:
        return _("Answer due today"), SOON_STYLE
    return ngettext("{n} day left to answer", "{n} days left to answer", days).format(
        n=format_number(days)
    ), SOON_STYLE if days <= 5 else ""


def _rows(pairs) -> str:
    return (
        "<table cellspacing='3'>"
        + "".join(
            f"<tr><td style='color:#555; padding-right:8px'>{escape(k)}</td>"
            f"<td>{escape(str(v))}</td></tr>"
            for k, v in pairs
            if v not in (None, "")
        )
        + "</table>"
    )


class ReferralCaseDialog(QDialog):
    def __init__(self, ctx: AppContext, referral_id: int, parent=None, today=None):
        super().__init__(parent)
        self.ctx = ctx
        self.referral_id = referral_id
        self.today = today or clock.today()
        self.child = None  # the dialog opened from here (tests reach it)
        self.resize(1000, 720)
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.due = QLabel()
        layout.addWidget(self.due)
        grid = QGridLayout()
        self.referral_box, self.referral_text = self._box(_("Referral"))
        self.meeting_box, self.meeting_text = self._box(_("Information meeting"))
        self.decision_box, self.decision_text = self._box(_("Decision and answer"))
        self.enrolment_box, self.enrolment_text = self._box(_("Enrolment"))
        self.rules_box, self.rules_text = self._box(_("Eligibility rules"))
        grid.addWidget(self.referral_box, 0, 0)
        grid.addWidget(self.meeting_box, 1, 0)
        grid.addWidget(self.decision_box, 0, 1)
        grid.addWidget(self.rules_box, 1, 1)
        grid.addWidget(self.enrolment_box, 2, 0)
        letters_box = QGroupBox(_("Letters sent"))
        letters_layout = QVBoxLayout(letters_box)
        self.letter_list = QListWidget()
        self.letter_list.itemActivated.connect(self.open_sent_letter)
        letters_layout.addWidget(self.letter_list)
        open_letter = QPushButton(_("Open the letter as sent…"))
        open_letter.clicked.connect(lambda: self.open_sent_letter(self.letter_list.currentItem()))
        letters_layout.addWidget(open_letter)
        grid.addWidget(letters_box, 2, 1)
        layout.addLayout(grid, 1)

        buttons = QHBoxLayout()
        self.edit_button = self._button(buttons, _("Edit referral…"), self.edit_referral)
        self.meeting_button = self._button(buttons, _("Meeting and kallelse…"), self.open_meeting)
        self.decide_button = self._button(buttons, _("Decision…"), self.decide)
        self.answer_button = self._button(buttons, _("Remissvar…"), self.show_remissvar)
        self.sent_button = self._button(buttons, _("Answer sent…"), self.answer_sent)
        self.enrol_button = self._button(buttons, _("Enrol…"), self.enrol)
        buttons.addStretch(1)
        self._button(buttons, _("Close"), self.accept)
        layout.addLayout(buttons)
        ctx.runner.changed.connect(self._on_changed)
        self.case = None
        self.refresh(log=True)

    def _box(self, title: str):
        box = QGroupBox(title)
        text = QLabel()
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(box).addWidget(text)
        return box, text

    def _button(self, row: QHBoxLayout, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        row.addWidget(button)
        return button

    def _on_changed(self, kinds: frozenset[Change]) -> None:
        C = Change
        if kinds & {C.REFERRAL, C.MEETING, C.LETTER, C.PARTICIPATION, C.PERSON}:
            self.refresh()

    # --- showing ------------------------------------------------------------------------------
    def refresh(self, log: bool = False) -> None:
        # Opening the case is logged (a view); redraws after a change read without logging.
        reader = self.ctx.runner.run if log else self.ctx.runner.read
        c = self.case = reader(referrals.get_referral_case, self.referral_id)
        r, p = c.referral, c.person
        self.setWindowTitle(_("Referral {case}").format(case=r.case_number))
        protected = (
            " <span style='background:#fff4ce'>" + escape(_("Protected identity")) + "</span>"
            if p.protected_identity
            else ""
        )
        self.header.setText(
            f"<h2>{escape(p.full_name)}{protected}</h2>"
            f"{escape(p.personnummer.formatted())} · {escape(r.case_number)} · "
            f"{escape(c.insats_name)} · <b>{escape(r.status.label)}</b>"
        )
        text, style = days_left_text(r.days_left(self.today))
        if r.answer_sent_on:
            text = _("Answer sent {day}").format(day=format_date(r.answer_sent_on))
            style = ""
        self.due.setText(text)
        self.due.setStyleSheet(style)
        consent = _("Yes, {day}").format(day=format_date(r.consent_on)) if r.consent else _("No")
        self.referral_text.setText(
            _rows(
                [
                    (_("Arrived on"), format_date(r.arrived_on)),
                    (_("Answer due"), format_date(r.answer_due)),
                    (_("Home municipality"), c.municipality),
                    (_("Remittent"), f"{r.remittent.name}, {c.remittent_party}"),
                    (_("Phone"), r.remittent.phone),
                    (_("E-mail"), r.remittent.email),
                    (_("In contact with"), ", ".join(c.parties_in_contact)),
                    (_("Written consent"), consent),
                    (_("Reason"), r.reason),
                ]
            )
        )
        m = c.meeting
        self.meeting_text.setText(
            _rows(
                [
                    (_("Date"), f"{format_date(m.meeting_date)} {m.meeting_time}"),
                    (_("Place"), m.place_description()),
                    (_("Attending staff"), " · ".join(c.meeting_staff)),
                    (_("Outcome"), m.outcome.label),
                ]
            )
            if m
            else escape(_("No information meeting is linked to this referral."))
        )
        names = c.staff_names
        self.decision_text.setText(
            _rows(
                [
                    (_("Status"), r.status.label),
                    (_("Decided on"), format_date(r.decided_on)),
                    (_("Reason"), r.decision_reason),
                    (_("Override motivation"), r.override_motivation),
                    (_("Next step"), r.next_step),
                    (
                        _("Contact persons"),
                        ", ".join(
                            names.get(i, "")
                            for i in (r.answer_contact1_id, r.answer_contact2_id)
                            if i
                        ),
                    ),
                    (_("Answer sent on"), format_date(r.answer_sent_on)),
                ]
            )
        )
        e = c.participation
        self.enrolment_text.setText(
            _rows(
                [
                    (_("Enrolled on"), format_date(e.enrolled_on)),
                    (_("Planned end"), format_date(e.planned_end)),
                    (_("Contact person"), names.get(e.contact_person_id, "")),
                    (_("Second contact person"), names.get(e.second_contact_person_id, "")),
                    (
                        _("Registered at Arbetsförmedlingen"),
                        _("Yes") if e.af_registered else _("No"),
                    ),
                ]
            )
            if e
            else escape(_("Not enrolled."))
        )
        self.rules_text.setText(checklist_html(c.checks))
        self.letter_list.clear()
        for sent in c.letters:
            item = QListWidgetItem(
                f"{sent.sent_at:%Y-%m-%d %H:%M} · {letter_templates.kind_label(sent.kind)} · "
                f"{sent.recipient} · {sent.sent_by}"
            )
            item.setData(Qt.ItemDataRole.UserRole, sent.id)
            self.letter_list.addItem(item)
        status = r.status
        decided = status not in (ReferralStatus.RECEIVED,)
        self.decide_button.setEnabled(status is not ReferralStatus.ENROLLED)
        self.answer_button.setEnabled(decided)
        self.sent_button.setEnabled(decided)
        self.enrol_button.setEnabled(status is ReferralStatus.ACCEPTED)

    # --- actions -------------------------------------------------------------------------------
    def _open(self, dialog):
        self.child = dialog
        dialog.open()
        return dialog

    def edit_referral(self):
        from finsam_desktop.ui.pages.referrals.referral_dialog import ReferralDialog

        dialog = ReferralDialog(self.ctx, self.case.referral, parent=self)
        dialog.offer_draft()
        return self._open(dialog)

    def open_meeting(self):
        from finsam_desktop.ui.pages.referrals.meeting_dialog import MeetingDialog

        meeting = self.case.meeting
        dialog = MeetingDialog(self.ctx, meeting, parent=self)
        if meeting is None:
            # A meeting booked from the referral starts from what the referral knows.
            dialog.person.pnr.setText(self.case.person.personnummer.formatted())
            dialog.person.look_up()
            dialog.remittent.from_draft(
                {
                    "party_id": self.case.referral.remittent.party_id,
                    "name": self.case.referral.remittent.name,
                    "phone": self.case.referral.remittent.phone,
                    "email": self.case.referral.remittent.email,
                    "address": self.case.referral.remittent.address,
                }
            )
            dialog.accepted.connect(lambda: self._link_meeting(dialog.result_value))
        return self._open(dialog)

    def _link_meeting(self, meeting) -> None:
        if meeting is None:
            return
        referral = self.case.referral
        referral.info_meeting_id = meeting.id
        try:
            self.ctx.runner.run(referrals.save_referral, referral, None, None)
        except OperationFailed as exc:
            QMessageBox.warning(self, _("Referral"), exc.message)

    def decide(self):
        from finsam_desktop.ui.pages.referrals.decision_dialog import DecisionDialog

        return self._open(DecisionDialog(self.ctx, self.case.referral, self))

    def enrol(self):
        from finsam_desktop.ui.pages.referrals.enrolment_dialog import EnrolmentDialog

        return self._open(EnrolmentDialog(self.ctx, self.case.referral, self))

    def answer_sent(self):
        from finsam_desktop.ui.pages.referrals.enrolment_dialog import AnswerSentDialog

        return self._open(AnswerSentDialog(self.ctx, self.case.referral, self))

    def show_remissvar(self):
        from finsam_desktop.ui.pages.referrals.letter_dialog import LetterPreviewDialog

        composed = self.ctx.runner.read(letters.compose_remissvar, self.referral_id, self.today)
        pdf = letters.render(composed)
        dialog = LetterPreviewDialog(
            self.ctx,
            pdf,
            _("Remissvar"),
            composed=composed,
            on_sent=self._offer_answer_sent,
            parent=self,
        )
        return self._open(dialog)

    def _offer_answer_sent(self) -> None:
        if self.case.referral.answer_sent_on is not None:
            return
        if confirm(
            self, _("Answer sent"), _("Record that the answer was sent to the remittent today?")
        ):
            self.record_answer_sent_today()

    def record_answer_sent_today(self) -> None:
        try:
            self.ctx.runner.run(referrals.record_answer_sent, self.referral_id, clock.today())
        except OperationFailed as exc:
            QMessageBox.warning(self, _("Answer sent"), exc.message)

    def open_sent_letter(self, item):
        from finsam_desktop.ui.pages.referrals.letter_dialog import LetterPreviewDialog

        if item is None:
            return None
        letter_id = item.data(Qt.ItemDataRole.UserRole)
        pdf = self.ctx.runner.read(letter_archive.sent_letter_pdf, letter_id)
        return self._open(
            LetterPreviewDialog(self.ctx, pdf, item.text(), sent_id=letter_id, parent=self)
        )
