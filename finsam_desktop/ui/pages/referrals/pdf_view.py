"""Show, print and save a letter's PDF exactly as it is (the bytes that are recorded).

The PDF is rasterised with PDFium (pypdfium2): Qt's own PDF module is not part of
PySide6-Essentials. Printing paints the pages at the printer's resolution.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QFileDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from finsam_desktop.i18n import _

PREVIEW_DPI = 96
PRINT_DPI = 300


def page_images(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[QImage]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888,
            )
            images.append(image.copy())  # the bitmap's memory goes with the document
            page.close()
        return images
    finally:
        document.close()


class PdfPreview(QScrollArea):
    """The pages one under the other, on a grey desk, as they will print."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setStyleSheet("QScrollArea { background: #8a8a8a; }")
        self._holder = QWidget()
        self._holder.setStyleSheet("background: #8a8a8a;")
        self._layout = QVBoxLayout(self._holder)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(self._holder)
        self.pages: list[QLabel] = []

    def show_pdf(self, pdf: bytes) -> None:
        from PySide6.QtGui import QPixmap

        for label in self.pages:
            label.deleteLater()
        self.pages = []
        for image in page_images(pdf):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; border: 1px solid #555;")
            self._layout.addWidget(label)
            self.pages.append(label)


def print_pdf(pdf: bytes, parent: QWidget | None = None) -> bool:
    """Ask for a printer with the system's print dialog and print; False if cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    printer.setFullPage(True)
    printer.setDocName(_("Letter"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print letter"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pdf(pdf, printer)
    return True


def paint_pdf(pdf: bytes, printer) -> None:
    """Paint every page onto ``printer`` (a QPrinter or any QPagedPaintDevice)."""
    dpi = min(PRINT_DPI, max(150, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("The printer could not be started."))
    try:
        for number, image in enumerate(page_images(pdf, dpi)):
            if number:
                printer.newPage()
            target: QRect = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(target, image)
    finally:
        painter.end()


def save_pdf(pdf: bytes, suggested_name: str, parent: QWidget | None = None) -> Path | None:
    """Save the exact bytes where the user chooses; None if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save letter as PDF"), suggested_name, _("PDF files (*.pdf)")
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    target.write_bytes(pdf)
    return target
