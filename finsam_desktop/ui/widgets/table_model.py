"""The one table model every list in the program uses.

It reads from a services.listing.ListQuery: the row count once per reset, then
pages of rows as the view scrolls to them. Sorting and filtering are handed back
to SQL, never done here (a proxy model over 100,000 Python rows takes 10–16 s).

While a search text is typed the count stops at COUNT_CAP + 1 rows ("more than 1,000"):
the view shows those, and scrolled to the end it asks for more (``fetchMore``), which
counts them all once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from finsam_desktop.i18n import _
from finsam_desktop.services.listing import COUNT_CAP, ListQuery, ListRow

# Enum look-ups cost microseconds each; data() runs for every visible cell.
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
USER = Qt.ItemDataRole.UserRole
HORIZONTAL = Qt.Orientation.Horizontal
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
MUTED = QColor(128, 128, 128)

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50


class LazyTableModel(QAbstractTableModel):
    def __init__(self, query: ListQuery, parent=None, filters: dict[str, Any] | None = None):
        """``filters``: those the list opens with (counted once, with them)."""
        super().__init__(parent)
        self._query = query
        self._search = ""
        self._filters: dict[str, Any] = dict(filters or {})
        self._sort: tuple[int | None, bool] = (None, False)
        self._pages: dict[int, list[ListRow]] = {}
        self._count = query.count("", self._filters)
        self._more = False  # the count stopped at COUNT_CAP + 1: there are more rows
        self._numeric = [c.numeric for c in query.columns]

    # --- what the view asks ---
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._query.columns)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        """The view reached the last row of a capped count: count every match."""
        if parent.isValid() or not self._more:
            return
        exact = self._query.count(self._search, self._filters)
        self._more = False
        if exact > self._count:
            self.beginInsertRows(QModelIndex(), self._count, exact - 1)
            self._count = exact
            self.endInsertRows()
        elif exact < self._count:  # removed meanwhile by someone else: read afresh
            self._reset(recount=False, count=exact)

    def more_than(self) -> int | None:
        """COUNT_CAP while the count stopped there (the list has more rows), else None."""
        return COUNT_CAP if self._more else None

    def headerData(self, section: int, orientation, role=DISPLAY):
        if orientation == HORIZONTAL and role == DISPLAY:
            return _(self._query.columns[section].title)
        return None

    def data(self, index: QModelIndex, role=DISPLAY):
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == DISPLAY:
            value = row.values[index.column()]
            return "" if value is None else str(value)
        if role == FOREGROUND and row.muted:
            return MUTED
        if role == ALIGN and self._numeric[index.column()]:
            return RIGHT
        if role == USER:
            return row.id
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # the header's "no sort indicator": back to insertion order
            wanted = (None, False)
        elif self._query.columns[column].sort is None:
            return
        else:
            wanted = (column, order == Qt.SortOrder.DescendingOrder)
        if wanted != self._sort:
            self._sort = wanted
            self._reset(recount=False)  # the same rows in another order: no new count

    # --- what the screens ask ---
    def row_at(self, row: int) -> ListRow | None:
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            if len(self._pages) >= MAX_CACHED_PAGES:
                self._pages.clear()
            sort_index, descending = self._sort
            page = self._query.page(
                page_no * PAGE_SIZE,
                PAGE_SIZE,
                sort_index,
                descending,
                self._search,
                self._filters,
                self._count,
            )
            self._pages[page_no] = page
        return page[offset] if offset < len(page) else None

    def id_at(self, row: int) -> int | None:
        found = self.row_at(row)
        return found.id if found else None

    def row_of_id(self, record_id: int) -> int | None:
        """The row showing ``record_id`` among the rows already loaded, if any."""
        for page_no, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == record_id:
                    return page_no * PAGE_SIZE + i
        return None

    def state(self):
        """The search, filters and sort the list shows now (for an export)."""
        from finsam_desktop.services.listing import ListState

        sort_index, descending = self._sort
        return ListState(self._search, dict(self._filters), sort_index, descending)

    @property
    def query(self) -> ListQuery:
        return self._query

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self.refresh()

    def set_filter(self, key: str, value: Any) -> None:
        if self._filters.get(key) != value:
            self._filters[key] = value
            self.refresh()

    def refresh(self) -> None:
        """Forget every cached page and count again (after a change or a new filter)."""
        self._reset(recount=True)

    def _reset(self, recount: bool, count: int | None = None) -> None:
        self.beginResetModel()
        self._pages.clear()
        if count is not None:
            self._count = count
        elif recount:
            # A search is counted up to the cap; the whole list (filters only) exactly.
            capped = bool(self._search.strip())
            self._count = self._query.count(self._search, self._filters, capped=capped)
            self._more = capped and self._count > COUNT_CAP
        self.endResetModel()
