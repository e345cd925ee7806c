"""Kommande on Översikt: one ISO week of booked informationsmöten, kartläggningssamtal,
plan follow-ups and closing meetings, for the whole team or one coordinator, with
previous / next week (services/coming_week.py computes it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from finsam_desktop.domain.casework import iso_week_start
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.organisation import Staff
from finsam_desktop.i18n import N_, _, format_date, format_number, ngettext
from finsam_desktop.services import coming_week
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.choices import fit_columns, my_staff_id
from finsam_desktop.ui.widgets.table_model import USER

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


class ComingWeek(QGroupBox):
    def __init__(self, ctx: AppContext, open_case: Callable[[int], object]):
        """The team to choose from is given by ``fill_staff`` (Översikt reads it once for
        its own choice too)."""
        super().__init__(_("Coming"))
        self.ctx = ctx
        self.open_case = open_case
        self.monday = iso_week_start(today())
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip(_("Previous week"))
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip(_("Next week"))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.this_week_button = QPushButton(_("This week"))
        self.this_week_button.clicked.connect(self.this_week)
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(36)
        self.week_label = QLabel()
        # The week's dates give way before Översikt grows wider than a small window.
        self.week_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.week_label.setMinimumWidth(90)
        self.week_label.setWordWrap(True)  # on two lines rather than cut off
        self.staff = QComboBox()
        self.staff.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.staff.setMinimumContentsLength(12)
        self.staff.activated.connect(lambda _i: self.refresh())
        bar.addWidget(self.previous_button)
        bar.addWidget(self.week_label, 1)
        bar.addWidget(self.next_button)
        layout.addLayout(bar)
        who = QHBoxLayout()  # a row of its own: Översikt stays narrow enough for 1280 px
        who.addWidget(self.this_week_button)
        who.addWidget(self.staff, 1)
        layout.addLayout(who)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Day"), _("Time"), _("What"), _("Participant"), _("Staff")])
        # A week of a whole team has hundreds of rows: columns sized from the first ones.
        self.tree.header().setResizeContentsPrecision(100)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._open)
        self.tree.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.tree, 1)
        self.empty = QLabel()
        layout.addWidget(self.empty)

    def fill_staff(self, staff: list[Staff]) -> None:
        """The team to choose from, the whole team first."""
        current = self.staff.currentData() if self.staff.count() else my_staff_id(self.ctx)
        self.staff.clear()
        self.staff.addItem(_("The whole team"), None)
        for s in staff:
            self.staff.addItem(s.name, s.id)
        self.staff.setCurrentIndex(max(self.staff.findData(current), 0))

    def choose_staff(self, staff_id: int | None) -> None:
        self.staff.setCurrentIndex(max(self.staff.findData(staff_id), 0))
        self.refresh()

    def go(self, weeks: int) -> None:
        self.monday += timedelta(weeks=weeks)
        self.refresh()

    def this_week(self) -> None:
        self.monday = iso_week_start(today())
        self.refresh()

    def events_read(self) -> tuple:
        """The read of the week shown and the staff chosen, as ``OperationRunner.read``
        takes it (Översikt reads it together with its own)."""
        return coming_week.week_events, self.monday, self.staff.currentData()

    def refresh(self) -> None:
        self.show_week(self.ctx.runner.read(*self.events_read()))

    def show_week(self, events: list[coming_week.WeekEvent]) -> None:
        year, week, _day = self.monday.isocalendar()
        sunday = self.monday + timedelta(days=6)
        self.week_label.setText(
            _("Week {week}: {start} – {end}").format(
                week=week, start=format_date(self.monday), end=format_date(sunday)
            )
        )
        self.week_label.setToolTip(_("ISO week {week} of {year}").format(week=week, year=year))
        self.this_week_button.setEnabled(self.monday != iso_week_start(today()))
        items = []
        days = {day: self._day(day) for day in {e.day for e in events}}  # seven at most
        kinds = {kind: kind.label for kind in {e.kind for e in events}}
        for e in events:
            item = QTreeWidgetItem([days[e.day], e.time, kinds[e.kind], e.participant, e.staff])
            item.setData(0, USER, e.participation_id)
            items.append(item)
        # Put in the tree at once (a team's week has hundreds of rows): laid out once.
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        self.tree.addTopLevelItems(items)
        fit_columns(self.tree)
        self.tree.setUpdatesEnabled(True)
        self.events = events
        self.empty.setText(
            _("Nothing booked this week.")
            if not events
            else ngettext("{n} booked", "{n} booked", len(events)).format(
                n=format_number(len(events))
            )
        )

    @staticmethod
    def _day(day: date) -> str:
        return _(WEEKDAYS[day.weekday()]) + " " + format_date(day)

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        participation_id = item.data(0, USER)
        if participation_id:
            self.open_case(participation_id)
