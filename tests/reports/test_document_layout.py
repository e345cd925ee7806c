"""Every letter kind and document, with short and with long content, read back glyph by
glyph (pdfplumber): no two pieces of text overlap, no text leaves the sheet, no heading
ends a page, every page says "page (pages)"; and fields of 100,000 characters still
make a valid PDF in bounded time (issue 9 §7)."""

from __future__ import annotations

import importlib
import io
import pkgutil
import time
from collections import defaultdict

import pdfplumber
import pytest
from pypdf import PdfReader

import finsam_desktop.reports
from finsam_desktop.services import letter_templates
from tests.reports.document_samples import (
    DOCUMENTS,
    LETTER_KINDS,
    LETTER_MODULES,
    everything,
)

MM = 72 / 25.4
# The text area: below the later pages' header line, above the footer (from page.py).
BODY_TOP = 22 * MM
BODY_BOTTOM = 28 * MM
HEADING_SIZE = 10.9  # headings are bold and at least 11 pt; signature names are 10.5


def test_the_samples_cover_every_letter_kind_and_every_printing_module():
    assert set(LETTER_KINDS) == set(letter_templates.KIND_LABELS)
    printing = set()
    for info in pkgutil.iter_modules(finsam_desktop.reports.__path__):
        module = importlib.import_module(f"finsam_desktop.reports.{info.name}")
        source = module.__loader__.get_source(module.__name__) or ""
        if "reports.page import" in source or "reports.case_document import" in source:
            printing.add(info.name)
    covered = {module for module, _build in DOCUMENTS.values()} | LETTER_MODULES
    assert printing <= covered, printing - covered


