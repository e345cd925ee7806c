"""Printing sends vector pages: the PDF's own bytes to a file or to CUPS, and only
where neither is possible a lossless raster at the printer's resolution (found: every
page as a 300-dpi JPEG, 760 KB a page)."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from finsam_desktop.reports.letters import Letter, Letterhead, render_letters
from finsam_desktop.ui.widgets.pdf_view import lp_command, paint_pdf, send_pdf

HEAD = Letterhead("Samordningsförbundet Exempelbygden", "Samverkansteamet")


@pytest.fixture
def pdf() -> bytes:
    body = ["Välkommen till ett informationsmöte. " * 40] * 6
    letter = Letter(HEAD, ["Åsa Ö", "Påhittsgatan 1"], date(2026, 11, 22), "R1", "Ämne", body)
    return render_letters([letter, letter])


def _printer(tmp_path, name="printed.pdf"):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / name))
    return printer


def test_printing_to_a_file_writes_the_pdf_itself(qapp, tmp_path, pdf):
    printer = _printer(tmp_path)
    assert send_pdf(pdf, printer) == "file"
    assert (tmp_path / "printed.pdf").read_bytes() == pdf  # vectors, text, fonts: as made


def test_the_raster_fallback_is_lossless_at_the_printers_resolution_and_in_grey(
    qapp, tmp_path, pdf
):
    from PySide6.QtPrintSupport import QPrinter

    printer = _printer(tmp_path, "raster.pdf")
    printer.setResolution(300)
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    paint_pdf(pdf, printer)
    data = (tmp_path / "raster.pdf").read_bytes()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages)
    assert b"/DCTDecode" not in data  # no JPEG
    assert len(data) / pages < 250_000  # was 760 KB a page
    image = next(iter(PdfReader(io.BytesIO(data)).pages[0].images))
    assert image.image.mode == "L"  # grey, one byte a pixel
    assert image.image.width >= 2400  # A4 at 300 dpi is 2480 pixels wide


class _Run:
    def __init__(self, returncode: int):
        self.returncode, self.calls = returncode, []

    def __call__(self, command, **kwargs):
        self.calls.append((command, kwargs["input"]))
        return subprocess.CompletedProcess(command, self.returncode, b"", b"")


class _Chosen:
    """What the print dialog leaves on a QPrinter for a CUPS queue (this machine has no
    CUPS queue a QPrinter would accept by name)."""

    def __init__(self, **choices):
        from PySide6.QtPrintSupport import QPrinter

        self.c = {
            "printerName": "Kontoret",
            "docName": "Kallelse",
            "copyCount": 2,
            "duplex": QPrinter.DuplexMode.DuplexLongSide,
            "colorMode": QPrinter.ColorMode.GrayScale,
            "printRange": QPrinter.PrintRange.PageRange,
            "fromPage": 2,
            "toPage": 3,
            "outputFormat": QPrinter.OutputFormat.NativeFormat,
            "outputFileName": "",
        } | choices

    def __getattr__(self, name):
        return lambda: self.c[name]


def test_cups_gets_the_pdf_with_the_dialogs_choices(qapp, monkeypatch, pdf):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/lp" if name == "lp" else None)
    monkeypatch.setattr("sys.platform", "linux")
    command = lp_command(_Chosen())
    assert command == [
        "/usr/bin/lp", "-d", "Kontoret", "-t", "Kallelse", "-n", "2",
        "-o", "sides=two-sided-long-edge", "-o", "print-color-mode=monochrome",
        "-P", "2-3", "-",
    ]  # fmt: skip
    run = _Run(0)
    assert send_pdf(pdf, _Chosen(), run) == "lp"
    assert run.calls[0][1] == pdf  # the PDF itself: vector pages


def test_a_refusing_cups_falls_back_to_painting(qapp, monkeypatch, tmp_path, pdf):
    """lp fails (unknown queue, stopped scheduler): the pages are painted instead."""
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/lp" if name == "lp" else None)
    monkeypatch.setattr("sys.platform", "linux")
    printer = _printer(tmp_path, "fallback.pdf")
    printer.setOutputFileName("")  # a real printer, not a file
    printer.setOutputFormat(printer.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "fallback.pdf"))
    run = _Run(1)
    monkeypatch.setattr(type(printer), "printerName", lambda self: "Kontoret", raising=False)
    monkeypatch.setattr(
        type(printer), "outputFormat", lambda self: printer.OutputFormat.NativeFormat
    )
    assert send_pdf(pdf, printer, run) == "raster"
    assert run.calls and (tmp_path / "fallback.pdf").exists()


def test_without_cups_there_is_no_lp_command(qapp, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    monkeypatch.setattr("sys.platform", "win32")
    assert lp_command(QPrinter()) is None
