"""Kartläggning: conversations, the answers in the case's template version, and
ekonomisk rådgivning; printable as a document."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.casework import mapping_date_warning, mapping_session_warning
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.domain.mapping import (
    SCALE_MAX,
    SCALE_MIN,
    AnswerKind,
    EconomicAdvice,
    Mapping,
    Question,
)
from finsam_desktop.domain.mapping import (
    MappingSession as Conversation,
)
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import case_options, casework, mapping
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.case.printout import present_pdf
from finsam_desktop.ui.widgets.choices import fit_columns, my_staff_id, staff_items, to_date
from finsam_desktop.ui.widgets.conflict import (
    SectionField,
    combo_text,
    is_concurrent_change,
    resolve_section_conflict,
)
from finsam_desktop.ui.widgets.forms import (
    ERROR_STYLE,
    FormDialog,
    banner,
    choice,
    confirm,
    date_edit,
    error_label,
    set_choice,
)
from finsam_desktop.ui.widgets.table_model import USER


class SessionDialog(FormDialog):
    def __init__(self, screen, parent=None):
        super().__init__(_("Mapping conversation"), parent)
        self.screen = screen
        self.held_on = self.add_field("held_on", _("Date"), date_edit(today()))
        staff = my_staff_id(screen.ctx) or screen.case.contact_person_id
        self.staff = self.add_field(
            "staff_id", _("Held by"), choice(staff_items(screen.ctx), staff, empty="–")
        )
        self.note = self.add_field("note", _("Note"), QLineEdit())

    def warnings(self) -> dict[str, str]:
        case = self.screen.case
        enrolled_on = case.limits.enrolled_on if case is not None else None
        return {"held_on": mapping_date_warning(self.held_on.value(), enrolled_on)}

    def save(self):
        item = Conversation(
            None, to_date(self.held_on), self.staff.currentData(), note=self.note.text()
        )
        return self.screen.run(mapping.add_session, self.screen.participation_id, item, today())


class MappingTab(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self.mapping: Mapping | None = None
        self._answer_widgets: dict[str, QWidget] = {}
        self._answer_errors: dict[str, QLabel] = {}
        self._template_id: int | None = None
        self._dirty = False
        # What the forms were loaded with: a save is refused when someone else has
        # changed it since (services.records.check_unchanged), never silently overwritten.
        self._answers_base: dict[str, str] = {}
        self._advice_base = EconomicAdvice()
        self._advice_dirty = False
        self._loading_advice = False
        self.conflict_dialog = None
        outer = QVBoxLayout(self)
        self.message = banner()
        outer.addWidget(self.message)

        top = QHBoxLayout()
        sessions_box = QGroupBox(_("Mapping conversations (3–6)"))
        sl = QVBoxLayout(sessions_box)
        self.sessions = QTreeWidget()
        self.sessions.setHeaderLabels([_("Date"), _("Held by"), _("Note")])
        self.sessions.setRootIsDecorated(False)
        self.sessions.setMaximumHeight(140)
        sl.addWidget(self.sessions)
        self.session_warning = QLabel()
        self.session_warning.setStyleSheet(ERROR_STYLE)
        sl.addWidget(self.session_warning)
        buttons = QHBoxLayout()
        self.add_session_button = QPushButton(_("Add conversation…"))
        self.add_session_button.clicked.connect(self.add_session)
        self.remove_session_button = QPushButton(_("Remove"))
        self.remove_session_button.clicked.connect(self.remove_session)
        self.print_button = QPushButton(_("Print kartläggning…"))
        self.print_button.clicked.connect(self.print_mapping)
        for b in (self.add_session_button, self.remove_session_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        sl.addLayout(buttons)
        top.addWidget(sessions_box, 3)
        top.addWidget(self._advice_box(), 2)
        outer.addLayout(top)

        self.template_label = QLabel()
        outer.addWidget(self.template_label)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.save_button = QPushButton(_("Save answers"))
        self.save_button.clicked.connect(self.save_answers)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)

    # --- ekonomisk rådgivning ---
    def _advice_box(self) -> QGroupBox:
        box = QGroupBox(_("Financial counselling"))
        form = QFormLayout(box)
        self.advice_date = date_edit(today())
        self.advice_by = QComboBox()
        self.advice_date_error, self.advice_by_error = error_label(), error_label()
        form.addRow(_("Offered on"), self.advice_date)
        form.addRow("", self.advice_date_error)
        form.addRow(_("Offered by"), self.advice_by)
        form.addRow("", self.advice_by_error)
        self.benefit_holder = QWidget()
        self.benefit_grid = QGridLayout(self.benefit_holder)
        self.benefit_grid.setContentsMargins(0, 0, 0, 0)
        self.benefit_boxes: dict[int, QCheckBox] = {}
        form.addRow(_("Benefits discussed"), self.benefit_holder)
        self.advice_note = QLineEdit()
        form.addRow(_("Note"), self.advice_note)
        self.advice_note.textEdited.connect(self._advice_edited)
        self.advice_by.activated.connect(self._advice_edited)
        self.advice_date.dateChanged.connect(self._advice_edited)
        self.advice_button = QPushButton(_("Save counselling"))
        self.advice_button.clicked.connect(self.save_advice)
        form.addRow("", self.advice_button)
        return box

    # --- loading ---
    def refresh(self) -> None:
        self.mapping = self.screen.read(mapping.get_mapping, self.screen.participation_id)
        m = self.mapping
        open_case = self.screen.case.is_open
        self.sessions.clear()
        for s in m.sessions:
            item = QTreeWidgetItem([format_date(s.held_on), s.staff_name, s.note])
            item.setData(0, USER, s.id)
            self.sessions.addTopLevelItem(item)
        fit_columns(self.sessions)
        self.session_warning.setText(mapping_session_warning(len(m.sessions)))
        for w in (
            self.add_session_button,
            self.remove_session_button,
            self.save_button,
            self.advice_button,
        ):
            w.setEnabled(open_case)
        self.template_label.setText(
            _(
                "Template version {n}. Changing the template in Settings never changes "
                "answers already given."
            ).format(n=m.template.number)
        )
        if not self._dirty or self._template_id != m.template.id:
            self._build_answers(m)
        if not self._advice_dirty:  # what is being typed is never replaced by a refresh
            self._load_advice(m.advice)

    def _build_answers(self, m: Mapping) -> None:
        self._template_id = m.template.id
        self._answers_base = dict(m.answers)
        holder = QWidget()
        layout = QVBoxLayout(holder)
        self._answer_widgets.clear()
        self._answer_errors.clear()
        for section in m.template.sections:
            box = QGroupBox(section.title)
            form = QFormLayout(box)
            for question in section.questions:
                widget = self._answer_widget(question, m.answers.get(question.key, ""))
                error = error_label()
                cell = QWidget()
                cl = QVBoxLayout(cell)
                cl.setContentsMargins(0, 0, 0, 0)
                cl.addWidget(widget)
                cl.addWidget(error)
                label = QLabel(question.text)
                label.setWordWrap(True)
                label.setMinimumWidth(240)
                form.addRow(label, cell)
                self._answer_widgets[question.key] = widget
                self._answer_errors[question.key] = error
            layout.addWidget(box)
        layout.addStretch(1)
        self.scroll.setWidget(holder)
        self._dirty = False

    def _answer_widget(self, question: Question, value: str) -> QWidget:
        if question.kind is AnswerKind.TEXT:
            edit = QPlainTextEdit(value)
            edit.setFixedHeight(54)
            edit.textChanged.connect(self._mark_dirty)
            return edit
        if question.kind is AnswerKind.SCALE:
            items = [(str(n), str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)]
        elif question.kind is AnswerKind.YES_NO:
            items = [(_("Yes"), "yes"), (_("No"), "no")]
        else:
            items = [(c, c) for c in question.choices]
        box = choice(items, value or None, empty="–")
        box.activated.connect(self._mark_dirty)
        return box

    def _mark_dirty(self, *_args) -> None:
        self._dirty = True

    def _advice_edited(self, *_args) -> None:
        if not self._loading_advice:
            self._advice_dirty = True

    def _load_advice(self, advice: EconomicAdvice) -> None:
        self._loading_advice = True
        try:
            self._fill_advice(advice)
        finally:
            self._loading_advice = False
        self._advice_base = advice
        self._advice_dirty = False

    def _fill_advice(self, advice: EconomicAdvice) -> None:
        ctx = self.screen.ctx
        current_by = advice.offered_by_id or my_staff_id(ctx) or self.screen.case.contact_person_id
        self.advice_by.clear()
        self.advice_by.addItem("–", None)
        for label, value in staff_items(ctx, advice.offered_by_id):
            self.advice_by.addItem(label, value)
        set_choice(self.advice_by, current_by)
        if advice.offered_on:
            self.advice_date.setDate(QDate(advice.offered_on))
        self.advice_note.setText(advice.note)
        for box in self.benefit_boxes.values():
            box.deleteLater()
        self.benefit_boxes.clear()
        benefits = self.screen.read(case_options.list_options, OptionList.BENEFIT, True)
        shown = [b for b in benefits if b.active or b.id in advice.benefit_ids]
        for i, benefit in enumerate(shown):
            box = QCheckBox(benefit.name)
            box.setChecked(benefit.id in advice.benefit_ids)
            box.clicked.connect(self._advice_edited)
            self.benefit_grid.addWidget(box, i // 2, i % 2)
            self.benefit_boxes[benefit.id] = box

    # --- actions ---
    def _show(self, exc: OperationFailed | None, done: str = "") -> None:
        self.message.setStyleSheet(
            "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"
            if exc is None
            else "background: #fdecea; color: #8a1c13; padding: 6px; border-radius: 4px;"
        )
        self.message.setText(done if exc is None else exc.message)
        self.message.setVisible(bool(self.message.text()))

    def answers(self) -> dict[str, str]:
        out = {}
        for key, widget in self._answer_widgets.items():
            if isinstance(widget, QPlainTextEdit):
                out[key] = widget.toPlainText()
            else:
                out[key] = widget.currentData() or ""
        return out

    def save_answers(self) -> bool:
        for label in self._answer_errors.values():
            label.hide()
        try:
            self._dirty = False
            self.screen.run(
                mapping.save_answers,
                self.screen.participation_id,
                self.answers(),
                self._template_id,
                self._answers_base,
            )
        except OperationFailed as exc:
            self._dirty = True
            if is_concurrent_change(exc):
                self._show(exc)
                self.conflict_dialog = self._answers_conflict()
                return False
            for key, text in exc.problems.items():
                if key in self._answer_errors:
                    self._answer_errors[key].setText(text)
                    self._answer_errors[key].show()
            self._show(exc)
            return False
        self._show(None, _("The answers are saved."))
        return True

    def add_session(self) -> SessionDialog:
        dialog = SessionDialog(self.screen, self)
        dialog.open()
        return dialog

    def remove_session(self) -> None:
        item = self.sessions.currentItem()
        if item is not None and confirm(
            self,
            _("Remove the conversation?"),
            _("Remove the mapping conversation of {date}? Only one recorded by mistake.").format(
                date=item.text(0)
            ),
        ):
            self.screen.run(
                mapping.remove_session, self.screen.participation_id, item.data(0, USER)
            )

    def advice_value(self) -> EconomicAdvice:
        return EconomicAdvice(
            to_date(self.advice_date),
            self.advice_by.currentData(),
            benefit_ids=[i for i, box in self.benefit_boxes.items() if box.isChecked()],
            note=self.advice_note.text(),
        )

    def save_advice(self) -> bool:
        if self.advice_date.problem():
            self.advice_date_error.setText(self.advice_date.problem())
            self.advice_date_error.show()
            return False
        advice = self.advice_value()
        self.advice_date_error.hide()
        self.advice_by_error.hide()
        self._advice_dirty = False  # so that the refresh after the save shows what is saved
        try:
            self.screen.run(
                mapping.save_advice,
                self.screen.participation_id,
                advice,
                today(),
                self._advice_base,
            )
        except OperationFailed as exc:
            self._advice_dirty = True
            if is_concurrent_change(exc):
                self._show(exc)
                self.conflict_dialog = self._advice_conflict()
                return False
            for key, label in (
                ("offered_on", self.advice_date_error),
                ("offered_by_id", self.advice_by_error),
            ):
                if key in exc.problems:
                    label.setText(exc.problems[key])
                    label.show()
            self._show(exc)
            return False
        self._show(None, _("The financial counselling is saved."))
        return True

    # --- someone else saved first: both versions side by side -------------------------
    def _advice_conflict(self):
        saved = self.screen.read(mapping.get_mapping, self.screen.participation_id).advice
        mine, base = self.advice_value(), self._advice_base
        names = {i: box.text() for i, box in self.benefit_boxes.items()}

        def benefits(ids) -> str:
            return ", ".join(names.get(i, str(i)) for i in ids) or "–"

        def take_date() -> None:
            if saved.offered_on:
                self.advice_date.setDate(QDate(saved.offered_on))

        def take_benefits() -> None:
            for i, box in self.benefit_boxes.items():
                box.setChecked(i in saved.benefit_ids)

        by_text = lambda v: combo_text(self.advice_by, v)  # noqa: E731
        fields = [
            SectionField(
                "offered_on",
                _("Offered on"),
                format_date(mine.offered_on),
                format_date(saved.offered_on),
                take_date,
                mine.offered_on == base.offered_on,
            ),
            SectionField(
                "offered_by_id",
                _("Offered by"),
                by_text(mine.offered_by_id),
                by_text(saved.offered_by_id),
                lambda: set_choice(self.advice_by, saved.offered_by_id),
                mine.offered_by_id == base.offered_by_id,
            ),
            SectionField(
                "benefit_ids",
                _("Benefits discussed"),
                benefits(mine.benefit_ids),
                benefits(saved.benefit_ids),
                take_benefits,
                set(mine.benefit_ids) == set(base.benefit_ids),
            ),
            SectionField(
                "note",
                _("Note"),
                mine.note,
                saved.note,
                lambda: self.advice_note.setText(saved.note),
                mine.note.strip() == base.note.strip(),
            ),
        ]

        def adopt() -> None:
            self._advice_base = saved

        return resolve_section_conflict(self, fields, adopt, self._say_problem)

    def _answers_conflict(self):
        m = self.screen.read(mapping.get_mapping, self.screen.participation_id)
        saved, base, mine = m.answers, self._answers_base, self.answers()
        fields = []
        for section in m.template.sections:
            for question in section.questions:
                widget = self._answer_widgets.get(question.key)
                if widget is None:
                    continue
                theirs = saved.get(question.key, "")
                fields.append(
                    SectionField(
                        question.key,
                        question.text,
                        self._answer_text(widget, mine.get(question.key, "")),
                        self._answer_text(widget, theirs),
                        self._taker(widget, theirs),
                        mine.get(question.key, "") == base.get(question.key, ""),
                    )
                )

        def adopt() -> None:
            self._answers_base = dict(saved)

        return resolve_section_conflict(self, fields, adopt, self._say_problem)

    @staticmethod
    def _answer_text(widget: QWidget, value: str) -> str:
        return combo_text(widget, value or None) if isinstance(widget, QComboBox) else value

    @staticmethod
    def _taker(widget: QWidget, value: str):
        def take() -> None:
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                set_choice(widget, value or None)

        return take

    def _say_problem(self, text: str) -> None:
        self._show(OperationFailed(text))

    def mapping_pdf_bytes(self) -> bytes:
        from finsam_desktop.reports.mapping_pdf import mapping_pdf

        m = self.screen.read(mapping.get_mapping, self.screen.participation_id)
        return mapping_pdf(self.screen.case, m, today())

    def print_mapping(self) -> None:
        if self._dirty and not self.save_answers():
            return
        name = _("kartlaggning-{name}.pdf").format(name=self.screen.case.person_name)
        if present_pdf(self, _("Kartläggning"), name, self.mapping_pdf_bytes()):
            self.screen.ctx.runner.run(
                casework.record_printout, self.screen.participation_id, "mapping"
            )
