"""Settings for case work: the kartläggning template and the team's lists.

The template is edited here and saved as a new version; cases already mapped keep
the version they were mapped with. Lists (exit routes and sub-routes, benefits,
types of planned insatser, follow-up terms) are extended, renamed and retired here.
"""

from __future__ import annotations

import copy

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.closing import Option, OptionList
from finsam_desktop.domain.mapping import AnswerKind, Question, Section, new_question_key
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import case_options, mapping, statistics, surveys
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import FormDialog, banner, choice, line, spin
from finsam_desktop.ui.widgets.table_model import USER

OK_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"
ERROR_STYLE = "background: #fdecea; color: #8a1c13; padding: 6px; border-radius: 4px;"


class QuestionDialog(FormDialog):
    """Edits a question of the draft template (nothing is saved until the template is)."""

    def __init__(self, question: Question | None, parent=None):
        super().__init__(_("Question"), parent)
        self.question = question
        self.text = self.add_field("text", _("Question"), line(question.text if question else ""))
        kind = question.kind if question else AnswerKind.TEXT
        self.kind = self.add_field(
            "kind", _("Answered as"), choice([(k.label, k) for k in AnswerKind], kind)
        )
        self.choices = self.add_field(
            "choices",
            _("Choices (one per line)"),
            QPlainTextEdit("\n".join(question.choices) if question else ""),
        )
        self.choices.setFixedHeight(100)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self, *_args) -> None:
        self.choices.setEnabled(self.kind.currentData() == AnswerKind.CHOICE.value)

    def save(self) -> Question:
        text = self.text.text().strip()
        kind = AnswerKind(self.kind.currentData())
        choices = [c.strip() for c in self.choices.toPlainText().splitlines() if c.strip()]
        problems = {}
        if not text:
            problems["text"] = _("Write the question.")
        if kind is AnswerKind.CHOICE and len(choices) < 2:
            problems["choices"] = _("Give at least two choices.")
        if problems:
            raise OperationFailed(_("Check the marked fields."), problems)
        key = self.question.key if self.question else ""
        return Question(key, text, kind, choices if kind is AnswerKind.CHOICE else [])


class SectionDialog(FormDialog):
    def __init__(self, title: str, parent=None):
        super().__init__(_("Section"), parent)
        self.title = self.add_field("title", _("Title"), line(title))

    def save(self) -> str:
        if not self.title.text().strip():
            raise OperationFailed(_("Check the marked fields."), {"title": _("Write a title.")})
        return self.title.text().strip()


class OptionDialog(FormDialog):
    def __init__(self, ctx: AppContext, option: Option, parent=None):
        super().__init__(option.list_key.label, parent)
        self.ctx, self.option = ctx, option
        self.name = self.add_field("name", _("Name"), line(option.name))
        self.active = self.add_field(
            "active", _("Status"), QCheckBox(_("Active (uncheck to retire)"))
        )
        self.active.setChecked(option.active)
        self.add_field("parent_id", "", QLabel())
        exit_route = option.list_key is OptionList.EXIT_ROUTE
        self.in_activity = self.add_field(
            "in_activity", _("Statistics"), QCheckBox(_("Counts as out in activity"))
        )
        self.in_activity.setToolTip(
            _("Work of any kind, work training, placement or studies: 'ute i aktivitet'.")
        )
        self.in_activity.setChecked(option.in_activity)
        self.work_or_studies = self.add_field(
            "work_or_studies", "", QCheckBox(_("Counts as work or studies"))
        )
        self.work_or_studies.setToolTip(
            _("Counted in the share of exits to work or studies held against the target.")
        )
        self.work_or_studies.setChecked(option.work_or_studies)
        for box in (self.in_activity, self.work_or_studies):
            box.parentWidget().setVisible(exit_route)
            label = self.fields.layout_form.labelForField(box.parentWidget())
            if label is not None:
                label.setVisible(exit_route)
        self.fields.dirty = False  # filling in the current values is not an edit

    def save(self) -> Option:
        record = copy.copy(self.option)
        record.name, record.active = self.name.text(), self.active.isChecked()
        record.in_activity = self.in_activity.isChecked()
        record.work_or_studies = self.work_or_studies.isChecked()
        return self.ctx.runner.run(case_options.save_option, record)


