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
from PySide6.QtWidgets import QApplication, QProgressDialog

from finsam_desktop.i18n import _, format_number, ngettext
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
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.import_preview import ImportPreviewDialog


class ImportDialog(ImportPreviewDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(
            ctx,
            _("Import lotsärenden"),
            _(
                "Choose an Excel workbook (.xlsx) or a CSV file with one lotsärende per row and "
                "Swedish column headers (Inkom, Kommun, Part, Handläggare, Kön, Födelseår, ...). "
                "You see what will be imported before anything is saved."
            ),
            [
                _("Row"),
                _("Received"),
                _("Municipality"),
                _("Gender"),
                _("Born"),
                _("Individärende"),
                _("Closed"),
            ],  # fmt: skip
            parent,
        )
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
        self.resize(900, 600)

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
        self.start_reading(path)
        report = self._progress(_("Reading the file: {n} rows…"))
        try:
            self.preview = self.ctx.runner.read(preview_import, path, None, report)
        except (ImportFileError, ImportCancelled) as exc:
            cancelled = _("Reading was cancelled; nothing was imported.")
            self.refuse_file(cancelled if isinstance(exc, ImportCancelled) else str(exc))
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
            lines.append(_("The first {n} are shown below.").format(n=format_number(len(p.rows))))
        if p.rejected_rows > len({r.row for r in p.rejected}):
            lines.append(
                _("(only the first {n} rejections are listed)").format(
                    n=format_number(len(p.rejected))
                )
            )
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
        rows = []
        for row in p.rows[:PREVIEW_ROWS]:
            c = row.case
            rows.append(
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
        self.fill(
            rows,
            p.rejected,
            p.to_import,
            p.rejected_rows,
            ngettext("Import {n} lotsärende", "Import {n} lotsärenden", p.to_import).format(
                n=format_number(p.to_import)
            ),
        )

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
            self.show_failure(exc)
            return
        except ImportFileError as exc:
            self.show_error(str(exc))
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
                ).format(
                    n=format_number(self.result.imported), batch=format_number(self.batch_rows)
                )
            )
            self.error.show()
            self.summary.setText(self.error.text())
            return
        self.summary.setText(self.result.summary())
        self.accept()
