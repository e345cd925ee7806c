"""The letter PDF itself: the address sits in the envelope window, nothing private is
printed there, fonts are embedded, pages are numbered per letter."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

import pytest
from pypdf import PdfReader

from finsam_desktop.reports.letters import (
    ADDRESS_HEIGHT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    ADDRESS_X,
    PAGE_HEIGHT,
    Letter,
    Letterhead,
    Signatory,
    render_letter,
    render_letters,
)

MM = 72 / 25.4
HEAD = Letterhead(
    "Samordningsförbundet Exempelbygden",
    "Samverkansteamet",
    ["Påhittsgatan 6", "999 30 Älvsnäs"],
    "0999-100 00",
    "team@exempelbygden.example",
    "exempelbygden.example",
    "222000-0000",
)


def letter(recipient, paragraphs=("Hej Åsa!",), **kw) -> Letter:
    return Letter(
        HEAD,
        recipient,
        date(2026, 11, 22),
        "R2026-00012",
        "Kallelse till informationsmöte",
        list(paragraphs),
        [Signatory("Karin Exempeldotter", "Arbetsspecialist", "0999-100 10")],
        document_type="Kallelse",
        **kw,
    )


def positioned_text(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    found = []

    def visit(text, _cm, tm, _font, _size):
        if text.strip():
            found.append((text.strip(), tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_address_is_inside_the_window_field():
    pdf = render_letter(letter(["Åsa Övningström", "Testvägen 4", "999 12 Exempelstad"]))
    lines = {
        t: (x, y) for t, x, y in positioned_text(pdf) if t.startswith(("Åsa Ö", "Testv", "999 12"))
    }
    assert len(lines) == 3
    for x, y in lines.values():
        assert ADDRESS_X - 1 <= x <= ADDRESS_X + ADDRESS_WIDTH
        from_top = PAGE_HEIGHT - y
        assert ADDRESS_TOP <= from_top <= ADDRESS_TOP + ADDRESS_HEIGHT
    # The window of a C5/C4 H2 envelope: 20 mm from the right edge, about 45–90 mm down.
    assert abs(ADDRESS_X + ADDRESS_WIDTH - (210 - 20) * MM) < 1
    assert 45 * MM <= ADDRESS_TOP <= 60 * MM


def test_no_recipient_means_no_address_at_all():
    pdf = render_letter(letter(None))
    window = [
        t
        for t, x, y in positioned_text(pdf)
        if x >= ADDRESS_X - 1 and ADDRESS_TOP <= PAGE_HEIGHT - y <= ADDRESS_TOP + ADDRESS_HEIGHT
    ]
    assert window == []


def test_fonts_are_embedded_and_swedish_letters_survive():
    pdf = render_letter(letter(["Åsa Övningström"], ["Här står å, ä och ö."]))
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert "Här står å, ä och ö." in reader.pages[0].extract_text()


def test_long_letters_are_numbered_per_letter_and_repeat_the_reference():
    long_text = ["Ett längre stycke text som fyller sidan. " * 12] * 12
    pdf = render_letters([letter(["A"], long_text), letter(["B"])])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    first_letter = len(pages) - 1
    assert first_letter >= 2
    for number, text in enumerate(pages[:first_letter], start=1):
        assert f"{number} ({first_letter})" in text
    assert "1 (1)" in pages[-1]
    assert "R2026-00012" in pages[1]  # later pages repeat the reference


def test_logo_is_drawn_when_set():
    pdf = render_letter(
        Letter(
            Letterhead("Förbundet", logo_png=_png(40, 20)),
            ["X"],
            date(2026, 11, 22),
            "R1",
            "Ämne",
            ["Text"],
        )
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.images, "the logo should be on the page"


def _png(width: int, height: int) -> bytes:
    """A small solid PNG, made by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_reportlab_runs_with_its_c_accelerator():
    """rl-accel (a dependency) does ReportLab's string widths in C: letters 1.2–1.4x faster."""
    import sys

    from reportlab.lib import rl_accel

    import finsam_desktop.reports.page  # noqa: F401

    assert sys.modules.get("_rl_accel") is not None
    # Without the C module ReportLab falls back to its Python versions of the same names.
    assert rl_accel.fp_str.__module__ == "_rl_accel"
    assert rl_accel.instanceStringWidthTTF.__module__ == "_rl_accel"


def test_the_footer_is_measured_once_per_sender_and_follows_a_change():
    """The footer's layout is remembered per sender: every page of every letter shows it,
    and a letter from another sender (or after the sender's phone changed) shows theirs."""
    import dataclasses

    from finsam_desktop.reports import page

    page._footer_layout.cache_clear()
    pdf = render_letters([letter(["Åsa"], ["Hej!\n\n" + "Lång text. " * 900])] * 3)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 6
    assert all("0999-100 00" in p.extract_text() for p in pages)
    info = page._footer_layout.cache_info()
    assert info.misses == 1 and info.hits == len(pages) - 1
    other = dataclasses.replace(HEAD, phone="0999-222 22")
    pdf = render_letter(dataclasses.replace(letter(["Åsa"]), letterhead=other))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "0999-222 22" in text and "0999-100 00" not in text


def test_the_collector_runs_less_often_while_a_pdf_is_built_and_as_usual_after():
    """reports.page: a build raises the cyclic collector's first threshold (it walked the
    growing heap ~170 times for 1,000 letters) and gives the usual one back, also when
    the build fails."""
    import gc

    from reportlab.platypus import Flowable

    from finsam_desktop.reports import page

    seen: list[tuple[int, ...]] = []

    class Probe(Flowable):
        def wrap(self, *_args):
            return 0, 0

        def draw(self):
            seen.append(gc.get_threshold())

    usual = gc.get_threshold()
    assert usual[0] < page.BUILD_COLLECTION_THRESHOLD
    head = page.Head(HEAD, "Kallelse")
    page.render([page.Part(head, [Probe()])])
    assert seen and seen[0][0] == page.BUILD_COLLECTION_THRESHOLD and seen[0][1:] == usual[1:]
    assert gc.get_threshold() == usual

    class Broken(Probe):
        def draw(self):
            raise RuntimeError("a flowable that fails")

    with pytest.raises(RuntimeError):
        page.render([page.Part(head, [Broken()])])
    assert gc.get_threshold() == usual
