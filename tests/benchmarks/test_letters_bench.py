"""Speed of printing letters: 1,000 letters in one PDF (run with -m benchmark).

    QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s tests/benchmarks/test_letters_bench.py

The program's letters (reports.letters: the page layout, paragraphs that flow, page
numbers "1 (1)") are timed next to a bare ReportLab canvas that draws the same words
with the same embedded font, each line placed by hand: the floor to compare with.
LETTERS_BENCH_N sets the number of letters (default 1,000). Issue 13's goal: ≤ 1.5×.
"""

from __future__ import annotations

import gc
import io
import os
import sys
import time
from datetime import date

import pytest
from pypdf import PdfReader

from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.reports.letters import Letter, LetterSection, render_letters

pytestmark = pytest.mark.benchmark

N = int(os.environ.get("LETTERS_BENCH_N", "1000"))
HEAD = Letterhead(
    "Samordningsförbundet Exempelbygden",
    "Samverkansteamet",
    ["Påhittsgatan 6", "999 30 Älvsnäs"],
    "0999-100 00",
    "team@exempelbygden.example",
    "exempelbygden.example",
    "222000-0000",
)
SUBJECT = "Kallelse till informationsmöte"
BODY = (
    "Välkommen till ett informationsmöte om stöd till arbete och studier. Mötet hålls "
    "på Påhittsgatan 6, plan 2, i Älvsnäs. Ta gärna med legitimation och den som vill "
    "får ta med en anhörig. Hör av dig om tiden inte passar, så hittar vi en annan."
)
SIGNER = Signatory("Karin Exempeldotter", "Arbetsspecialist", "0999-100 10")


def letters() -> list[Letter]:
    return [
        Letter(
            HEAD,
            [f"Åsa Övningström {i}", "Testvägen 4", "999 12 Exempelstad"],
            date(2026, 11, 22),
            f"R2026-{i:05d}",
            SUBJECT,
            ["Hej!", BODY, LetterSection("Inför mötet", BODY)],
            [SIGNER],
            document_type="Kallelse",
        )
        for i in range(N)
    ]


def bare_canvas(items: list[Letter]) -> bytes:
    """The same words on the same places with nothing but a canvas: lines wrapped with
    simpleSplit, no flowables, page numbers written straight away."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    width, height = A4
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    text_width = width - 45 * mm
    for letter in items:
        h = letter.letterhead
        c.setFont(BOLD, 11)
        c.drawString(25 * mm, height - 15 * mm, h.organisation)
        c.setFont(REGULAR, 10)
        c.drawString(25 * mm, height - 20 * mm, h.unit)
        c.setFont(BOLD, 12)
        c.drawString(120 * mm, height - 15 * mm, letter.document_type.upper())
        c.setFont(REGULAR, 9)
        for i, (label, value) in enumerate(
            [("Datum", letter.date.isoformat()), ("Vår referens", letter.reference),
             ("Sida", "1 (1)")]
        ):  # fmt: skip
            c.drawString(120 * mm, height - (22 + 4.5 * i) * mm, label)
            c.drawString(146 * mm, height - (22 + 4.5 * i) * mm, value)
        c.setFont(REGULAR, 11)
        for i, line in enumerate(letter.recipient or []):
            c.drawString(120 * mm, height - (54 + 5 * i) * mm, line)
        y = height - 98 * mm
        c.setFont(BOLD, 12)
        c.drawString(25 * mm, y, letter.subject)
        y -= 8 * mm
        for paragraph in letter.paragraphs:
            if isinstance(paragraph, LetterSection):
                c.setFont(BOLD, 11)
                c.drawString(25 * mm, y, paragraph.title)
                y -= 14
                paragraph = paragraph.text
            c.setFont(REGULAR, 10.5)
            for line in simpleSplit(paragraph, REGULAR, 10.5, text_width):
                c.drawString(25 * mm, y, line)
                y -= 14
            y -= 7
        for line in ["Med vänliga hälsningar", "", *letter.signatories[0].lines()]:
            c.drawString(25 * mm, y, line)
            y -= 14
        c.setFont(REGULAR, 7.5)
        footer = [h.unit, *h.address_lines, h.phone, h.email, h.website, h.org_number]
        for i, line in enumerate(footer):
            c.drawString((25 + 40 * (i // 3)) * mm, (18 - 3.3 * (i % 3)) * mm, line)
        c.showPage()
    c.save()
    return buffer.getvalue()


def timed(fn) -> tuple[float, bytes]:
    """One call in CPU seconds (the machine is shared), and the PDF. Each call starts on a
    collected heap and pays for collecting its own garbage: the letters run the garbage
    collector less often while they build (reports.page), which must not leave their
    cycles for the next call to collect."""
    gc.collect()
    start = time.process_time()
    out = fn()
    gc.collect()
    return time.process_time() - start, out


def test_letters_against_a_bare_canvas():
    items = letters()
    render_letters(items[:5])  # fonts registered, caches of the first page warm
    bare_canvas(items[:5])
    bare_times, ours_times = [], []
    for _ in range(3):  # in turns: both see the same load on the machine; the best counts
        seconds, bare_pdf = timed(lambda: bare_canvas(items))
        bare_times.append(seconds)
        seconds, pdf = timed(lambda: render_letters(items))
        ours_times.append(seconds)
    bare_seconds, ours_seconds = min(bare_times), min(ours_times)
    accelerated = sys.modules.get("_rl_accel") is not None
    print(
        f"\n{N} letters in one PDF: {ours_seconds:.2f} s CPU, a bare canvas {bare_seconds:.2f} s "
        f"-> {ours_seconds / bare_seconds:.2f}x (goal <= 1.5x); "
        f"ReportLab's C accelerator {'in use' if accelerated else 'MISSING'}"
    )
    assert len(PdfReader(io.BytesIO(pdf)).pages) == N
    assert len(PdfReader(io.BytesIO(bare_pdf)).pages) == N