def _overlapping(chars: list[dict]) -> list[tuple[str, str]]:
    """Pairs of glyphs whose boxes overlap by more than a fifth of the smaller one."""
    buckets: dict[int, list[dict]] = defaultdict(list)
    for c in chars:
        if c["text"].strip():
            for row in range(int(c["top"] // 20), int(c["bottom"] // 20) + 1):
                buckets[row].append(c)
    found = []
    seen = set()
    for group in buckets.values():
        group.sort(key=lambda c: c["x0"])
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b["x0"] >= a["x1"]:
                    break
                w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if w <= 0 or h <= 0:
                    continue
                smaller = min(
                    (a["x1"] - a["x0"]) * (a["bottom"] - a["top"]),
                    (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]),
                )
                key = (id(a), id(b))
                if w * h > 0.2 * smaller and key not in seen:
                    seen.add(key)
                    found.append((f"{a['text']}@{a['x0']:.0f},{a['top']:.0f}", b["text"]))
    return found


def _lines(chars: list[dict]) -> list[list[dict]]:
    rows: dict[int, list[dict]] = defaultdict(list)
    for c in chars:
        if c["text"].strip():
            rows[round(c["top"])].append(c)
    return [rows[k] for k in sorted(rows)]


def layout_problems(pdf: bytes) -> list[str]:
    problems = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        total = len(document.pages)
        for number, page in enumerate(document.pages, start=1):
            chars = page.chars
            text = "".join(c["text"] for c in chars)
            where = f"page {number}"
            for a, b in _overlapping(chars)[:3]:
                problems.append(f"{where}: '{a}' overlaps '{b}'")
            outside = [
                c["text"]
                for c in chars
                if c["x0"] < 0 or c["x1"] > page.width + 0.5 or c["top"] < 0
                or c["bottom"] > page.height
            ]  # fmt: skip
            if outside:
                problems.append(f"{where}: text off the sheet: {''.join(outside)[:40]!r}")
            body = [
                c for c in chars if c["top"] > BODY_TOP and c["bottom"] < page.height - BODY_BOTTOM
            ]
            lines = _lines(body)
            if lines:
                last = lines[-1]
                if all("Bold" in c["fontname"] and c["size"] >= HEADING_SIZE for c in last):
                    heading = "".join(c["text"] for c in last)
                    problems.append(f"{where}: ends with the heading {heading!r}")
            # Letters number each letter on its own: any "n (N)" with this page's n will do.
            if not any(
                f"{n} ({m})" in text for n in range(1, number + 1) for m in range(n, total + 1)
            ):
                problems.append(f"{where}: no page number")
    return problems


@pytest.mark.parametrize("size", ["short", "long"])
@pytest.mark.parametrize("kind", sorted(everything()))
def test_no_text_overlaps_and_no_heading_ends_a_page(kind, size):
    pdf = everything()[kind](size)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if size == "long" and kind != "återställningsnyckel":
        assert pages >= 2, "the long sample must run over a page break"
    assert layout_problems(pdf) == []


def test_the_check_catches_an_overprint_and_a_heading_at_the_foot_of_a_page():
    """The checker itself fails on the two defects the avslut letter had."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4)
    c.setFont(BOLD, 12)
    c.drawString(340, 800, "SAMMANFATTNING VID AVSLUT")
    c.setFont(REGULAR, 9)
    c.drawRightString(560, 800, "1 (2)")
    c.setFont(BOLD, 12)
    c.drawString(70, 100, "Rekommendationer")
    c.showPage()
    c.save()
    problems = layout_problems(buffer.getvalue())
    assert any("overlaps" in p for p in problems), problems
    assert any("ends with the heading 'Rekommendationer'" in p for p in problems), problems


def test_later_pages_have_a_header_line_that_reads_apart():
    """Page 2's header: organisation, title · date · reference, then "2 (N)", with room
    between them (found: "2026-12-01 (2)R2026-00014")."""
    pdf = LETTER_KINDS[letter_templates.CLOSING_SUMMARY]("long")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[1]
        header = page.within_bbox((0, 0, page.width, 20 * MM))
        words = header.extract_words(x_tolerance=2)
        text = " ".join(w["text"] for w in words)
        total = len(document.pages)
    assert "Samordningsförbundet" in text and "R2026-00014" in text and "2026-12-01" in text
    assert text.endswith(f"2 ({total})")
    reference = next(w for w in words if w["text"] == "R2026-00014")
    number = next(w for w in words if w["text"] == "2")
    assert number["x0"] - reference["x1"] > 5 * MM


def test_the_signature_is_never_alone_on_a_page():
    for kind, build in LETTER_KINDS.items():
        pdf = build("long")
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            text = page.extract_text()
            if "Karin Exempeldotter" in text and "Med vänliga hälsningar" in text:
                before = text.split("Med vänliga hälsningar")[0]
                # Something of the letter's body stands above the greeting on its page.
                assert len(before.split()) > 25, (kind, before[-200:])


def test_the_closing_letter_says_the_period_and_the_insatser_once():
    pdf = LETTER_KINDS[letter_templates.CLOSING_SUMMARY]("short")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert text.count("2026-01-15") == 1
    assert text.count("Gården i Björkhälla") == 1
    # The document type (in capitals) and the subject; the body does not repeat it.
    assert text.lower().count("sammanfattning vid avslut") == 2


@pytest.mark.parametrize("size", ["short", "long"])
@pytest.mark.parametrize("kind", sorted(everything()))
def test_typed_text_ending_in_a_stop_never_doubles_the_templates_stop(kind, size):
    """A sentence of a letter that ends with what someone typed ("Närvarande: Märta,
    Karin.") must not print ".." when the typed text has its own full stop."""
    import re

    pdf = everything()[kind](size)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert not re.search(r"[.!?:,;]\s?\.(?!\.)", text), kind


def _read(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert text.strip()
    return len(reader.pages)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(everything()))
def test_fields_of_100000_characters_make_a_valid_pdf_in_bounded_time(kind):
    # Processor time, so other work on a shared machine does not count against it.
    started = time.process_time()
    pdf = everything()[kind]("huge")
    took = time.process_time() - started
    pages = _read(pdf)
    assert pdf.startswith(b"%PDF") and pages >= 1
    assert took < 10, f"{kind}: {took:.1f} s"


def test_a_one_megabyte_name_is_clipped_not_laid_out_for_minutes():
    from finsam_desktop.reports.letters import Letter, render_letter
    from tests.reports.document_samples import HEAD, TODAY

    big = "Å" * 1_000_000
    started = time.process_time()
    pdf = render_letter(Letter(HEAD, [big, "Påhittsgatan 1"], TODAY, big, big, ["Hej!"]))
    assert time.process_time() - started < 10
    assert _read(pdf) >= 1
