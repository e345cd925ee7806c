"""Limits and avslut: the situation at entry, the styrgrupp's extension, and the
closing (exit route, situation at exit, summary and letter to the remittent, closing
meeting); a closed case is reopened only with a recorded reason."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.closing import Closing, OptionList, Situation
from finsam_desktop.domain.surveys import ParticipantSurvey
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import case_options, casework, closing, surveys
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.case.printout import present_pdf
from finsam_desktop.ui.widgets.choices import OptionalDate, my_staff_id, option_items, to_date
from finsam_desktop.ui.widgets.conflict import (
    SectionField,
    combo_text,
    is_concurrent_change,
    resolve_section_conflict,
)
from finsam_desktop.ui.widgets.forms import (
    banner,
    date_edit,
    date_problems,
    set_choice,
    spin,
    with_error_label,
)
from finsam_desktop.ui.widgets.forms import (
    confirm as ask_to_confirm,
)

OK_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"
ERROR_STYLE = "background: #fdecea; color: #8a1c13; padding: 6px; border-radius: 4px;"


class SectionForm(QFormLayout):
    """A form whose fields each have an error label underneath, keyed like the service."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        cell, error = with_error_label(widget)
        self.addRow(label, cell)
        self.errors[key] = error
        self.fields[key] = widget
        return widget

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)


