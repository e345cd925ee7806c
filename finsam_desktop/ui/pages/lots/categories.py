"""The förbund's lists for lotsärenden (questions, what was done, outcomes) and the
survey goal. A category in use is renamed or retired, never deleted, so that the
summaries of earlier years keep reading the same.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.lots import LotsCategory
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.i18n import _
from finsam_desktop.services import lots
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import FormDialog, confirm, line, spin
from finsam_desktop.ui.widgets.list_panel import ListPanel


class CategoryDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, kind: CategoryKind, category: LotsCategory | None, parent=None
    ):
        super().__init__(
            _("Edit category") if category else _("New category: {list}").format(list=kind.label),
            parent,
        )
        self.ctx, self.kind, self.category = ctx, kind, category
        c = category or LotsCategory(None, kind, "")
        self.name = self.add_field("name", _("Name"), line(c.name, 200))
        self.position = self.add_field("position", _("Order in the list"), spin(c.position, 0, 999))
        self.active = self.add_field(
            "active", _("Status"), QCheckBox(_("In use (uncheck to retire)"))
        )
        self.active.setChecked(c.active)
        self.work = None
        if kind is CategoryKind.OUTCOME:
            self.work = self.add_field(
                "work_or_studies",
                _("Work or studies"),
                QCheckBox(_("Counts as work or studies in the summary")),
            )
            self.work.setChecked(c.work_or_studies)
        if category is not None:
            hint = QLabel(_("Renaming changes the name in every summary, also of earlier years."))
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            self.fields.layout_form.addRow("", hint)

    def save(self) -> LotsCategory:
        c = self.category
        record = LotsCategory(
            c.id if c else None,
            self.kind,
            self.name.text(),
            self.active.isChecked(),
            self.position.value(),
            bool(self.work and self.work.isChecked()),
            c.version if c else 0,
        )
        return self.ctx.runner.run(lots.save_category, record)


class CategoryList(QWidget):
    def __init__(self, ctx: AppContext, kind: CategoryKind, parent=None):
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        layout = QVBoxLayout(self)
        self.panel = ListPanel(
            lots.category_list(ctx.db, kind),
            self.new,
            self.open,
            _("New category…"),
            export=(f"lots-categories-{kind.value}", kind.label),
        )
        self.panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.panel.view.horizontalHeader()
        header.setStretchLastSection(False)  # the name gets the room, not the status
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.panel)
        self.delete_button = QPushButton(_("Delete unused category…"))
        self.delete_button.clicked.connect(self.delete_current)
        self.panel.filters.addWidget(self.delete_button)

    def new(self) -> None:
        CategoryDialog(self.ctx, self.kind, None, self).exec()

    def open(self, category_id: int) -> None:
        category = self.ctx.runner.read(lots.get_category, category_id)
        CategoryDialog(self.ctx, self.kind, category, self).exec()

    def delete_current(self) -> None:
        category_id = self.panel.current_id()
        if category_id is None:
            return
        if not confirm(
            self,
            _("Delete category?"),
            _("Delete the category? Only a category no lotsärende uses can be deleted."),
        ):
            return
        try:
            self.ctx.runner.run(lots.delete_category, category_id)
        except OperationFailed as exc:
            QMessageBox.information(
                self, _("Not deleted"), "\n".join([exc.message, *exc.problems.values()])
            )


class CategoriesTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        intro = QLabel(
            _(
                "The lists are the förbund's common way of categorising lotsärenden. Keep them "
                "stable across years: rename or retire a value instead of replacing it."
            )
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        goal_row = QHBoxLayout()
        goal_row.addWidget(QLabel(_("Goal for satisfied officers (score 4–5), percent:")))
        self.goal = spin(ctx.runner.read(lots.satisfaction_goal), 1, 100)
        goal_row.addWidget(self.goal)
        self.save_goal = QPushButton(_("Save goal"))
        self.save_goal.clicked.connect(self._save_goal)
        goal_row.addWidget(self.save_goal)
        self.goal_message = QLabel()
        goal_row.addWidget(self.goal_message)
        goal_row.addStretch(1)
        outer.addLayout(goal_row)
        # One list at a time, at full width: the names are long Swedish phrases.
        self.list_tabs = QTabWidget()
        self.lists = {kind: CategoryList(ctx, kind) for kind in CategoryKind}
        for kind, widget in self.lists.items():
            self.list_tabs.addTab(widget, kind.label)
        outer.addWidget(self.list_tabs, 1)

    def _save_goal(self) -> None:
        try:
            self.ctx.runner.run(lots.set_satisfaction_goal, self.goal.value())
        except OperationFailed as exc:
            self.goal_message.setText(" ".join([exc.message, *exc.problems.values()]))
            return
        self.goal_message.setText(_("Saved."))

    def refresh(self) -> None:
        for widget in self.lists.values():
            widget.panel.refresh()
