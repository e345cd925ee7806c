"""A case document on screen exactly as it prints, with Print and Save as PDF.

Reuses the referral screens' PDFium view, so a kartläggning, a plan or a closing
letter looks and prints the same way as every other letter of the program.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from finsam_desktop.i18n import _
from finsam_desktop.ui.widgets.forms import fit_window
from finsam_desktop.ui.widgets.pdf_view import PdfPreview, print_pdf, save_pdf


class PrintoutDialog(QDialog):
    """Accepted when the document was printed or saved."""

    def __init__(self, title: str, suggested_name: str, pdf: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_window(self, 860, 900)  # as tall as the screen allows: buttons stay in view
        self.pdf, self.suggested_name = pdf, suggested_name
        layout = QVBoxLayout(self)
        self.preview = PdfPreview()
        self.preview.show_pdf(pdf)
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as PDF…"))
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def print_document(self) -> None:
        if print_pdf(self.pdf, self):
            self.accept()

    def save_document(self) -> None:
        if save_pdf(self.pdf, self.suggested_name, self) is not None:
            self.accept()


def present_pdf(parent: QWidget, title: str, suggested_name: str, pdf: bytes) -> bool:
    """Show the printout; True when the user printed or saved it."""
    dialog = PrintoutDialog(title, suggested_name.replace(" ", "-"), pdf, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