class ClosingTab(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        # What the forms were loaded with: a save is refused when someone else has
        # changed it since (services.records.check_unchanged), never silently overwritten.
        self._entry_base: Situation | None = None
        self._closing_base: Closing | None = None
        self.conflict_dialog = None
        outer = QVBoxLayout(self)
        self.message = banner()
        outer.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll, 1)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        self._entry_box()
        self._extension_box()
        self._closing_box()
        self._survey_box()
        self.body.addStretch(1)

    # --- building ---
    def _entry_box(self) -> None:
        box = QGroupBox(_("Situation at entry (recorded at enrolment)"))
        self.entry_form = SectionForm(box)
        self.entry_fields = {
            "income_source_id": self.entry_form.add(
                "income_source_id", _("Main source of income"), QComboBox()
            ),
            "occupation_id": self.entry_form.add("occupation_id", _("Occupation"), QComboBox()),
            "education_level_id": self.entry_form.add(
                "education_level_id", _("Highest education level"), QComboBox()
            ),
            "support_time_id": self.entry_form.add(
                "support_time_id", _("Time on public support before entry"), QComboBox()
            ),
        }
        self.entry_button = QPushButton(_("Save situation at entry"))
        self.entry_button.clicked.connect(self.save_entry)
        self.entry_form.addRow("", self.entry_button)
        self.body.addWidget(box)

    def _extension_box(self) -> None:
        box = QGroupBox(_("Limits and extension by the steering group"))
        self.extension_form = SectionForm(box)
        self.limits_label = QLabel()
        self.limits_label.setWordWrap(True)
        self.extension_form.addRow(self.limits_label)
        row = QWidget()
        rl = QHBoxLayout(row)
        rl.setContentsMargins(0, 0, 0, 0)
        self.requested_on = date_edit(today())
        self.request_button = QPushButton(_("Ask the steering group"))
        self.request_button.clicked.connect(self.request_extension)
        rl.addWidget(self.requested_on)
        rl.addWidget(self.request_button)
        rl.addStretch(1)
        self.extension_form.add("requested_on", _("Extension requested on"), row)
        self.decided_on = self.extension_form.add(
            "decided_on", _("Decision date"), date_edit(today())
        )
        self.months = self.extension_form.add("months", _("Extension (months)"), spin(6, 0, 24))
        self.months.setToolTip(_("0 months: the steering group said no."))
        self.decision_note = self.extension_form.add("note", _("Note"), QLineEdit())
        self.decision_button = QPushButton(_("Record the decision"))
        self.decision_button.clicked.connect(self.decide_extension)
        self.extension_form.addRow("", self.decision_button)
        self.body.addWidget(box)

    def _closing_box(self) -> None:
        box = QGroupBox(_("Avslut"))
        f = self.closing_form = SectionForm(box)
        self.closed_on = f.add("closed_on", _("Closing date"), date_edit(today()))
        self.route = f.add("exit_route_id", _("Exit route"), QComboBox())
        self.route.activated.connect(lambda *_a: self._fill_sub_routes(None))
        self.sub_route = f.add("exit_sub_route_id", _("Sub-route"), QComboBox())
        self.exit_fields = {
            "income_source_id": f.add(
                "exit_income_source_id", _("Main source of income at exit"), QComboBox()
            ),
            "occupation_id": f.add("exit_occupation_id", _("Occupation at exit"), QComboBox()),
            "education_level_id": f.add(
                "exit_education_level_id", _("Highest education level at exit"), QComboBox()
            ),
        }
        self.summary = f.add("summary", _("Summary for the remittent"), QPlainTextEdit())
        self.summary.setMinimumHeight(160)
        self.draft_button = QPushButton(_("Start from the plan and the journal"))
        self.draft_button.clicked.connect(self.draft_summary)
        f.addRow("", self.draft_button)
        self.recommendations = f.add(
            "recommendations", _("Recommendations and proposed next steps"), QPlainTextEdit()
        )
        self.recommendations.setMinimumHeight(90)
        self.meeting_offered = f.add(
            "meeting_offered_on", _("Closing meeting offered"), OptionalDate(None, _("on"))
        )
        self.meeting_held = f.add(
            "meeting_held_on", _("Closing meeting held"), OptionalDate(None, _("on"))
        )
        self.attendees = f.add("meeting_attendees", _("Attendees"), QLineEdit())
        row = QHBoxLayout()
        self.save_draft_button = QPushButton(_("Save"))
        self.save_draft_button.clicked.connect(self.save_draft)
        self.close_button = QPushButton(_("Close the participation…"))
        self.close_button.clicked.connect(self.close_participation)
        self.print_button = QPushButton(_("Print letter to the remittent…"))
        self.print_button.clicked.connect(self.print_letter)
        self.reopen_button = QPushButton(_("Reopen…"))
        self.reopen_button.clicked.connect(self.reopen)
        for b in (self.save_draft_button, self.close_button, self.print_button, self.reopen_button):
            row.addWidget(b)
        row.addStretch(1)
        f.addRow(row)
        self.body.addWidget(box)

    def _survey_box(self) -> None:
        box = QGroupBox(_("Participant survey (deltagarenkät)"))
        f = self.survey_form = SectionForm(box)
        self.survey_sent = f.add("sent_on", _("Survey sent"), OptionalDate(None, _("on")))
        self.survey_answered = f.add(
            "answered_on", _("Answer received"), OptionalDate(None, _("on"))
        )
        self.survey_score = f.add("score", _("Score (1–5)"), QComboBox())
        self.survey_score.addItem(_("(no score)"), None)
        for n in range(1, 6):
            self.survey_score.addItem(str(n), n)
        self.survey_score.setToolTip(_("4 or 5 counts as satisfied in the statistics."))
        self.survey_comment = f.add("comment", _("Comment"), QPlainTextEdit())
        self.survey_comment.setMaximumHeight(80)
        note = QLabel(
            _(
                "The statistics count sent, answered and the scores; the comment stays in "
                "the case and is never part of them."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        f.addRow("", note)
        self.survey_button = QPushButton(_("Save survey"))
        self.survey_button.clicked.connect(self.save_survey)
        f.addRow("", self.survey_button)
        self.survey_version = 0
        self.body.addWidget(box)

    # --- loading ---
    def _fill(self, box: QComboBox, key: OptionList, current) -> None:
        box.clear()
        box.addItem("–", None)
        for label, value in option_items(self.screen.ctx, key, current, top_only=True):
            box.addItem(label, value)
        set_choice(box, current)

    def _fill_sub_routes(self, current) -> None:
        route = self.route.currentData()
        self.sub_route.clear()
        self.sub_route.addItem(_("(none)"), None)
        options = self.screen.read(case_options.list_options, OptionList.EXIT_ROUTE, True)
        for o in options:
            if o.parent_id == route and route is not None and (o.active or o.id == current):
                self.sub_route.addItem(o.name, o.id)
        set_choice(self.sub_route, current)
        self.sub_route.setEnabled(self.sub_route.count() > 1)

    def refresh(self) -> None:
        case = self.screen.case
        pid = self.screen.participation_id
        entry = self.screen.read(closing.entry_situation, pid)
        self._entry_base = entry
        for (key, box), list_key in zip(self.entry_fields.items(), _SITUATION_LISTS, strict=True):
            self._fill(box, list_key, getattr(entry, key))
        limits = case.limits
        ext = limits.extension
        lines = [
            _("Enrolled {start}; planned end {end}; the participation ends {ends}.").format(
                start=format_date(limits.enrolled_on),
                end=format_date(limits.planned_end),
                ends=format_date(limits.ends_on),
            )
        ]
        if ext.granted:
            lines.append(
                _(
                    "Extended by {n} months by the steering group's decision of {date}. "
                    "A participation can be extended only once."
                ).format(n=ext.months, date=format_date(ext.decided_on))
            )
        elif ext.pending:
            lines.append(
                _("Extension requested {date}; awaiting the decision.").format(
                    date=format_date(ext.requested_on)
                )
            )
        elif ext.decided_on:
            lines.append(
                _("The steering group said no on {date}.").format(date=format_date(ext.decided_on))
            )
        lines.append(
            ngettext(
                "At most {n} month's extension.",
                "At most {n} months' extension.",
                case.extension_max_months,
            ).format(n=format_number(case.extension_max_months))
        )
        self.limits_label.setText("\n".join(lines))
        self.months.setMaximum(case.extension_max_months)
        may_extend = case.is_open and not ext.granted
        for w in (
            self.request_button,
            self.decision_button,
            self.requested_on,
            self.decided_on,
            self.months,
            self.decision_note,
        ):
            w.setEnabled(may_extend)
        self.request_button.setEnabled(may_extend and not ext.pending)

        c = self.screen.read(closing.get_closing, pid)
        typing = (
            self.summary.document().isModified() or self.recommendations.document().isModified()
        )
        if self._closing_base is None or not typing:
            self._closing_base = c
        self._fill(self.route, OptionList.EXIT_ROUTE, c.exit_route_id)
        self._fill_sub_routes(c.exit_sub_route_id)
        for (key, box), list_key in zip(self.exit_fields.items(), _SITUATION_LISTS, strict=False):
            self._fill(box, list_key, getattr(c.exit_situation, key))
        if c.closed_on:
            self.closed_on.setDate(QDate(c.closed_on))
        if not self.summary.document().isModified():
            self.summary.setPlainText(c.summary)
        if not self.recommendations.document().isModified():
            self.recommendations.setPlainText(c.recommendations)
        self.meeting_offered.set_value(c.meeting_offered_on)
        self.meeting_held.set_value(c.meeting_held_on)
        self.attendees.setText(c.meeting_attendees)
        self.entry_button.setEnabled(case.is_open)
        self.close_button.setEnabled(case.is_open)
        self.closed_on.setEnabled(case.is_open)
        self.reopen_button.setVisible(not case.is_open)
        self.print_button.setEnabled(bool(c.summary.strip()))
        self._show_survey(self.screen.read(surveys.get_survey, pid))

    def _show_survey(self, survey: ParticipantSurvey) -> None:
        self.survey_version = survey.version
        self.survey_sent.set_value(survey.sent_on)
        self.survey_answered.set_value(survey.answered_on)
        set_choice(self.survey_score, survey.score)
        if not self.survey_comment.document().isModified():
            self.survey_comment.setPlainText(survey.comment)

    def survey_value(self) -> ParticipantSurvey:
        return ParticipantSurvey(
            participation_id=self.screen.participation_id,
            sent_on=self.survey_sent.value(),
            answered_on=self.survey_answered.value(),
            score=self.survey_score.currentData(),
            comment=self.survey_comment.toPlainText(),
            version=self.survey_version,
        )

    # --- reading the form ---
    def closing_value(self) -> Closing:
        return Closing(
            closed_on=to_date(self.closed_on),
            exit_route_id=self.route.currentData(),
            exit_sub_route_id=self.sub_route.currentData(),
            summary=self.summary.toPlainText(),
            recommendations=self.recommendations.toPlainText(),
            exit_situation=Situation(
                self.exit_fields["income_source_id"].currentData(),
                self.exit_fields["occupation_id"].currentData(),
                self.exit_fields["education_level_id"].currentData(),
            ),
            meeting_offered_on=self.meeting_offered.value(),
            meeting_held_on=self.meeting_held.value(),
            meeting_attendees=self.attendees.text(),
        )

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _attempt(
        self, form: SectionForm, fn, *args, done: str = "", conflict=None, saved=None
    ) -> bool:
        """Run a save; ``conflict()`` offers both versions when someone else saved first,
        ``saved(result)`` bases the next save on what was saved."""
        dates = date_problems(form.fields)
        if dates:
            form.show_problems(dates)
            self._say(_("Check the marked fields."), ok=False)
            return False
        try:
            form.show_problems({})
            result = self.screen.run(fn, *args)
        except OperationFailed as exc:
            form.show_problems(exc.problems)
            self._say(exc.message, ok=False)
            if conflict is not None and is_concurrent_change(exc):
                self.conflict_dialog = conflict()
            return False
        if saved is not None:
            saved(result)
        self.summary.document().setModified(False)
        self.recommendations.document().setModified(False)
        self._say(done)
        return True

    def _adopt_closing(self, result: Closing) -> None:
        self._closing_base = result

    def _adopt_entry(self, result: Situation) -> None:
        self._entry_base = result

    # --- someone else saved first: both versions side by side -------------------------
    def _entry_conflict(self):
        saved = self.screen.read(closing.entry_situation, self.screen.participation_id)
        base = self._entry_base or Situation()
        fields = [
            self._combo_field(key, box, getattr(saved, key), getattr(base, key))
            for key, box in self.entry_fields.items()
        ]
        return resolve_section_conflict(
            self, fields, lambda: self._adopt_entry(saved), lambda t: self._say(t, ok=False)
        )

    def _closing_conflict(self):
        saved = self.screen.read(closing.get_closing, self.screen.participation_id)
        base = self._closing_base or Closing(None, None)
        mine = self.closing_value()

        def take_route() -> None:
            set_choice(self.route, saved.exit_route_id)
            self._fill_sub_routes(saved.exit_sub_route_id)

        def text_field(key, widget, label):
            return SectionField(
                key,
                label,
                getattr(mine, key),
                getattr(saved, key),
                lambda: self._set_text(widget, getattr(saved, key)),
                getattr(mine, key).strip() == getattr(base, key).strip(),
            )

        def date_field(key, widget: OptionalDate, label):
            return SectionField(
                key,
                label,
                format_date(getattr(mine, key)),
                format_date(getattr(saved, key)),
                lambda: widget.set_value(getattr(saved, key)),
                getattr(mine, key) == getattr(base, key),
            )

        fields = [
            SectionField(
                "exit_route_id",
                _("Exit route"),
                combo_text(self.route, mine.exit_route_id)
                + (f" – {self.sub_route.currentText()}" if mine.exit_sub_route_id else ""),
                combo_text(self.route, saved.exit_route_id)
                + (f" – {saved.exit_sub_route_name}" if saved.exit_sub_route_id else ""),
                take_route,
                (mine.exit_route_id, mine.exit_sub_route_id)
                == (base.exit_route_id, base.exit_sub_route_id),
            ),
            *(
                self._combo_field(
                    key, box, getattr(saved.exit_situation, key), getattr(base.exit_situation, key)
                )
                for key, box in self.exit_fields.items()
            ),
            text_field("summary", self.summary, _("Summary for the remittent")),
            text_field(
                "recommendations",
                self.recommendations,
                _("Recommendations and proposed next steps"),
            ),
            date_field("meeting_offered_on", self.meeting_offered, _("Closing meeting offered")),
            date_field("meeting_held_on", self.meeting_held, _("Closing meeting held")),
            text_field("meeting_attendees", self.attendees, _("Attendees")),
        ]
        return resolve_section_conflict(
            self, fields, lambda: self._adopt_closing(saved), lambda t: self._say(t, ok=False)
        )

    def _combo_field(self, key: str, box: QComboBox, saved_id, base_id) -> SectionField:
        label = self.entry_form.labelForField(
            box.parentWidget()
        ) or self.closing_form.labelForField(box.parentWidget())
        return SectionField(
            key,
            label.text() if isinstance(label, QLabel) else key,
            combo_text(box, box.currentData()),
            combo_text(box, saved_id),
            lambda: set_choice(box, saved_id),
            box.currentData() == base_id,
        )

    @staticmethod
    def _set_text(widget, text: str) -> None:
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(text)
            widget.document().setModified(True)
        else:
            widget.setText(text)

    # --- actions ---
    def save_entry(self) -> bool:
        situation = Situation(*(box.currentData() for box in self.entry_fields.values()))
        return self._attempt(
            self.entry_form,
            closing.save_entry_situation,
            self.screen.participation_id,
            situation,
            today(),
            self._entry_base,
            done=_("The situation at entry is saved."),
            conflict=self._entry_conflict,
            saved=self._adopt_entry,
        )

    def request_extension(self) -> bool:
        return self._attempt(
            self.extension_form,
            casework.request_extension,
            self.screen.participation_id,
            to_date(self.requested_on),
            today(),
            done=_("The request is recorded; Översikt shows it until the decision is recorded."),
        )

    def decide_extension(self) -> bool:
        return self._attempt(
            self.extension_form,
            casework.decide_extension,
            self.screen.participation_id,
            to_date(self.decided_on),
            self.months.value(),
            today(),
            self.decision_note.text(),
            done=_("The steering group's decision is recorded."),
        )

    def draft_summary(self) -> None:
        text = self.screen.read(
            closing.draft_summary, self.screen.participation_id, to_date(self.closed_on)
        )
        if self.summary.toPlainText().strip():
            text = self.summary.toPlainText().rstrip() + "\n\n" + text
        self.summary.setPlainText(text)
        self.summary.document().setModified(True)

    def save_draft(self) -> bool:
        return self._attempt(
            self.closing_form,
            closing.save_closing_draft,
            self.screen.participation_id,
            self.closing_value(),
            today(),
            self._closing_base,
            done=_("Saved."),
            conflict=self._closing_conflict,
            saved=self._adopt_closing,
        )

    def close_participation(self, confirm: bool = True) -> bool:
        if confirm and not ask_to_confirm(
            self,
            _("Close the participation?"),
            _(
                "The participation is closed on {date}. It can be reopened later only with "
                "a reason."
            ).format(date=format_date(to_date(self.closed_on))),
        ):
            return False
        return self._attempt(
            self.closing_form,
            closing.close_case,
            self.screen.participation_id,
            self.closing_value(),
            today(),
            self._closing_base,
            done=_("The participation is closed. Print the letter to the remittent."),
            conflict=self._closing_conflict,
            saved=self._adopt_closing,
        )

    def save_survey(self) -> bool:
        try:
            self.survey_form.show_problems({})
            saved = self.screen.run(surveys.save_survey, self.survey_value(), today())
        except OperationFailed as exc:
            self.survey_form.show_problems(exc.problems)
            self._say(exc.message, ok=False)
            return False
        self.survey_comment.document().setModified(False)
        self._show_survey(saved)
        self._say(_("The survey is saved."))
        return True

    def letter_pdf(self) -> tuple[bytes, str]:
        from finsam_desktop.reports.closing_letter import closing_letter_pdf, closing_subject

        data = self.screen.read(
            closing.closing_letter_data,
            self.screen.participation_id,
            my_staff_id(self.screen.ctx),
            today(),
        )
        return closing_letter_pdf(data), closing_subject(data)

    def print_letter(self) -> None:

        if not self.save_draft():
            return
        pdf, subject = self.letter_pdf()
        name = _("closing-summary-{name}.pdf").format(name=self.screen.case.person_name)
        if present_pdf(self, subject, name, pdf):
            self.screen.run(
                closing.record_letter,
                self.screen.participation_id,
                pdf,
                subject,
                self.screen.case.contact_person_name,
                clock.now(),
            )

    def reopen(self, reason: str | None = None) -> bool:
        if reason is None:
            reason, ok = QInputDialog.getMultiLineText(
                self,
                _("Reopen the participation"),
                _("Why is the participation reopened? The reason is kept in the case."),
            )
            if not ok:
                return False
        try:
            self.screen.run(closing.reopen_case, self.screen.participation_id, reason, today())
        except OperationFailed as exc:
            self._say("\n".join([exc.message, *exc.problems.values()]), ok=False)
            return False
        self._say(_("The participation is reopened."))
        return True


_SITUATION_LISTS = (
    OptionList.INCOME_SOURCE,
    OptionList.OCCUPATION,
    OptionList.EDUCATION_LEVEL,
    OptionList.SUPPORT_TIME,
)
