"""Handlingsplan: the current version, every earlier version, comparison, revision and
follow-up, and printing with signature lines."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.clock import today
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.domain.plans import Goal, GoalStatus, PlannedInsats, PlanRevision
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import casework, plans
from finsam_desktop.ui.pages.case.printout import present_pdf
from finsam_desktop.ui.widgets.choices import (
    OptionalDate,
    fit_columns,
    my_staff_id,
    option_items,
    staff_items,
    to_date,
)
from finsam_desktop.ui.widgets.forms import FormDialog, banner, choice, date_edit
from finsam_desktop.ui.widgets.table_model import USER


class GoalRow(QWidget):
    def __init__(self, goal: Goal, on_remove):
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QLineEdit(goal.text)
        self.text.setPlaceholderText(_("Goal"))
        self.status = choice([(s.label, s) for s in GoalStatus], goal.status)
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(lambda: on_remove(self))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(remove)

    def goal(self) -> Goal:
        return Goal(self.text.text(), GoalStatus(self.status.currentData()))


class InsatsRow(QFrame):
    """One planned insats on two lines: what, then who and when."""

    def __init__(self, ctx, item: PlannedInsats, on_remove):
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.type = choice(
            option_items(ctx, OptionList.INSATS_TYPE, item.type_id),
            item.type_id,
            empty=_("(choose type)"),
        )
        self.description = QLineEdit(item.description)
        self.description.setPlaceholderText(_("Description"))
        self.responsible = choice(
            staff_items(ctx, item.responsible_id), item.responsible_id, empty=_("(responsible)")
        )
        self.starts = OptionalDate(item.starts_on, _("from"))
        self.ends = OptionalDate(item.ends_on, _("to"))
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(lambda: on_remove(self))
        layout.addWidget(self.type, 0, 0)
        layout.addWidget(self.description, 0, 1, 1, 3)
        layout.addWidget(remove, 0, 4)
        layout.addWidget(self.responsible, 1, 0)
        layout.addWidget(self.starts, 1, 1)
        layout.addWidget(self.ends, 1, 2)
        layout.setColumnStretch(3, 1)

    def item(self) -> PlannedInsats:
        return PlannedInsats(
            self.type.currentData(),
            self.description.text(),
            self.responsible.currentData(),
            self.starts.value(),
            self.ends.value(),
        )


class PlanDialog(FormDialog):
    """A new version of the plan, starting from the current one (nothing is overwritten)."""

    def __init__(self, screen, current: PlanRevision | None, follow_up: bool, parent=None):
        title = _("Record follow-up of the action plan") if follow_up else _("Revise action plan")
        super().__init__(title if current else _("New action plan"), parent)
        self.setMinimumWidth(900)
        self.screen = screen
        self.based_on = current.number if current else 0
        self.made_on = self.add_field("made_on", _("Date"), date_edit(today()))
        me = my_staff_id(screen.ctx) or screen.case.contact_person_id
        self.made_by = self.add_field(
            "made_by_id", _("Made by"), choice(staff_items(screen.ctx), me, empty="–")
        )
        self.follow_up = self.add_field(
            "is_follow_up", _("Follow-up"), QCheckBox(_("This version records a follow-up"))
        )
        self.follow_up.setChecked(follow_up)
        self.goal_box = QVBoxLayout()
        goals = QWidget()
        goals.setLayout(self.goal_box)
        self.add_field("goals", _("Goals"), goals)
        add_goal = QPushButton(_("Add goal"))
        add_goal.clicked.connect(lambda: self.add_goal(Goal("")))
        self.fields.layout_form.addRow("", add_goal)
        self.insats_box = QVBoxLayout()
        insatser = QWidget()
        insatser.setLayout(self.insats_box)
        self.add_field("insatser", _("Planned insatser"), insatser)
        add_insats = QPushButton(_("Add insats"))
        add_insats.clicked.connect(lambda: self.add_insats(PlannedInsats(None)))
        self.fields.layout_form.addRow("", add_insats)
        self.note = self.add_field("note", _("Note"), QPlainTextEdit())
        self.note.setFixedHeight(60)
        self.goal_rows: list[GoalRow] = []
        self.insats_rows: list[InsatsRow] = []
        for goal in current.goals if current else [Goal("")]:
            self.add_goal(goal)
        for item in current.insatser if current else []:
            self.add_insats(item)
        self.fields.dirty = False  # filled in from the current version, nothing typed yet

    def add_goal(self, goal: Goal) -> GoalRow:
        row = GoalRow(goal, self._remove_goal)
        self.goal_rows.append(row)
        self.goal_box.addWidget(row)
        row.text.textEdited.connect(self.mark_dirty)
        return row

    def _remove_goal(self, row: GoalRow) -> None:
        self.goal_rows.remove(row)
        row.deleteLater()
        self.mark_dirty()

    def add_insats(self, item: PlannedInsats) -> InsatsRow:
        row = InsatsRow(self.screen.ctx, item, self._remove_insats)
        self.insats_rows.append(row)
        self.insats_box.addWidget(row)
        row.description.textEdited.connect(self.mark_dirty)
        return row

    def _remove_insats(self, row: InsatsRow) -> None:
        self.insats_rows.remove(row)
        row.deleteLater()
        self.mark_dirty()

    def save(self) -> PlanRevision:
        revision = PlanRevision(
            None,
            self.screen.participation_id,
            0,
            to_date(self.made_on),
            [r.goal() for r in self.goal_rows],
            [r.item() for r in self.insats_rows],
            self.note.toPlainText(),
            self.follow_up.isChecked(),
            self.made_by.currentData(),
        )
        return self.screen.run(plans.save_revision, revision, today(), self.based_on)


class CompareDialog(QDialog):
    """An earlier version beside the current one; changed lines are marked."""

    COLOURS = {
        "added": QColor(220, 245, 220),
        "removed": QColor(250, 225, 225),
        "changed": QColor(255, 244, 206),
    }

    def __init__(self, old: PlanRevision, new: PlanRevision, changes, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Compare action plan versions"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _("Version {a} ({da}) compared with version {b} ({db})").format(
                    a=old.number,
                    da=format_date(old.made_on),
                    b=new.number,
                    db=format_date(new.made_on),
                )
            )
        )
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                _("Part"),
                _("Version {n}").format(n=old.number),
                _("Version {n}").format(n=new.number),
            ]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        part_names = {"goal": _("Goal"), "insats": _("Insats")}
        for change in changes:
            item = QTreeWidgetItem([part_names[change.part], change.before, change.after])
            item.setToolTip(1, change.before)
            item.setToolTip(2, change.after)
            colour = self.COLOURS.get(change.kind)
            if colour is not None:
                for column in range(3):
                    item.setBackground(column, colour)
            self.tree.addTopLevelItem(item)
        self.tree.setColumnWidth(0, 80)
        self.tree.setColumnWidth(1, 380)
        layout.addWidget(self.tree)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class PlanTab(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self.revisions: list[PlanRevision] = []
        outer = QVBoxLayout(self)
        self.message = banner()
        outer.addWidget(self.message)
        self.follow_up_label = QLabel()
        outer.addWidget(self.follow_up_label)
        split = QSplitter()
        self.versions = QTreeWidget()
        self.versions.setHeaderLabels([_("Version"), _("Date"), _("Kind"), _("Made by")])
        self.versions.setRootIsDecorated(False)
        self.versions.currentItemChanged.connect(lambda *_a: self._show_selected())
        split.addWidget(self.versions)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.version_title = QLabel()
        rl.addWidget(self.version_title)
        self.goals = QTreeWidget()
        self.goals.setHeaderLabels([_("Goal"), _("Status")])
        self.goals.setRootIsDecorated(False)
        rl.addWidget(self.goals, 1)
        self.insatser = QTreeWidget()
        self.insatser.setHeaderLabels(
            [_("Type"), _("Description"), _("Responsible"), _("Start"), _("End")]
        )
        self.insatser.setRootIsDecorated(False)
        rl.addWidget(self.insatser, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        rl.addWidget(self.note)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 800])  # the version list shows all four columns
        outer.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.revise_button = QPushButton(_("Revise plan…"))
        self.revise_button.clicked.connect(lambda: self.revise(False))
        self.follow_up_button = QPushButton(_("Record follow-up…"))
        self.follow_up_button.clicked.connect(lambda: self.revise(True))
        self.compare_button = QPushButton(_("Compare with current"))
        self.compare_button.clicked.connect(self.compare)
        self.print_button = QPushButton(_("Print this version…"))
        self.print_button.clicked.connect(self.print_plan)
        for b in (self.revise_button, self.follow_up_button, self.compare_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        outer.addLayout(buttons)

    def refresh(self) -> None:
        case = self.screen.case
        self.revisions = self.screen.read(plans.list_revisions, self.screen.participation_id)
        self.follow_up_label.setText(
            _("Next follow-up: {date}").format(date=format_date(case.next_follow_up))
        )
        self.versions.clear()
        for r in self.revisions:
            kind = _("Follow-up") if r.is_follow_up else _("Revision")
            if r.number == 1:
                kind = _("First plan")
            item = QTreeWidgetItem([str(r.number), format_date(r.made_on), kind, r.made_by_name])
            item.setData(0, USER, r.id)
            self.versions.addTopLevelItem(item)
        fit_columns(self.versions)
        if self.revisions:
            self.versions.setCurrentItem(self.versions.topLevelItem(0))
        self._show_selected()
        has_plan = bool(self.revisions)
        self.revise_button.setText(_("Revise plan…") if has_plan else _("Write the plan…"))
        self.revise_button.setEnabled(case.is_open)
        self.follow_up_button.setEnabled(case.is_open and has_plan)
        self.compare_button.setEnabled(len(self.revisions) > 1)
        self.print_button.setEnabled(has_plan)

    def selected(self) -> PlanRevision | None:
        item = self.versions.currentItem()
        if item is None:
            return None
        wanted = item.data(0, USER)
        return next((r for r in self.revisions if r.id == wanted), None)

    def _show_selected(self) -> None:
        revision = self.selected()
        self.goals.clear()
        self.insatser.clear()
        if revision is None:
            self.version_title.setText(_("No action plan yet."))
            self.note.setText("")
            return
        current = " " + _("(current)") if revision is self.revisions[0] else ""
        self.version_title.setText(
            "<b>"
            + _("Version {n} of {date}").format(
                n=revision.number, date=format_date(revision.made_on)
            )
            + current
            + "</b>"
        )
        for g in revision.goals:
            self.goals.addTopLevelItem(QTreeWidgetItem([g.text, g.status.label]))
        for i in revision.insatser:
            self.insatser.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        i.type_name,
                        i.description,
                        i.responsible_name,
                        format_date(i.starts_on),
                        format_date(i.ends_on),
                    ]
                )
            )
        self.goals.setColumnWidth(0, 420)
        fit_columns(self.insatser)
        self.note.setText(revision.note)

    def revise(self, follow_up: bool) -> PlanDialog:
        current = self.revisions[0] if self.revisions else None
        dialog = PlanDialog(self.screen, current, follow_up, self)
        dialog.open()
        return dialog

    def compare(self) -> CompareDialog | None:
        chosen = self.selected()
        if chosen is None or len(self.revisions) < 2:
            return None
        current = self.revisions[0]
        if chosen is current:
            chosen = self.revisions[1]
        changes = self.screen.read(plans.compare, chosen.id, current.id)
        dialog = CompareDialog(chosen, current, changes, self)
        dialog.open()
        return dialog

    def plan_pdf_bytes(self) -> bytes:
        from finsam_desktop.reports.plan_pdf import plan_pdf

        revision = self.selected() or self.revisions[0]
        return plan_pdf(self.screen.case, revision, today(), self.screen.case.next_follow_up)

    def print_plan(self) -> None:
        revision = self.selected()
        if revision is None:
            return
        name = _("action-plan-{name}-v{n}.pdf").format(
            name=self.screen.case.person_name, n=revision.number
        )
        if present_pdf(self, _("Action plan"), name, self.plan_pdf_bytes()):
            self.screen.ctx.runner.run(
                casework.record_printout, self.screen.participation_id, "plan"
            )
