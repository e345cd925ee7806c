"""Bedömning at the team meeting: antagen, avslag (with a reason) or vilande, with the
insats's eligibility rules as a checklist beside it. An unmet rule is a warning the
team can override with a written motivation, never a silent block."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from finsam_desktop.domain import clock
from finsam_desktop.domain.referrals import Decision, DecisionInput, Referral, RuleCheck
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation, referrals
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.referrals.meeting_dialog import staff_items
from finsam_desktop.ui.widgets.forms import FormDialog, choice, date_edit
from finsam_desktop.ui.widgets.remittent_fields import small_text

MET, UNMET, UNKNOWN = "✔", "✘", "?"
MET_STYLE, UNMET_STYLE = "color: #1b5e20;", "color: #b00020; font-weight: bold;"


def checklist_html(checks: list[RuleCheck]) -> str:
    rows = []
    for c in checks:
        mark = UNKNOWN if c.met is None else (MET if c.met else UNMET)
        style = MET_STYLE if c.met else UNMET_STYLE if c.met is False else ""
        rows.append(
            f"<tr><td style='{style}'>{mark}</td><td>{c.text}</td>"
            f"<td style='color:#555'>{c.detail}</td></tr>"
        )
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


class DecisionDialog(FormDialog):
    def __init__(self, ctx: AppContext, referral: Referral, parent=None):
        super().__init__(_("Decision on referral {case}").format(case=referral.case_number), parent)
        self.ctx = ctx
        self.referral = referral
        self.setMinimumWidth(760)
        insats = ctx.runner.read(organisation.get_insats, referral.insats_id)
        # Not yet decided: Antagen is proposed only when every rule is met; otherwise
        # the team chooses (a failed rule must never be accepted by one Enter).
        decided = referral.status.value in {d.value for d in Decision}
        if decided:
            current = Decision(referral.status.value)
        else:
            checks = ctx.runner.read(
                referrals.eligibility, referral.id, referral.exclusions_applying
            )
            current = None if any(c.met is False for c in checks) else Decision.ACCEPT
        self.decision = self.add_field(
            "decision",
            _("Decision"),
            choice([(d.label, d) for d in Decision], current, empty=_("(choose the decision)")),
        )
        if current is not None:
            self.decision.removeItem(self.decision.findData(None))
            self.decision.setCurrentIndex(self.decision.findData(current))
        self.decided_on = self.add_field(
            "decided_on", _("Decided on"), date_edit(referral.decided_on or clock.today())
        )
        # The checklist sits beside the form, as the team looks at both at once.
        side = QGroupBox(_("Eligibility rules of {insats}").format(insats=insats.name))
        side_layout = QVBoxLayout(side)
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        side_layout.addWidget(self.checklist)
        if insats.exclusion_criteria:
            side_layout.addWidget(QLabel(_("Tick an exclusion criterion that applies:")))
        self.exclusions: dict[str, QCheckBox] = {}
        for criterion in insats.exclusion_criteria:
            box = QCheckBox(criterion)
            box.setChecked(criterion in referral.exclusions_applying)
            box.toggled.connect(self.update_checklist)
            box.toggled.connect(self.mark_dirty)
            side_layout.addWidget(box)
            self.exclusions[criterion] = box
        side_layout.addStretch(1)
        row = QHBoxLayout()
        self.body.removeWidget(self.fields)
        row.addWidget(self.fields, 3)
        row.addWidget(side, 2)
        self.body.insertLayout(0, row)

        self.reason = self.add_field("reason", _("Reason"), small_text(referral.decision_reason, 3))
        self.override = self.add_field(
            "override_motivation",
            _("Why accept although a rule is not met"),
            small_text(referral.override_motivation, 3),
        )
        self.next_step = self.add_field(
            "next_step", _("Next step (in the answer)"), small_text(referral.next_step, 2)
        )
        self.contact1 = self.add_field(
            "answer_contact1_id",
            _("Contact person in the answer"),
            choice(
                staff_items(ctx, referral.answer_contact1_id),
                referral.answer_contact1_id,
                empty=_("(choose)"),
            ),
        )
        self.contact2 = self.add_field(
            "answer_contact2_id",
            _("Second contact person"),
            choice(
                staff_items(ctx, referral.answer_contact2_id),
                referral.answer_contact2_id,
                empty=_("(choose)"),
            ),
        )
        self.decision.currentIndexChanged.connect(lambda _i: self.update_checklist())
        self.checks: list[RuleCheck] = []
        self.update_checklist()

    def chosen_exclusions(self) -> list[str]:
        return [c for c, box in self.exclusions.items() if box.isChecked()]

    def update_checklist(self, *_args) -> None:
        self.checks = self.ctx.runner.read(
            referrals.eligibility, self.referral.id, self.chosen_exclusions()
        )
        self.checklist.setText(checklist_html(self.checks))
        unmet = any(c.met is False for c in self.checks)
        accept = self.decision.currentData() == Decision.ACCEPT
        self.override.setEnabled(accept and unmet)
        if accept and unmet:
            self.override.setPlaceholderText(
                _("Required: not every rule is met. Write why the team accepts anyway.")
            )
        else:
            self.override.setPlaceholderText("")
        placeholder = {
            Decision.REJECT: _("Required: the reason goes in the answer to the remittent."),
            Decision.DORMANT: _("What information the team is waiting for."),
            Decision.ACCEPT: "",
            None: "",
        }[self.decision.currentData()]
        self.reason.setPlaceholderText(placeholder)

    def check(self) -> dict[str, str]:
        if self.decision.currentData() is None:
            return {"decision": _("Choose the decision.")}
        return {}

    def save(self) -> Referral:
        problems = self.check()
        if problems:
            raise OperationFailed(_("Check the marked fields."), problems)
        choice_ = DecisionInput(
            decision=self.decision.currentData(),
            decided_on=self.decided_on.value(),
            reason=self.reason.toPlainText(),
            next_step=self.next_step.toPlainText(),
            exclusions_applying=self.chosen_exclusions(),
            override_motivation=self.override.toPlainText() if self.override.isEnabled() else "",
            answer_contact1_id=self.contact1.currentData(),
            answer_contact2_id=self.contact2.currentData(),
        )
        return self.ctx.runner.run(
            referrals.decide, self.referral.id, choice_, self.referral.version
        )
