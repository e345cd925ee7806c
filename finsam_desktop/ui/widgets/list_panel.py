"""A searchable, sortable list with New and Edit buttons, on the lazy table model, and
one shared "Export…" that takes what the list shows (filters, sort) to XLSX or CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain import clock
from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.services.access import Permission, may
from finsam_desktop.services.listing import ListQuery
from finsam_desktop.ui.widgets.table_model import LazyTableModel


class ListPanel(QWidget):
    """``on_new()`` and ``on_open(record_id)`` are called by the buttons and double-click."""

    opened = Signal(int)

    def __init__(
        self,
        query: ListQuery,
        on_new: Callable[[], None] | None = None,
        on_open: Callable[[int], None] | None = None,
        new_text: str | None = None,
        parent: QWidget | None = None,
        export: tuple[str, str] | None = None,
        filters: dict | None = None,
    ):
        """``export``: (key for the log, title) to offer "Export…" to XLSX or CSV;
        ``filters``: those the list opens with (``LazyTableModel.set_filter``)."""
        super().__init__(parent)
        self.model = LazyTableModel(query, self, filters)
        self.export_spec = export
        self._on_open = on_open
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        bar.addWidget(self.search, 1)
        # Filters get a row of their own under the search field, so that a list with
        # many of them still fits a 1280-pixel screen.
        self.filters = QHBoxLayout()
        if on_new is not None:
            self.new_button = QPushButton(new_text or _("New…"))
            self.new_button.clicked.connect(on_new)
            bar.addWidget(self.new_button)
        if on_open is not None:
            self.open_button = QPushButton(_("Open…"))
            self.open_button.clicked.connect(self.open_current)
            bar.addWidget(self.open_button)
        if export is not None and may(query.db, Permission.CASEWORK):
            self.export_button = QPushButton(_("Export…"))
            self.export_button.setToolTip(
                _("Save what the list shows, with its filters and sort, as Excel or CSV")
            )
            self.export_button.clicked.connect(self.export_list)
            bar.addWidget(self.export_button)
        layout.addLayout(bar)
        layout.addLayout(self.filters)

        self.view = QTableView()
        self.view.setModel(self.model)
        if query.default_sort is not None:  # show the order the list starts in
            column, descending = query.default_sort
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self.view.horizontalHeader().setSortIndicator(column, order)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(100)  # size columns from a page, not every row
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.view.activated.connect(lambda index: self._open_row(index.row()))
        layout.addWidget(self.view, 1)

        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)  # a capped count completed
        self._update_count()
        self._sized = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            header = self.view.horizontalHeader()
            for column in range(self.model.columnCount() - 1):
                content = self.view.sizeHintForColumn(column)
                width = max(content + 16, header.sectionSizeHint(column), 80)
                self.view.setColumnWidth(column, min(width, 360))

    def _update_count(self) -> None:
        more_than = self.model.more_than()
        if more_than is not None:  # a search counted up to the cap (see LazyTableModel)
            text = _("More than {n} rows").format(n=format_number(more_than))
        else:
            n = self.model.rowCount()
            text = ngettext("{n} row", "{n} rows", n).format(n=format_number(n))
        self.count_label.setText(text)

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None and self._on_open is not None:
            self._on_open(record_id)

    def _open_row(self, row: int) -> None:
        record_id = self.model.id_at(row)
        if record_id is not None and self._on_open is not None:
            self._on_open(record_id)

    def refresh(self) -> None:
        self.model.refresh()

    # --- export ---
    def shown_filters(self) -> list[tuple[str, str]]:
        """The filter row as the user reads it: each label with the value chosen after it."""
        out: list[tuple[str, str]] = []
        label = ""
        for i in range(self.filters.count()):
            widget = self.filters.itemAt(i).widget()
            if isinstance(widget, QLabel):
                label = widget.text().rstrip(":")
            elif isinstance(widget, QComboBox):
                # A filter box's first item names it and means "all" (value None).
                if widget.currentData() is not None:
                    out.append((label or widget.itemText(0), widget.currentText()))
                label = ""
            elif isinstance(widget, QCheckBox):
                if widget.isChecked():
                    out.append((widget.text(), _("Yes")))
                label = ""
        return out

    def state(self):
        state = self.model.state()
        state.shown_filters = self.shown_filters()
        return state

    def export_list(self) -> Path | None:
        """Warn that the file is not encrypted, ask where, write, log."""
        answer = QMessageBox.warning(
            self,
            _("Export the list"),
            _(
                "The file will hold names and is NOT encrypted. Save it only where no "
                "unauthorised person can read it, and delete it when the work is done."
            ),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Ok:
            return None
        key, title = self.export_spec or ("list", _("List"))
        name = f"{key}-{clock.today().isoformat()}.xlsx"
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Export the list"), str(Path.home() / name), "Excel (*.xlsx);;CSV (*.csv)"
        )
        if not path:
            return None
        fmt = "csv" if path.lower().endswith(".csv") or "csv" in chosen.lower() else "xlsx"
        return self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> Path | None:
        from finsam_desktop.services.access import AccessDenied
        from finsam_desktop.services.listing import export_list
        from finsam_desktop.ui.widgets.report_page import could_not_save

        key, title = self.export_spec or ("list", _("List"))
        try:
            export_list(self.model.query, key, title, self.state(), path, fmt)
        except AccessDenied as exc:
            QMessageBox.warning(self, _("Export the list"), str(exc))
            return None
        except OSError:
            could_not_save(self)
            return None
        return path
