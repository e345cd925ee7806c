"""Due on Översikt: the reminders by kind, as a two-level model for a QTreeView.

A group per kind ("Kind (total)", bold), its first reminders (most urgent first, the
overdue in red) and "… and N more" when not all are listed. The rows' texts are made
when the view asks for them (the rows on screen and the first hundred it sizes the
columns from), not 1,400 tree items built and coloured before the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from finsam_desktop.domain.casework import Reminder, ReminderKind
from finsam_desktop.i18n import _, format_date, ngettext
from finsam_desktop.services.reminders import Due
from finsam_desktop.ui.widgets.table_model import DISPLAY, FOREGROUND, HORIZONTAL, USER

OVERDUE = QBrush(QColor(176, 0, 32))
FONT = Qt.ItemDataRole.FontRole
ROLES = frozenset({DISPLAY, FOREGROUND, FONT, USER})
TOP = 0  # the internal id of a group's index; a reminder's is its group's row + 1
ROOT = QModelIndex()  # the default parent: the invisible root
GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
# A reminder never has rows under it: the view need not ask (1,400 rows at 100,000).
ROW_FLAGS = GROUP_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


@dataclass(frozen=True)
class DueGroup:
    """One kind's row: its title and the reminders listed under it."""

    title: str
    reminders: list[Reminder]
    more: int = 0  # counted, not listed


def due_groups(found: dict[ReminderKind, Due]) -> list[DueGroup]:
    """The groups in the order of ``ReminderKind``, without the kinds with nothing due."""
    groups = []
    for kind in ReminderKind:
        due = found.get(kind)
        if due is None or not due.total:
            continue
        title = f"{kind.label} ({due.total})"
        groups.append(DueGroup(title, due.items, due.total - len(due.items)))
    return groups


def when(reminder: Reminder, day: date) -> str:
    days = (reminder.due_on - day).days
    if days < 0:
        return ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
    if days == 0:
        return _("today")
    return ngettext("in {n} day", "in {n} days", days).format(n=days)


class DueModel(QAbstractItemModel):
    """Groups of reminders; ``UserRole`` on a reminder's first column is (kind,
    participation id, referral id), as the page opens it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers = [_("What"), _("Date"), _("Participant"), _("Detail")]
        self._groups: list[DueGroup] = []
        self._day = date.today()
        self._bold = QFont()
        self._bold.setBold(True)
        self._nothing = False

    def set_groups(self, groups: list[DueGroup], day: date) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self._nothing = not groups
        if self._nothing:
            self._groups = [DueGroup(_("Nothing is due. Well done!"), [])]
        self._day = day
        self.endResetModel()

    def group_titles(self) -> list[str]:
        return [group.title for group in self._groups]

    def reminder(self, index: QModelIndex) -> Reminder | None:
        """The reminder of the row of ``index``; None for a group or "… and N more"."""
        if not index.isValid() or index.internalId() == TOP:
            return None
        reminders = self._groups[index.internalId() - 1].reminders
        return reminders[index.row()] if index.row() < len(reminders) else None

    # --- QAbstractItemModel ---
    def index(self, row: int, column: int, parent=ROOT) -> QModelIndex:
        if not parent.isValid():
            if 0 <= row < len(self._groups) and 0 <= column < 4:
                return self.createIndex(row, column, TOP)
            return QModelIndex()
        if parent.internalId() != TOP or not 0 <= column < 4:
            return QModelIndex()
        if 0 <= row < self._children(parent.row()):
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index=ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, TOP)

    def _children(self, group_row: int) -> int:
        group = self._groups[group_row]
        return len(group.reminders) + (1 if group.more else 0)

    def rowCount(self, parent=ROOT) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != TOP or parent.column() != 0:
            return 0
        return self._children(parent.row())

    def columnCount(self, parent=ROOT) -> int:
        return 4

    def hasChildren(self, parent=ROOT) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation, role=DISPLAY):
        if orientation == HORIZONTAL and role == DISPLAY:
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return GROUP_FLAGS if index.internalId() == TOP else ROW_FLAGS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY):
        if role not in ROLES or not index.isValid():
            return None  # the view asks for a dozen roles per cell it sizes or paints
        column, group_id = index.column(), index.internalId()
        if group_id == TOP:
            if role == DISPLAY:
                return self._groups[index.row()].title if column == 0 else None
            if role == FONT and not self._nothing:
                return self._bold
            return None
        group = self._groups[group_id - 1]
        if index.row() >= len(group.reminders):  # "… and N more"
            if role == DISPLAY and column == 0:
                n = group.more
                return ngettext("… and {n} more", "… and {n} more", n).format(n=n)
            return None
        reminder = group.reminders[index.row()]
        if role == DISPLAY:
            if column == 0:
                return when(reminder, self._day)
            if column == 1:
                return format_date(reminder.due_on)
            if column == 2:
                return reminder.person_name
            return reminder.detail
        if role == FOREGROUND:
            return OVERDUE if reminder.overdue(self._day) else None
        if role == USER and column == 0:
            return (reminder.kind.value, reminder.participation_id, reminder.referral_id)
        return None
