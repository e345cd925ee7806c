"""Import lotsärenden from a spreadsheet: choose, look at the preview, then confirm.

Nothing is written until the user presses Import; the rejected rows are listed with
row number, column and reason so the file can be corrected and imported again
(rows already imported are recognised and skipped).

Reading and importing a large file show a progress bar with Avbryt. The import is
committed in batches: after Avbryt the database holds the whole batches written so
far (the message says how many lotsärenden), and importing the same file again adds
the rest.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from finsam_desktop.i18n import _, ngettext
from finsam_desktop.services import organisation
from finsam_desktop.services.lots_import import (
    BATCH_ROWS,
    PREVIEW_ROWS,
    ImportCancelled,
    ImportFileError,
    ImportPreview,
    ImportResult,
    import_in_batches,
    preview_import,
)
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.forms import banner
from finsam_desktop.ui.operations import OperationFailed


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.batch_rows = BATCH_ROWS
        self.progress = QProgressDialog(self)
        self.progress.setWindowTitle(_("Import lotsärenden"))
        self.progress.setCancelButtonText(_("Cancel"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setRange(0, 1000)
        self.progress.reset()
        self.progress.hide()
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

    def _progress(self, label: str):
        """A callback for the service: moves the bar, keeps the window alive and says
        False once Avbryt is pressed."""
        self.progress.reset()
        self.progress.setValue(0)
        self.progress.setLabelText(label.format(n=0))
        self.progress.show()
        last = [0.0]

        def report(rows: int, fraction: float | None) -> bool:
            now = time.monotonic()
            if now - last[0] >= 0.05:
                last[0] = now
                self.progress.setMaximum(0 if fraction is None else 1000)
                self.progress.setValue(0 if fraction is None else int(fraction * 1000))
                self.progress.setLabelText(label.format(n=rows))
                QApplication.processEvents()
            return not self.progress.wasCanceled()

        return report

    def load(self, path: Path) -> None:
        """Read ``path`` and show the preview; writes nothing."""
        self.file_label.setText(str(path))
        self.error.hide()
        self.import_button.setEnabled(False)
        self.rows_view.clear()
        self.rejected_view.clear()
        report = self._progress(_("Reading the file: {n} rows…"))
        try:
            self.preview = self.ctx.runner.read(preview_import, path, None, report)
        except (ImportFileError, ImportCancelled) as exc:
            self.preview = None
            self.summary.clear()
            cancelled = _("Reading was cancelled; nothing was imported.")
            self.error.setText(cancelled if isinstance(exc, ImportCancelled) else str(exc))
            self.error.show()
            return
        finally:
            self.progress.reset()
            self.progress.hide()
        self._show(self.preview)

    def _show(self, p: ImportPreview) -> None:
        names = {m.id: m.name for m in self.ctx.runner.read(organisation.list_municipalities, True)}
        lines = [
            *p.notes,
            _("{read} rows read: {new} new lotsärenden to import, {old} already imported, "
              "{bad} rejected.").format(
                read=p.rows_read, new=p.to_import, old=p.already_imported, bad=p.rejected_rows
            ),
        ]  # fmt: skip
        if p.to_import > len(p.rows):
            lines.append(_("The first {n} are shown below.").format(n=len(p.rows)))
        if p.rejected_rows > len({r.row for r in p.rejected}):
            lines.append(_("(only the first {n} rejections are listed)").format(n=len(p.rejected)))
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
        self.tabs.setTabText(0, _("To import ({n})").format(n=p.to_import))
        self.tabs.setTabText(1, _("Rejected rows ({n})").format(n=p.rejected_rows))
        if p.rejected and not p.rows:
            self.tabs.setCurrentIndex(1)
        self.import_button.setText(
            ngettext("Import {n} lotsärende", "Import {n} lotsärenden", p.to_import).format(
                n=p.to_import
            )
        )
        self.import_button.setEnabled(bool(p.to_import))

    def confirm(self) -> None:
        if self.preview is None or not self.preview.to_import:
            return
        report = self._progress(_("Importing: {n} rows…"))
        try:
            self.result = self.ctx.runner.run_in_batches(
                import_in_batches,
                self.preview,
                report,
                self.batch_rows,
            )
        except OperationFailed as exc:
            self.error.setText("\n".join([exc.message, *exc.problems.values()]))
            self.error.show()
            return
        except ImportFileError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        finally:
            self.progress.reset()
            self.progress.hide()
        self.import_button.setEnabled(False)
        if self.result.cancelled:
            self.error.setText(
                _(
                    "The import was cancelled. {n} lotsärenden were imported (whole batches "
                    "of {batch}); the rest were not. Import the same file again to add the "
                    "rest: the rows already imported are skipped."
                ).format(n=self.result.imported, batch=self.batch_rows)
            )
            self.error.show()
            self.summary.setText(self.error.text())
            return
        self.summary.setText(self.result.summary())
        self.accept()
