"""Import earlier participants from a spreadsheet: choose, look at the preview, confirm.

The same dialog imports a local model's (krans) aktualiseringar: a row whose insats
follows a local model is an aktualisering with its beredning decision and outcome.
Nothing is written until the user presses Import. Rejected rows are listed with row
number, column and reason, so the file can be corrected and imported again (rows
already in the program are recognised by personnummer, insats and arrival date).
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
from finsam_desktop.services.participant_import import (
    ImportFileError,
    ImportPreview,
    ImportResult,
    import_rows,
    krans_summary,
    preview_import,
    result_text,
)
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.forms import SAVED_STYLE, BusyCursor, banner
from finsam_desktop.ui.operations import OperationFailed

PREVIEW_ROWS = 500  # the preview shows the first rows; the import takes them all


class ParticipantImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(_("Import earlier participants"))
        self.resize(1000, 620)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Choose an Excel workbook (.xlsx) or a CSV file with one referral per row: "
                "Personnummer, Namn, Kön, Utländsk bakgrund, Insats, Hemkommun, Remitterande "
                "part, Ankomstdatum, Beslut, Inskriven, Avslutad, Avslutsorsak and the "
                "situation at entry and exit. For an insats that follows a local model a row is "
                "an aktualisering: Aktualiserad, Part, Beslut, Destination, Utfall and "
                "Avslutad. You see what will be imported before anything is saved; the manual "
                "lists every accepted column and value."
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
            [
                _("Row"),
                _("Personal identity number"),
                _("Name"),
                _("Gender"),
                _("Foreign background"),
                _("Insats"),
                _("Arrived"),
                _("Decision"),
                _("Enrolled"),
                _("Closed"),
                _("Exit route or outcome"),
            ]
        )
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
            with BusyCursor():
                self.preview = self.ctx.runner.read(preview_import, path)
        except ImportFileError as exc:
            self.preview = None
            self.summary.clear()
            self.error.setText(str(exc))
            self.error.show()
            return
        self._show(self.preview)

    def _show(self, p: ImportPreview) -> None:
        insatser = {i.id: i.name for i in self.ctx.runner.read(organisation.list_insatser, True)}
        lines = [
            _(
                "{read} rows read: {new} to import ({persons} new persons), "
                "{old} already in the program, {bad} rejected."
            ).format(
                read=p.rows_read,
                new=len(p.rows),
                persons=p.new_persons,
                old=p.already_imported,
                bad=p.rejected_rows,
            )
        ]
        lines.extend(krans_summary(p))
        if p.ignored_columns:
            lines.append(_("Columns not used: {names}").format(names=", ".join(p.ignored_columns)))
        self.summary.setText("\n".join(lines))
        self.summary.setStyleSheet("")
        for row in p.rows[:PREVIEW_ROWS]:
            name = f"{row.last_name}, {row.first_name}" if row.last_name else ""
            self.rows_view.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        str(row.row),
                        row.personnummer.formatted(),
                        name if row.person_id is None else _("(registered)"),
                        row.gender.label if row.gender else "",
                        row.foreign_background.label if row.foreign_background else "",
                        insatser.get(row.insats_id, ""),
                        row.arrived_on.isoformat(),
                        row.decision_text or row.decision.label,
                        row.enrolled_on.isoformat() if row.enrolled_on else "",
                        row.closed_on.isoformat() if row.closed_on else "",
                        row.outcome_text,
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
            ngettext("Import {n} row", "Import {n} rows", len(p.rows)).format(n=len(p.rows))
        )
        self.import_button.setEnabled(bool(p.rows))

    def confirm(self) -> None:
        if self.preview is None or not self.preview.rows:
            return
        try:
            with BusyCursor():
                self.result = self.ctx.runner.run(import_rows, self.preview)
        except OperationFailed as exc:
            self.error.setText("\n".join([exc.message, *exc.problems.values()]))
            self.error.show()
            return
        self.import_button.setEnabled(False)
        self.summary.setText(result_text(self.result))
        self.summary.setStyleSheet(SAVED_STYLE)
