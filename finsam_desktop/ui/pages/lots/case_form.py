"""The registration form for a lotsärende, built for speed from the keyboard.

Tab moves through the fields in reading order; in a list the first letters choose
(K kvinna, M man, J ja, N nej, O okänt); Enter saves and closes; Ctrl+Enter saves
and starts the next lotsärende with the same date, municipality and party.
Nothing here identifies the individual: there is no name field, and the reference
warns as soon as it looks like a personnummer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from finsam_desktop.domain import clock
from finsam_desktop.domain.lots import LotsCase, looks_like_personnummer, validate_case
from finsam_desktop.domain.lots_summary import Answer, CategoryKind
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import _
from finsam_desktop.services import lots, organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.date_field import DATE_HINT, DateField
from finsam_desktop.ui.widgets.forms import (
    FormDialog,
    active_items,
    banner,
    choice,
    line,
    set_choice,
)

WARNING_STYLE = "color: #8a5a00;"


def _answer_choice(current: Answer) -> QComboBox:
    return choice([(a.label, a) for a in Answer], current)


class OutcomeList(QListWidget):
    """The outcome list with a tick box per value: a lotsärende may have several outcomes.
    Space ticks the current row, so it is as quick from the keyboard as a list box."""

    def __init__(self, items: list[tuple[str, int]], checked: list[int]):
        super().__init__()
        for label, value in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.addItem(item)
        self.set_checked(checked)
        rows = max(3, min(len(items), 7))
        self.setFixedHeight(rows * (self.sizeHintForRow(0) if items else 20) + 6)

    def set_checked(self, ids: list[int]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked(self) -> list[int]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]


class LotsCaseDialog(FormDialog):
    """New lotsärende (``case`` None) or an existing one to change."""

    saved = Signal(object)  # the LotsCase just saved (also on 'save and new')

    def __init__(self, ctx: AppContext, case: LotsCase | None = None, parent=None):
        super().__init__(_("Edit lotsärende") if case else _("New lotsärende"), parent)
        self.ctx = ctx
        self.case = case
        c = case or LotsCase(id=None, received=clock.today(), municipality_id=None)
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        parties = ctx.runner.read(organisation.list_parties, True)
        categories = {
            kind: ctx.runner.read(lots.list_categories, kind, True) for kind in CategoryKind
        }
        self.privacy = banner(
            _("Never write the individual's name or personnummer in a lotsärende."),
            "background: #eef4fa; color: #1d3d5c; padding: 6px; border-radius: 4px;",
        )
        self.body.insertWidget(0, self.privacy)

        self.received = self.add_field("received", _("Received"), DateField(c.received))
        self.municipality = self.add_field(
            "municipality",
            _("Municipality"),
            choice(active_items(municipalities, c.municipality_id), c.municipality_id, _("–")),
        )
        self.party = self.add_field(
            "party",
            _("Contacting party"),
            choice(
                active_items(parties, c.party_id, lambda p: p.label), c.party_id, _("(not given)")
            ),
        )
        self.officer = self.add_field("officer", _("Officer (code or name)"), line(c.officer, 100))
        self.officer.setPlaceholderText(_("e.g. AF-07: the handläggare or vårdgivare"))
        completer = QCompleter(ctx.runner.read(lots.recent_officers), self.officer)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.officer.setCompleter(completer)
        self.gender = self.add_field(
            "gender", _("Gender"), choice([(g.label, g) for g in Gender], c.gender)
        )
        self.birth_year = self.add_field(
            "birth_year", _("Birth year"), line(str(c.birth_year or ""), 4)
        )
        self.birth_year.setPlaceholderText(_("e.g. 1988"))
        self.foreign = self.add_field(
            "foreign_background", _("Foreign background"), _answer_choice(c.foreign_background)
        )
        self.sick = self.add_field(
            "sick_leave_fs",
            _("On sick leave with försörjningsstöd"),
            _answer_choice(c.sick_leave_fs),
        )
        self.individual = self.add_field(
            "individual_case", _("Individärende"), QCheckBox(_("The case concerns an individual"))
        )
        self.individual.setChecked(c.individual_case)
        self.question = self.add_field(
            "question", _("Question"), self._category_choice(categories, CategoryKind.QUESTION, c)
        )
        self.need = self.add_field(
            "coordination_need",
            _("Need for coordination found"),
            _answer_choice(c.coordination_need),
        )
        self.action = self.add_field(
            "action", _("What was done"), self._category_choice(categories, CategoryKind.ACTION, c)
        )
        self.outcome = self.add_field(
            "outcome",
            _("Outcomes"),
            OutcomeList(
                active_items(categories[CategoryKind.OUTCOME], None)
                + [
                    (_("{name} (retired)").format(name=o.name), o.id)
                    for o in categories[CategoryKind.OUTCOME]
                    if not o.active and o.id in c.outcome_ids
                ],
                c.outcome_ids,
            ),
        )
        self.outcome.setToolTip(_("Tick every outcome that applies: a case may have several."))
        self.outcome.itemChanged.connect(lambda _item: self.mark_dirty())
        self.closed = self.add_field("closed", _("Closed"), DateField(c.closed, optional=True))
        self.closed.setPlaceholderText(_("{hint} (empty while open)").format(hint=_(DATE_HINT)))
        self.reference = self.add_field("reference", _("Own reference"), line(c.reference, 40))
        self.reference.setPlaceholderText(_("a short code, never a personnummer"))
        self.reference_warning = banner("", WARNING_STYLE)
        self.reference_warning.setWordWrap(False)
        self.fields.layout_form.addRow("", self.reference_warning)
        self.reference.textChanged.connect(self._check_reference)
        self.survey_sent = self.add_field(
            "survey_sent", _("Questionnaire"), QCheckBox(_("Sent to the officer"))
        )
        self.survey_sent.setChecked(c.survey_sent)
        self.score = self.add_field(
            "survey_score",
            _("Score (1–5)"),
            choice([(str(n), n) for n in range(1, 6)], c.survey_score, _("(no answer)")),
        )
        self.save_new = QPushButton(_("Save and new"))
        self.save_new.setToolTip(_("Ctrl+Enter"))
        self.save_new.setAutoDefault(False)
        self.save_new.clicked.connect(self.save_and_new)
        self.buttons.addButton(self.save_new, QDialogButtonBox.ButtonRole.ActionRole)
        self._check_reference(c.reference)
        self.received.setFocus()
        self.received.selectAll()

    def _category_choice(self, categories, kind: CategoryKind, c: LotsCase) -> QComboBox:
        current = getattr(c, lots.CATEGORY_FIELDS[kind])
        return choice(active_items(categories[kind], current), current, _("(not given)"))

    def _check_reference(self, text: str) -> None:
        if looks_like_personnummer(text):
            self.reference_warning.setText(_("Looks like a personnummer: it will not be saved."))
            self.reference_warning.show()
        else:
            self.reference_warning.hide()

    def keyPressEvent(self, event) -> None:
        # Ctrl+Enter reaches the dialog from any field (line edits pass Enter on).
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save_and_new()
            return
        super().keyPressEvent(event)

    # --- saving ---

    def _draft(self) -> tuple[LotsCase, dict[str, str]]:
        """The case as typed, and what cannot be read from the fields (dates, birth year)."""
        problems = self.fields.date_problems()
        birth_text = self.birth_year.text().strip()
        birth_year = None
        if birth_text:
            if birth_text.isdigit() and len(birth_text) == 4:
                birth_year = int(birth_text)
            else:
                problems["birth_year"] = _("Write the birth year with four digits, e.g. 1988.")
        case = LotsCase(
            id=self.case.id if self.case else None,
            received=self.received.value(),
            municipality_id=self.municipality.currentData(),
            party_id=self.party.currentData(),
            officer=self.officer.text(),
            gender=self.gender.currentData(),
            birth_year=birth_year,
            foreign_background=self.foreign.currentData(),
            sick_leave_fs=self.sick.currentData(),
            individual_case=self.individual.isChecked(),
            question_id=self.question.currentData(),
            coordination_need=self.need.currentData(),
            action_id=self.action.currentData(),
            outcome_ids=self.outcome.checked(),
            closed=self.closed.value(),
            reference=self.reference.text(),
            survey_sent=self.survey_sent.isChecked(),
            survey_score=self.score.currentData(),
            version=self.case.version if self.case else 0,
        )
        return case, problems

    check_is_complete = True  # the domain's validate_case is what saving applies

    def check(self) -> dict[str, str]:
        """Every rule at once: what cannot be read, then the domain's rules."""
        case, unreadable = self._draft()
        return {**validate_case(case, clock.today()), **unreadable}

    def save(self) -> LotsCase:
        problems = self.check()
        if problems:
            raise OperationFailed(_("Check the marked fields."), problems)
        case, _unreadable = self._draft()
        saved = self.ctx.runner.run(lots.save_lots_case, case)
        self.saved.emit(saved)
        return saved

    def save_and_new(self) -> None:
        """Save, then clear the form for the next lotsärende of the same day and party."""
        try:
            self.save()
        except OperationFailed as exc:
            self.show_problems(exc.message, exc.problems)
            return
        self.case = None
        self.setWindowTitle(_("New lotsärende"))
        for edit in (self.officer, self.birth_year, self.closed, self.reference):
            edit.clear()
        for box, value in (
            (self.gender, Gender.UNKNOWN),
            (self.foreign, Answer.UNKNOWN),
            (self.sick, Answer.UNKNOWN),
            (self.need, Answer.UNKNOWN),
            (self.question, None),
            (self.action, None),
            (self.score, None),
        ):
            set_choice(box, value)
        self.individual.setChecked(False)
        self.survey_sent.setChecked(False)
        self.outcome.set_checked([])
        self.show_problems("", {})
        self.banner.hide()
        self.fields.dirty = False
        self.officer.setFocus()
