"""The shape every import dialog shares: choose a file, read the preview (nothing is
written), see the rows to import and the rejected ones with row, column and reason, then
confirm with the Import button. The lotsärende and participant imports fill it in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from finsam_desktop.i18n import _, format_number
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import banner


class ImportPreviewDialog(QDialog):
    """Subclasses implement ``load(path)`` (read the preview, then ``fill``) and
    ``confirm()`` (import what the preview holds)."""

    def __init__(
        self, ctx: AppContext, title: str, intro: str, headers: Sequence[str], parent=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        self.choose = QPushButton(_("Choose file…"))
        self.choose.clicked.connect(self.choose_file)
        row.addWidget(self.choose)
        self.file_label = QLabel(_("No file chosen."))
        row.addWidget(self.file_label, 1)
        layout.addLayout(row)
        self.error = banner()
        layout.addWidget(self.error)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.rows_view = QTreeWidget()
        self.rows_view.setRootIsDecorated(False)
        self.rows_view.setHeaderLabels(list(headers))
        self.rejected_view = QTreeWidget()
        self.rejected_view.setRootIsDecorated(False)
        self.rejected_view.setHeaderLabels([_("Row"), _("Column"), _("Reason")])
        self.tabs.addTab(self.rows_view, _("To import"))
        self.tabs.addTab(self.rejected_view, _("Rejected rows"))
        layout.addWidget(self.tabs, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.import_button = QPushButton(_("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.confirm)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose a file to import"),
            str(Path.home()),
            _("Spreadsheets (*.xlsx *.csv);;All files (*)"),
        )
        if path:
            self.load(Path(path))

    def start_reading(self, path: Path) -> None:
        """A new file: nothing shown of the last one, nothing to import yet."""
        self.file_label.setText(str(path))
        self.error.hide()
        self.import_button.setEnabled(False)
        self.rows_view.clear()
        self.rejected_view.clear()

    def refuse_file(self, message: str) -> None:
        """The file could not be read (or reading was cancelled): say so, keep nothing."""
        self.preview = None
        self.summary.clear()
        self.show_error(message)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def show_failure(self, exc: OperationFailed) -> None:
        self.show_error("\n".join([exc.message, *exc.problems.values()]))

    def fill(
        self,
        rows: Sequence[Sequence[str]],
        rejected: Sequence,
        to_import: int,
        rejected_rows: int,
        button_text: str,
    ) -> None:
        """Show the preview: the rows to import, the rejections (row, column, reason),
        the counts on the tabs and the Import button."""
        for cells in rows:
            self.rows_view.addTopLevelItem(QTreeWidgetItem(list(cells)))
        for r in rejected:
            self.rejected_view.addTopLevelItem(
                QTreeWidgetItem([str(r.row), r.column or "–", r.reason])
            )
        for view in (self.rows_view, self.rejected_view):
            for column in range(view.columnCount() - 1):
                view.resizeColumnToContents(column)
        self.tabs.setTabText(0, _("To import ({n})").format(n=format_number(to_import)))
        self.tabs.setTabText(1, _("Rejected rows ({n})").format(n=format_number(rejected_rows)))
        if rejected and not rows:
            self.tabs.setCurrentIndex(1)
        self.import_button.setText(button_text)
        self.import_button.setEnabled(bool(to_import))