class TemplateEditor(QGroupBox):
    def __init__(self, ctx: AppContext):
        super().__init__(_("Kartläggning template"))
        self.ctx = ctx
        self.sections: list[Section] = []
        self.number = 0
        layout = QVBoxLayout(self)
        self.message = banner()
        layout.addWidget(self.message)
        self.version = QLabel()
        self.version.setWordWrap(True)
        layout.addWidget(self.version)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Section / question"), _("Answered as")])
        self.tree.itemDoubleClicked.connect(lambda *_a: self.edit())
        layout.addWidget(self.tree, 1)
        # Two rows of buttons, so the tab fits a 1280 px wide window beside the lists.
        edit_row, order_row = QHBoxLayout(), QHBoxLayout()
        buttons = (
            (edit_row, _("Add section…"), self.add_section),
            (edit_row, _("Add question…"), self.add_question),
            (edit_row, _("Edit…"), self.edit),
            (edit_row, _("Remove"), self.remove),
            (order_row, _("Up"), lambda: self.move(-1)),
            (order_row, _("Down"), lambda: self.move(1)),
        )
        for row, text, slot in buttons:
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        edit_row.addStretch(1)
        order_row.addStretch(1)
        self.save_button = QPushButton(_("Save as new version"))
        self.save_button.clicked.connect(self.save)
        order_row.addWidget(self.save_button)
        layout.addLayout(edit_row)
        layout.addLayout(order_row)
        self.load()

    def load(self) -> None:
        template = self.ctx.runner.read(mapping.current_template)
        self.sections = copy.deepcopy(template.sections)
        self.number = template.number
        self.version.setText(
            _(
                "Version {n} of {date}. Saving stores a new version; cases already mapped keep "
                "the version they were mapped with."
            ).format(n=template.number, date=format_date(template.created_on))
        )
        self._show()

    def _show(self, select: tuple[int, int | None] | None = None) -> None:
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for s_no, section in enumerate(self.sections):
            top = QTreeWidgetItem([section.title, ""])
            top.setFont(0, bold)
            top.setData(0, USER, (s_no, None))
            for q_no, q in enumerate(section.questions):
                kind = q.kind.label + (f": {', '.join(q.choices)}" if q.choices else "")
                child = QTreeWidgetItem([q.text, kind])
                child.setData(0, USER, (s_no, q_no))
                top.addChild(child)
                if select == (s_no, q_no):
                    self.tree.setCurrentItem(child)
            self.tree.addTopLevelItem(top)
            if select == (s_no, None):
                self.tree.setCurrentItem(top)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def _selected(self) -> tuple[int, int | None] | None:
        item = self.tree.currentItem()
        return item.data(0, USER) if item else None

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def add_section(self, title: str | None = None) -> None:
        if title is None:
            dialog = SectionDialog("", self)
            if not dialog.exec():
                return
            title = dialog.result_value
        self.sections.append(Section(title, []))
        self._show((len(self.sections) - 1, None))

    def add_question(self, question: Question | None = None) -> None:
        where = self._selected()
        if where is None or not self.sections:
            self._say(_("Choose the section the question belongs to."), ok=False)
            return
        if question is None:
            dialog = QuestionDialog(None, self)
            if not dialog.exec():
                return
            question = dialog.result_value
        taken = {q.key for s in self.sections for q in s.questions}
        question.key = new_question_key(question.text, taken)
        section = self.sections[where[0]]
        section.questions.append(question)
        self._show((where[0], len(section.questions) - 1))

    def edit(self) -> None:
        where = self._selected()
        if where is None:
            return
        s_no, q_no = where
        if q_no is None:
            dialog = SectionDialog(self.sections[s_no].title, self)
            if dialog.exec():
                self.sections[s_no].title = dialog.result_value
        else:
            dialog = QuestionDialog(self.sections[s_no].questions[q_no], self)
            if dialog.exec():
                self.sections[s_no].questions[q_no] = dialog.result_value
        self._show(where)

    def remove(self) -> None:
        where = self._selected()
        if where is None:
            return
        s_no, q_no = where
        if q_no is None:
            del self.sections[s_no]
        else:
            del self.sections[s_no].questions[q_no]
        self._show()

    def move(self, step: int) -> None:
        where = self._selected()
        if where is None:
            return
        s_no, q_no = where
        items = self.sections if q_no is None else self.sections[s_no].questions
        index = s_no if q_no is None else q_no
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            self._show((target, None) if q_no is None else (s_no, target))

    def save(self) -> bool:
        try:
            saved = self.ctx.runner.run(mapping.save_template, self.sections, today())
        except OperationFailed as exc:
            self._say("\n".join([exc.message, *exc.problems.values()]), ok=False)
            return False
        if saved.number == self.number:
            self._say(_("Nothing has changed in the template."))
        else:
            self._say(_("Saved as version {n}.").format(n=saved.number))
        self.load()
        return True


