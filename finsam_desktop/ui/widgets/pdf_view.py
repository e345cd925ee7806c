"""Show, print and save a letter's PDF exactly as it is (the bytes that are recorded).

The preview is rasterised with PDFium (pypdfium2): Qt's own PDF module (QPdfDocument)
is not part of PySide6-Essentials. Printing sends vector pages wherever it can:

- "print to file" (a PDF output file chosen in the print dialog) writes the PDF's own
  bytes: the exact document, text and lines as vectors;
- on Linux and macOS the PDF itself goes to the chosen CUPS queue with ``lp`` (CUPS
  prints PDF natively), with the dialog's copies, duplex and page range: vector pages,
  a few kilobytes a letter;
- otherwise (Windows, or no ``lp``) the pages are painted at the printer's own
  resolution (at most 600 dpi), in grey when the printer is set to grayscale, and with
  lossless compression (``QPainter.LosslessImageRendering``), never as JPEG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QFileDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from finsam_desktop.i18n import _

PREVIEW_DPI = 96
PRINT_DPI_MIN, PRINT_DPI_MAX = 150, 600


def page_images(pdf: bytes, dpi: int = PREVIEW_DPI, grey: bool = False) -> list[QImage]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, grayscale=grey)
            if bitmap.n_channels == 1:
                fmt = QImage.Format.Format_Grayscale8
            elif bitmap.n_channels == 3:
                fmt = QImage.Format.Format_RGB888
            else:
                fmt = QImage.Format.Format_RGBA8888
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt)
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


def print_pdf(pdf: bytes, parent: QWidget | None = None, name: str = "") -> bool:
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
    printer.setDocName(name or _("Letter"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    send_pdf(pdf, printer)
    return True


def send_pdf(pdf: bytes, printer, run=None) -> str:
    """Print ``pdf`` on the chosen ``printer`` as vector pages where possible; returns
    how: "file" (the PDF's bytes written), "lp" (the PDF sent to CUPS) or "raster".
    ``run`` is subprocess.run (replaceable where no CUPS is at hand)."""
    from PySide6.QtPrintSupport import QPrinter

    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        Path(printer.outputFileName()).write_bytes(pdf)
        return "file"
    command = lp_command(printer)
    if command is not None:
        import subprocess

        run = run or subprocess.run
        try:
            done = run(command, input=pdf, capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and done.returncode == 0:
            return "lp"
        # CUPS refused (a queue it does not know, a stopped scheduler): paint instead.
    paint_pdf(pdf, printer)
    return "raster"


def lp_command(printer) -> list[str] | None:
    """The ``lp`` command that prints a PDF from standard input on ``printer``'s queue
    with its copies, duplex and page range; None where there is no CUPS (Windows)."""
    import shutil
    import sys

    from PySide6.QtPrintSupport import QPrinter

    lp = shutil.which("lp")
    if sys.platform.startswith("win") or lp is None or not printer.printerName():
        return None
    command = [lp, "-d", printer.printerName(), "-t", printer.docName() or "Finsam Desktop"]
    copies = printer.copyCount()
    if copies > 1:
        command += ["-n", str(copies)]
    sides = {
        QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
        QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
        QPrinter.DuplexMode.DuplexNone: "one-sided",
    }.get(printer.duplex())
    if sides:
        command += ["-o", f"sides={sides}"]
    if printer.colorMode() == QPrinter.ColorMode.GrayScale:
        command += ["-o", "print-color-mode=monochrome"]
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        command += ["-P", f"{printer.fromPage()}-{printer.toPage() or printer.fromPage()}"]
    return [*command, "-"]


def paint_pdf(pdf: bytes, printer) -> None:
    """Paint every page onto ``printer`` (a QPrinter or any QPagedPaintDevice) at the
    device's resolution, losslessly, in grey when the printer prints in grey."""
    from PySide6.QtPrintSupport import QPrinter

    dpi = min(PRINT_DPI_MAX, max(PRINT_DPI_MIN, printer.resolution()))
    grey = isinstance(printer, QPrinter) and printer.colorMode() == QPrinter.ColorMode.GrayScale
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("The printer could not be started."))
    try:
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)
        for number, image in enumerate(page_images(pdf, dpi, grey)):
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
