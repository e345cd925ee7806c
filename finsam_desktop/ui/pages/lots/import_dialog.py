"""Import lotsärenden from a spreadsheet: choose, look at the preview, then confirm.

Nothing is written until the user presses Import; the rejected rows are listed with
row number, column and reason so the file can be corrected and imported again
(rows already imported are recognised and skipped).
"""

from __future__ import annotations

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

from finsam_desktop.i18n import _, ngettext
from finsam_desktop.services import organisation
from finsam_desktop.services.lots_import import (
    ImportFileError,
    ImportPreview,
    ImportResult,
    import_cases,
    preview_import,
)
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.forms import banner
from finsam_desktop.ui.operations import OperationFailed

PREVIEW_ROWS = 500  # the preview shows the first rows; the import takes them all


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(_("Import lotsärenden"))
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Choose an Excel workbook (.xlsx) or a CSV file with one lotsärende per row and "
                "Swedish column headers (Inkom, Kommun, Part, Handläggare, Kön, Födelseår, ...). "
                "You see what will be imported before anything is saved."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
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
        self.rows_view.setHeaderLabels(
            [_("Row"), _("Received"), _("Municipality"), _("Gender"), _("Born"),
             _("Individärende"), _("Closed")]
        )  # fmt: skip
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

    def load(self, path: Path) -> None:
        """Read ``path`` and show the preview; writes nothing."""
        self.file_label.setText(str(path))
        self.error.hide()
        self.import_button.setEnabled(False)
        self.rows_view.clear()
        self.rejected_view.clear()
        try:
            self.preview = self.ctx.runner.read(preview_import, path)
        except ImportFileError as exc:
            self.preview = None
            self.summary.clear()
            self.error.setText(str(exc))
            self.error.show()
            return
        self._show(self.preview)

    def _show(self, p: ImportPreview) -> None:
        names = {m.id: m.name for m in self.ctx.runner.read(organisation.list_municipalities, True)}
        lines = [
            _("{read} rows read: {new} new lotsärenden to import, {old} already imported, "
              "{bad} rejected.").format(
                read=p.rows_read, new=len(p.rows), old=p.already_imported, bad=p.rejected_rows
            )
        ]  # fmt: skip
        for kind, values in p.new_categories.items():
            lines.append(
                _("New values for {list}: {names}").format(list=kind.label, names=", ".join(values))
            )
        if p.ignored_columns:
            lines.append(_("Columns not used: {names}").format(names=", ".join(p.ignored_columns)))
        if p.personal_columns:
            lines.append(
                _("Columns never imported (they would identify the individual): {names}").format(
                    names=", ".join(p.personal_columns)
                )
            )
        self.summary.setText("\n".join(lines))
        for row in p.rows[:PREVIEW_ROWS]:
            c = row.case
            self.rows_view.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        str(row.row),
                        c.received.isoformat() if c.received else "",
                        names.get(c.municipality_id, ""),
                        c.gender.label,
                        str(c.birth_year or ""),
                        _("Yes") if c.individual_case else _("No"),
                        c.closed.isoformat() if c.closed else "",
                    ]
                )
            )
        for r in p.rejected:
            self.rejected_view.addTopLevelItem(
                QTreeWidgetItem([str(r.row), r.column or "–", r.reason])
            )
        for view in (self.rows_view, self.rejected_view):
            for column in range(view.columnCount() - 1):
                view.resizeColumnToContents(column)
        self.tabs.setTabText(0, _("To import ({n})").format(n=len(p.rows)))
        self.tabs.setTabText(1, _("Rejected rows ({n})").format(n=p.rejected_rows))
        if p.rejected and not p.rows:
            self.tabs.setCurrentIndex(1)
        self.import_button.setText(
            ngettext("Import {n} lotsärende", "Import {n} lotsärenden", len(p.rows)).format(
                n=len(p.rows)
            )
        )
        self.import_button.setEnabled(bool(p.rows))

    def confirm(self) -> None:
        if self.preview is None or not self.preview.rows:
            return
        try:
            self.result = self.ctx.runner.run(
                import_cases, self.preview, changes={"lots", "lots_categories"}
            )
        except OperationFailed as exc:
            self.error.setText("\n".join([exc.message, *exc.problems.values()]))
            self.error.show()
            return
        self.import_button.setEnabled(False)
        self.summary.setText(self.result.summary())
        self.accept()
