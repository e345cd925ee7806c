"""The letter PDF itself: the address sits in the envelope window, nothing private is
printed there, fonts are embedded, pages are numbered per letter."""

from __future__ import annotations

import io
import re
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


def _mailing() -> list[Letter]:
    """A mailing as the program prints one: the same body for everyone, other names and
    references; one letter runs over two pages, one is a copy, one has no address."""
    import dataclasses

    body = ["Hej!", "Välkommen till ett informationsmöte på Påhittsgatan 6. " * 4]
    letters = [
        dataclasses.replace(
            letter([f"Åsa Övningström {i}", "Testvägen 4"], body), reference=f"R2026-{i:05d}"
        )
        for i in range(4)
    ]
    letters[1] = letter(["Bo"], body + ["Ett längre stycke som fyller sidan. " * 12] * 16)
    letters[2] = dataclasses.replace(letters[2], copy_label="Kopia", cc=["Rut Remissdotter"])
    letters[3] = dataclasses.replace(letters[3], recipient=None)
    return letters


def test_what_every_letter_repeats_is_drawn_once_to_the_same_pdf(monkeypatch):
    """A mailing's repeated paragraphs and header strings are drawn once per PDF and their
    PDF code appended again (reports.page): the file is byte for byte the one drawn
    afresh each time, also where the same paragraph is drawn half transparent or in
    another colour, and the repeated paragraphs really are drawn only once."""
    from reportlab import rl_config
    from reportlab.platypus import Flowable
    from reportlab.platypus import Paragraph as ReportLabParagraph

    from finsam_desktop.reports import page
    from finsam_desktop.reports.letters import letter_part

    class Faded(Flowable):
        """The body's first paragraph again, drawn at half opacity."""

        def __init__(self, text):
            super().__init__()
            self.paragraph = page.Paragraph(text, page.LETTER_BODY)

        def wrap(self, width, height):
            return self.paragraph.wrap(width, height)

        def draw(self):
            self.canv.setFillAlpha(0.5)
            self.paragraph.drawOn(self.canv, 0, 0)

    def parts() -> list:
        mailing = _mailing()
        out = [letter_part(one) for one in mailing]
        repeated = page.markup(mailing[0].paragraphs[1].strip())
        out[0].story += [Faded(repeated), page.Paragraph(repeated, page.SMALL)]
        return out

    monkeypatch.setattr(rl_config, "invariant", 1)
    drawn = []
    draw_para = ReportLabParagraph.drawPara
    monkeypatch.setattr(
        ReportLabParagraph, "drawPara", lambda p, *a: drawn.append(p.text) or draw_para(p, *a)
    )
    once = page.render(parts())
    body = _mailing()[0].paragraphs[1].strip()
    # Drawn anew: at half opacity, in the small style, and once for the four letters.
    assert drawn.count(page.markup(body)) == 3
    assert drawn.count("Hej!") == 1

    def draw_string(c, x, y, text, right=False):
        (c.drawRightString if right else c.drawString)(x, y, text)

    monkeypatch.setattr(page.Paragraph, "draw", ReportLabParagraph.draw)
    monkeypatch.setattr(page, "_draw_repeated", draw_string)
    drawn.clear()
    afresh = page.render(parts())
    assert drawn.count("Hej!") == 4
    assert once == afresh
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(once)).pages]
    assert texts[0].count("Välkommen") == 3 * 4
    numbers = [re.findall(r"\b\d+ \(\d+\)", t) for t in texts]
    assert numbers == [["1 (1)"], ["1 (3)"], ["2 (3)"], ["3 (3)"], ["1 (1)"], ["1 (1)"]]


def test_a_repeated_string_is_drawn_again_only_in_the_same_font_and_place():
    from reportlab.pdfgen.canvas import Canvas

    from finsam_desktop.reports import page
    from finsam_desktop.reports.fonts import BOLD, REGULAR

    def draw(c: Canvas, how) -> list[str]:
        for font, size, x, right in [
            (REGULAR, 9, 100, False),
            (BOLD, 9, 100, False),
            (REGULAR, 10, 100, False),
            (REGULAR, 9, 120, False),
            (REGULAR, 9, 100, True),
            (REGULAR, 9, 100, False),
        ]:
            c.setFont(font, size)
            how(c, x, 700, "Vår referens", right)
        return list(c._code)

    repeated = draw(Canvas(io.BytesIO()), page._draw_repeated)
    afresh = draw(
        Canvas(io.BytesIO()),
        lambda c, x, y, t, right: (c.drawRightString if right else c.drawString)(x, y, t),
    )
    assert repeated == afresh and len(repeated) == 6 and len(set(repeated)) == 5