class ListsEditor(QGroupBox):
    def __init__(self, ctx: AppContext):
        super().__init__(_("Lists for case work"))
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.which = QComboBox()
        for key in OptionList:
            self.which.addItem(key.label, key)
        self.which.currentIndexChanged.connect(lambda *_a: self.refresh())
        layout.addWidget(self.which)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [_("Value"), _("Status"), _("Out in activity"), _("Work or studies")]
        )
        self.tree.itemDoubleClicked.connect(lambda *_a: self.edit())
        layout.addWidget(self.tree, 1)
        hint = QLabel(
            _("A retired value is not offered for new records but still shows on old ones.")
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.new_button = QPushButton(_("New value…"))
        self.new_button.clicked.connect(lambda: self.new(False))
        self.sub_button = QPushButton(_("New sub-route…"))
        self.sub_button.clicked.connect(lambda: self.new(True))
        self.edit_button = QPushButton(_("Rename or retire…"))
        self.edit_button.clicked.connect(self.edit)
        for b in (self.new_button, self.sub_button, self.edit_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.runner.changed.connect(
            lambda kinds: self.refresh() if Change.CASE_OPTION in kinds else None
        )
        self.refresh()

    def list_key(self) -> OptionList:
        return OptionList(self.which.currentData())

    def refresh(self) -> None:
        self.options = self.ctx.runner.read(case_options.list_options, self.list_key(), True)
        self.tree.clear()
        tops: dict[int, QTreeWidgetItem] = {}
        for o in self.options:
            item = QTreeWidgetItem(
                [
                    o.name,
                    _("Active") if o.active else _("Retired"),
                    _("Yes") if o.in_activity else "",
                    _("Yes") if o.work_or_studies else "",
                ]
            )
            item.setData(0, USER, o.id)
            if o.parent_id and o.parent_id in tops:
                tops[o.parent_id].addChild(item)
            else:
                tops[o.id] = item
                self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        exit_routes = self.list_key() is OptionList.EXIT_ROUTE
        self.sub_button.setVisible(exit_routes)
        for column in (2, 3):
            self.tree.setColumnHidden(column, not exit_routes)

    def selected(self) -> Option | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return next((o for o in self.options if o.id == item.data(0, USER)), None)

    def new(self, sub: bool) -> OptionDialog | None:
        parent_id = None
        if sub:
            chosen = self.selected()
            if chosen is None:
                return None
            parent_id = chosen.parent_id or chosen.id
        dialog = OptionDialog(self.ctx, Option(None, self.list_key(), "", parent_id), self)
        dialog.open()
        return dialog

    def edit(self) -> OptionDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = OptionDialog(self.ctx, chosen, self)
        dialog.open()
        return dialog


class StatisticsSettingsRow(QWidget):
    """What the statistics hold the team's figures against and how they print them: the
    deltagarenkät goal (the share answering 4 or 5) and the decimals of shares."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(_("Participant survey: goal for satisfied (score 4–5)")), 0, 0)
        self.goal = spin(ctx.runner.read(surveys.survey_goal), 1, 100)
        self.goal.setSuffix(" %")
        self.goal.setToolTip(_("The statistics hold the share answering 4 or 5 against this goal."))
        grid.addWidget(self.goal, 0, 1)
        rounding = ctx.runner.read(statistics.configured_rounding)
        grid.addWidget(QLabel(_("Decimals in shares of the whole")), 1, 0)
        self.share_decimals = spin(rounding.share_decimals, 0, 3)
        self.share_decimals.setToolTip(_("54,4 % with one decimal (as the board reports print)"))
        grid.addWidget(self.share_decimals, 1, 1)
        grid.addWidget(QLabel(_("in cross-tables")), 1, 2)
        self.cross_decimals = spin(rounding.cross_decimals, 0, 3)
        self.cross_decimals.setToolTip(_("47 % with no decimals (as the board reports print)"))
        grid.addWidget(self.cross_decimals, 1, 3)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Save the goal and the decimals of the statistics"))
        self.save_button.clicked.connect(self.save)
        grid.addWidget(self.save_button, 1, 4)
        self.message = QLabel()
        grid.addWidget(self.message, 1, 5)
        grid.setColumnStretch(6, 1)

    def save(self) -> bool:
        try:
            self.ctx.runner.run(surveys.set_survey_goal, self.goal.value())
            self.ctx.runner.run(
                statistics.set_rounding,
                self.share_decimals.value(),
                self.cross_decimals.value(),
            )
        except OperationFailed as exc:
            self.message.setText(" ".join([exc.message, *exc.problems.values()]))
            return False
        self.message.setText(_("Saved."))
        return True


class CaseworkSettingsTab(QWidget):
    """The settings tab for case work (template and lists)."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.statistics_settings = StatisticsSettingsRow(ctx)
        layout.addWidget(self.statistics_settings)
        split = QSplitter()
        self.template = TemplateEditor(ctx)
        self.lists = ListsEditor(ctx)
        split.addWidget(self.template)
        split.addWidget(self.lists)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
