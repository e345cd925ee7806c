"""Import earlier participants from a spreadsheet: choose, look at the preview, confirm.

The same dialog imports a local model's (krans) aktualiseringar: a row whose insats
follows a local model is an aktualisering with its beredning decision and outcome.
Nothing is written until the user presses Import. Rejected rows are listed with row
number, column and reason, so the file can be corrected and imported again (rows
already in the program are recognised by personnummer, insats and arrival date).
"""

from __future__ import annotations

from pathlib import Path

from finsam_desktop.i18n import _, format_number, ngettext
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
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import SAVED_STYLE, BusyCursor
from finsam_desktop.ui.widgets.import_preview import ImportPreviewDialog

PREVIEW_ROWS = 500  # the preview shows the first rows; the import takes them all


class ParticipantImportDialog(ImportPreviewDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(
            ctx,
            _("Import earlier participants"),
            _(
                "Choose an Excel workbook (.xlsx) or a CSV file with one referral per row: "
                "Personnummer, Namn, Kön, Utländsk bakgrund, Insats, Hemkommun, Remitterande "
                "part, Ankomstdatum, Beslut, Inskriven, Avslutad, Avslutsorsak and the "
                "situation at entry and exit. For an insats that follows a local model a row is "
                "an aktualisering: Aktualiserad, Part, Beslut, Destination, Utfall and "
                "Avslutad. You see what will be imported before anything is saved; the manual "
                "lists every accepted column and value."
            ),
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
            ],
            parent,
        )
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.resize(1000, 620)

    def load(self, path: Path) -> None:
        """Read ``path`` and show the preview; writes nothing."""
        self.start_reading(path)
        try:
            with BusyCursor():
                self.preview = self.ctx.runner.read(preview_import, path)
        except ImportFileError as exc:
            self.refuse_file(str(exc))
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
        rows = []
        for row in p.rows[:PREVIEW_ROWS]:
            name = f"{row.last_name}, {row.first_name}" if row.last_name else ""
            rows.append(
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
        self.fill(
            rows,
            p.rejected,
            len(p.rows),
            p.rejected_rows,
            ngettext("Import {n} row", "Import {n} rows", len(p.rows)).format(
                n=format_number(len(p.rows))
            ),
        )

    def confirm(self) -> None:
        if self.preview is None or not self.preview.rows:
            return
        try:
            with BusyCursor():
                self.result = self.ctx.runner.run(import_rows, self.preview)
        except OperationFailed as exc:
            self.show_failure(exc)
            return
        self.import_button.setEnabled(False)
        self.summary.setText(result_text(self.result))
        self.summary.setStyleSheet(SAVED_STYLE)
