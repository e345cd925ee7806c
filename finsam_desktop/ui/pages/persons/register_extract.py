"""The person dialog's "Registerutdrag…" button: everything about the person as a PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QWidget

from finsam_desktop.i18n import _
from finsam_desktop.services import register_extract
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed


def add_register_extract_button(dialog, ctx: AppContext, person_id: int):
    """Put the button among ``dialog.buttons`` (a FormDialog's button box)."""
    button = dialog.buttons.addButton(
        _("Register extract…"), QDialogButtonBox.ButtonRole.ActionRole
    )
    button.setToolTip(_("Everything the program holds about the person, as a PDF (GDPR art. 15)"))
    button.clicked.connect(lambda: save_register_extract(dialog, ctx, person_id))
    return button


def default_file_name(person_id: int) -> str:
    # No name or personnummer in the file name: file names end up in lists and logs.
    return _("registerutdrag-{id}.pdf").format(id=person_id)


def save_register_extract(
    parent: QWidget, ctx: AppContext, person_id: int, path: str | None = None
) -> Path | None:
    if path is None:
        path, _filter = QFileDialog.getSaveFileName(
            parent,
            _("Save register extract"),
            str(Path.home() / default_file_name(person_id)),
            _("PDF documents (*.pdf)"),
        )
        if not path:
            return None
    from finsam_desktop.reports import register_extract_pdf

    try:
        # Through run(), not read(): making the extract is logged as a printout.
        extract = ctx.runner.run(register_extract.build_extract, person_id)
        register_extract_pdf.write(extract, path)
    except (OperationFailed, OSError) as exc:
        message = (
            exc.message
            if isinstance(exc, OperationFailed)
            else _("The file could not be written: the folder is missing or read-only.")
        )
        QMessageBox.warning(parent, _("Register extract"), message)
        return None
    return Path(path)
