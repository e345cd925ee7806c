"""Preview a letter, then print it or save it as PDF. A new letter is recorded on the
case (its exact PDF bytes, what, when, by whom) the first time it is printed or
saved; a letter re-opened from the case shows the recorded bytes unchanged."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from finsam_desktop.i18n import _
from finsam_desktop.services import letter_archive, letters
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import banner, fit_window
from finsam_desktop.ui.widgets.pdf_view import PdfPreview, print_pdf, save_pdf

WARNING_STYLE = "background: #fff4ce; color: #5c4400; padding: 6px; border-radius: 4px;"


class LetterPreviewDialog(QDialog):
    """``composed``: a new letter to record when sent; ``sent_id``: a recorded one."""

    def __init__(
        self,
        ctx: AppContext,
        pdf: bytes,
        title: str,
        composed: letters.ComposedLetter | None = None,
        sent_id: int | None = None,
        on_sent: Callable[[], None] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.pdf = pdf
        self.composed = composed
        self.sent_id = sent_id
        self.on_sent = on_sent
        self.recorded = None
        self.setWindowTitle(title)
        fit_window(self, 900, 740)  # fits a 1280×800 screen; the pages scroll
        layout = QVBoxLayout(self)
        warnings = composed.warnings if composed else []
        self.warning = banner("\n".join(warnings), WARNING_STYLE)
        layout.addWidget(self.warning)
        self.error = banner()
        layout.addWidget(self.error)
        self.preview = PdfPreview()
        self.preview.show_pdf(pdf)
        layout.addWidget(self.preview, 1)
        self.status = QLabel()
        if sent_id is not None:
            self.status.setText(_("This is the letter exactly as it was sent."))
        elif composed is not None:
            self.status.setText(
                _("The letter is recorded on the case when you print it or save it.")
            )
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_letter)
        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.clicked.connect(self.save_letter)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def suggested_name(self) -> str:
        reference = self.composed.reference if self.composed else _("letter")
        kind = self.composed.kind if self.composed else "brev"
        return f"{kind}-{reference}.pdf"

    def print_letter(self) -> bool:
        try:
            if not print_pdf(self.pdf, self):
                return False
        except OSError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.mark_sent()
        return True

    def save_letter(self) -> bool:
        try:
            if save_pdf(self.pdf, self.suggested_name(), self) is None:
                return False
        except OSError:
            self.error.setText(_("The file could not be written. Choose another folder."))
            self.error.show()
            return False
        self.mark_sent()
        return True

    def mark_sent(self) -> None:
        """Record a new letter once; log a copy of a recorded one."""
        try:
            if self.composed is not None and self.recorded is None:
                self.recorded = self.ctx.runner.run(letters.record_sent, self.composed, self.pdf)
                self.status.setText(
                    _("Recorded on the case {when} by {who}.").format(
                        when=self.recorded.sent_at.strftime("%Y-%m-%d %H:%M"),
                        who=self.recorded.sent_by,
                    )
                )
                if self.on_sent is not None:
                    self.on_sent()
            elif self.sent_id is not None:
                self.ctx.runner.run(letter_archive.log_reprint, self.sent_id)
        except OperationFailed as exc:
            QMessageBox.warning(self, _("Letter"), exc.message)
