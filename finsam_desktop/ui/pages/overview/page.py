"""Översikt: the day's work at a glance.

Who sits at the PC (remembered on this PC), everything due (remissvar, plan
follow-ups, contact with the remittent, end of stöd vid studier, participations
ending or past their end, extensions awaiting the styrgrupp), the participants
(mine or everyone's, searchable, from the one lazy list), and each coordinator's
caseload against the insats's cap.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.casework import CaseStatus, Reminder, ReminderKind
from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.organisation import Staff
from finsam_desktop.i18n import _, format_date, format_number, format_week, ngettext
from finsam_desktop.services import casework, organisation, reminders
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.overview.coming_week import ComingWeek
from finsam_desktop.ui.widgets.choices import STAFF_SETTING, my_staff_id
from finsam_desktop.ui.widgets.list_panel import ListPanel
from finsam_desktop.ui.widgets.table_model import USER

OVERDUE = QBrush(QColor(176, 0, 32))
OVER_CAP = QBrush(QColor(176, 0, 32))
SHOWN_PER_KIND = 200  # the rest is counted, not listed: Översikt stays instant
REFRESH_KINDS = {
    Change.CASE,
    Change.REFERRAL,
    Change.PARTICIPATION,
    Change.PERSON,
    Change.STAFF,
    Change.INSATS,
    Change.KRANS,
    Change.MEETING,
}


class OverviewPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("I am:")))
        self.me = QComboBox()
        self.me.setMinimumWidth(220)
        bar.addWidget(self.me)
        self.only_mine = QCheckBox(_("Only my participants"))
        self.only_mine.setChecked(True)
        bar.addWidget(self.only_mine)
        self.status = QComboBox()
        self.status.addItem(_("Enrolled"), CaseStatus.ENROLLED.value)
        self.status.addItem(_("Closed"), CaseStatus.CLOSED.value)
        self.status.addItem(_("All"), None)
        bar.addWidget(self.status)
        bar.addStretch(1)
        layout.addLayout(bar)

        split = QSplitter()
        left = QSplitter(Qt.Orientation.Vertical)
        due_box = QGroupBox(_("Due"))
        dl = QVBoxLayout(due_box)
        self.due = QTreeWidget()
        self.due.setHeaderLabels([_("What"), _("Date"), _("Participant"), _("Detail")])
        self.due.setAlternatingRowColors(True)
        # Up to 200 rows per kind: columns sized from the first rows, not every one.
        self.due.header().setResizeContentsPrecision(100)
        self.due.itemActivated.connect(self._open_due)
        self.due.itemDoubleClicked.connect(self._open_due)
        dl.addWidget(self.due)
        left.addWidget(due_box)
        self.coming = ComingWeek(ctx, self.open_case)
        left.addWidget(self.coming)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.participants_box = QGroupBox(_("Participants"))
        pl = QVBoxLayout(self.participants_box)
        self._fill_team()
        self.participants = ListPanel(
            casework.participation_list(ctx.db),
            on_open=self.open_case,
            export=("overview", _("Overview: participants")),
            filters=self._filters(),  # counted once, as it opens
        )
        self.participants.search.setPlaceholderText(
            _("Search by name or personal identity number…")
        )
        pl.addWidget(self.participants)
        rl.addWidget(self.participants_box, 3)
        load_box = QGroupBox(_("Caseload per coordinator"))
        ll = QVBoxLayout(load_box)
        self.caseload = QTreeWidget()
        self.caseload.setHeaderLabels([_("Coordinator"), _("Insats"), _("Enrolled now"), _("Cap")])
        self.caseload.setRootIsDecorated(False)
        self.caseload.header().setStretchLastSection(False)
        self.caseload.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        ll.addWidget(self.caseload)
        rl.addWidget(load_box, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

        self.me.activated.connect(self._me_changed)
        self.only_mine.toggled.connect(lambda _on: self._apply_filters())
        self.status.activated.connect(lambda _i: self._apply_filters())
        ctx.runner.changed.connect(self._on_changed)
        self._apply_filters(refresh=False)
        self.refresh()

    # --- who am I ---
    def _fill_team(self) -> None:
        """The team, read once for the choice of who I am and for Kommande's."""
        team = self.ctx.runner.read(organisation.list_staff)
        self._fill_me(team)
        self.coming.fill_staff(team)

    def _fill_me(self, team: list[Staff]) -> None:
        current = my_staff_id(self.ctx)
        self.me.clear()
        self.me.addItem(_("(choose yourself)"), None)
        for staff in team:
            self.me.addItem(staff.name, staff.id)
        index = self.me.findData(current)
        self.me.setCurrentIndex(max(index, 0))

    def _me_changed(self, _index: int) -> None:
        self.ctx.settings.setValue(STAFF_SETTING, self.me.currentData() or "")
        self.coming.choose_staff(self.me.currentData())
        self._apply_filters()

    def staff_filter(self) -> int | None:
        return self.me.currentData() if self.only_mine.isChecked() else None

    def _filters(self) -> dict:
        return {"staff_id": self.staff_filter(), "status": self.status.currentData()}

    def _apply_filters(self, refresh: bool = True) -> None:
        model = self.participants.model
        for key, value in self._filters().items():
            model.set_filter(key, value)
        title = _("My participants") if self.staff_filter() else _("Participants")
        self.participants_box.setTitle(title)
        if refresh:
            self.refresh_due()

    # --- refreshing ---
    def _on_changed(self, kinds: frozenset[Change]) -> None:
        if Change.STAFF in kinds:
            self._fill_team()
        if kinds & REFRESH_KINDS:
            self.participants.refresh()
            self.refresh()

    def refresh(self) -> None:
        day = today()
        found = self.ctx.runner.read_together(
            {
                "federation": (organisation.get_federation,),
                "due": self._due_read(day),
                "caseload": (casework.caseload,),
                "week": self.coming.events_read(),
            }
        )
        name = found["federation"].name or _("No förbund set up yet: start in Settings.")
        title = _("Overview")
        self.heading.setText(
            f"<h2>{title}</h2><p>{name}<br>{format_date(day)}, {format_week(day)}</p>"
        )
        self._show_due(found["due"], day)
        self._show_caseload(found["caseload"])
        self.coming.show_week(found["week"])

    def _due_read(self, day: date) -> tuple:
        return reminders.due_summary, day, self.staff_filter(), SHOWN_PER_KIND

    def refresh_due(self) -> None:
        day = today()
        self._show_due(self.ctx.runner.read(*self._due_read(day)), day)

    def _show_due(self, found: dict[ReminderKind, reminders.Due], day: date) -> None:
        bold = QFont()
        bold.setBold(True)
        groups = []
        texts: dict[date, tuple[str, str]] = {}  # by due day: most share theirs with others
        for kind in ReminderKind:
            due = found.get(kind)
            if due is None or not due.total:
                continue
            group = QTreeWidgetItem([f"{kind.label} ({due.total})"])
            group.setFont(0, bold)
            children = [self._due_item(reminder, day, texts) for reminder in due.items]
            if due.total > len(due.items):
                more = due.total - len(due.items)
                text = ngettext("… and {n} more", "… and {n} more", more).format(
                    n=format_number(more)
                )
                children.append(QTreeWidgetItem([text]))
            group.addChildren(children)
            groups.append(group)
        if not groups:
            groups.append(QTreeWidgetItem([_("Nothing is due. Well done!")]))
        # Built apart and put in the tree at once: the tree lays its rows out once, not
        # again for every group spanned and expanded (1,400 rows at 100,000 participants).
        self.due.setUpdatesEnabled(False)
        self.due.clear()
        self.due.addTopLevelItems(groups)
        for group in groups:
            group.setFirstColumnSpanned(True)
        self.due.expandAll()
        for column in range(3):
            self.due.resizeColumnToContents(column)
        self.due.setUpdatesEnabled(True)

    def _due_item(
        self, reminder: Reminder, day: date, texts: dict[date, tuple[str, str]]
    ) -> QTreeWidgetItem:
        """``texts``: when and the date, by due day, of the reminders made before."""
        known = texts.get(reminder.due_on)
        if known is None:
            known = texts[reminder.due_on] = (
                _when(reminder.due_on, day),
                format_date(reminder.due_on),
            )
        item = QTreeWidgetItem([*known, reminder.person_name, reminder.detail])
        item.setData(
            0, USER, (reminder.kind.value, reminder.participation_id, reminder.referral_id)
        )
        if reminder.overdue(day):
            for column in range(4):
                item.setForeground(column, OVERDUE)
        return item

    def _show_caseload(self, rows: list[tuple[str, str, int, int]]) -> None:
        self.caseload.clear()
        for staff, insats, count, cap in rows:
            item = QTreeWidgetItem([staff, insats, str(count), str(cap)])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight)
            if count > cap:
                item.setToolTip(2, _("More than the insats's cap of {n}.").format(n=cap))
                for column in range(4):
                    item.setForeground(column, OVER_CAP)
            self.caseload.addTopLevelItem(item)
        for column in (0, 2, 3):
            self.caseload.resizeColumnToContents(column)

    # --- opening ---
    def _open_due(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, USER)
        if not data:
            return
        kind, participation_id, referral_id = data
        if participation_id:
            self.open_case(participation_id)
        elif kind == ReminderKind.OUTCOME_MISSING.value:
            from finsam_desktop.ui.pages.krans.aktualisering_dialog import open_aktualisering

            open_aktualisering(self.ctx, referral_id, self)
        elif kind == ReminderKind.REFERRAL_ANSWER.value:
            window = self.window()
            if hasattr(window, "show_page"):
                window.show_page("referrals")

    def open_case(self, participation_id: int):
        from finsam_desktop.ui.pages.case.case_window import open_case

        return open_case(self.ctx, participation_id, self.window())


def _when(due_on: date, day: date) -> str:
    days = (due_on - day).days
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=format_number(-days))
    if days == 0:
        return _("today")
    return ngettext("in {n} day", "in {n} days", days).format(n=format_number(days))
