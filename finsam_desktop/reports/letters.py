"""Real A4 letters a coordinator posts: kallelse, remissvar, closing summaries.

Layout follows Swedish business-letter practice (SIS letter layout, SS 03 37):

- the letterhead (logo, förbund, insats) in the upper left corner;
- document type, date, reference and page "1 (2)" in the upper right, above the
  address field;
- the recipient's address in the field that shows through the window of a
  standard right-hand window envelope (C5/C4 "H2"): the window sits 20 mm from the
  right edge and about 45 mm from the top of the folded sheet, so the address is
  set from 120 mm from the left edge and 50 mm from the top, within a
  70 x 35 mm box;
- subject, body, signature block (name, title, phone, e-mail) and "Kopia till";
- the sender's postal address, phone, e-mail and org. number in the footer.

No personnummer is ever printed in the address field (IMY's advice), and a letter
whose ``recipient`` is None (protected identity) has no address at all.
Fonts are embedded (DejaVu Sans), so å ä ö print the same everywhere.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 25 * mm
RIGHT_MARGIN = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT_MARGIN

# The window field (measured from the top-left corner of the sheet).
ADDRESS_X = 120 * mm
ADDRESS_TOP = 50 * mm
ADDRESS_WIDTH = 70 * mm
ADDRESS_HEIGHT = 35 * mm
ADDRESS_MAX_LINES = 6

# The upper-right information block above the window.
INFO_X = ADDRESS_X
INFO_TOP = 15 * mm

# Where the body starts on the first page (below the window) and on later pages.
FIRST_BODY_TOP = 100 * mm
LATER_BODY_TOP = 30 * mm
FOOTER_TOP = PAGE_HEIGHT - 18 * mm  # measured from the top
BODY_BOTTOM = 26 * mm  # from the bottom edge


@dataclass
class Letter:
    letterhead: Letterhead
    recipient: list[str] | None  # name and postal address; None: no address printed
    date: date
    reference: str
    subject: str
    paragraphs: list[str]
    signatories: list[Signatory] = field(default_factory=list)
    document_type: str = ""  # e.g. "Kallelse", shown in the upper right
    cc: list[str] = field(default_factory=list)
    copy_label: str = ""  # e.g. "Kopia" on the remittent's copy
    greeting: str | None = None  # closing phrase; None: "Med vänliga hälsningar"


def render_letter(letter: Letter) -> bytes:
    return render_letters([letter])


def render_letters(letters: list[Letter]) -> bytes:
    """One PDF holding each letter from a new page, each numbered on its own."""
    if not letters:
        raise ValueError("no letters to render")
    register_fonts()
    buffer = io.BytesIO()
    state = _State(letters[0])
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT_MARGIN,
        topMargin=FIRST_BODY_TOP,
        bottomMargin=BODY_BOTTOM,
        title=letters[0].subject,
        author=letters[0].letterhead.organisation,
        creator="Finsam Desktop",
        initialFontName=REGULAR,
    )
    body_height_first = PAGE_HEIGHT - FIRST_BODY_TOP - BODY_BOTTOM
    body_height_later = PAGE_HEIGHT - LATER_BODY_TOP - BODY_BOTTOM
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [Frame(LEFT, BODY_BOTTOM, TEXT_WIDTH, body_height_first, id="f", showBoundary=0)],
                onPage=lambda c, d: _first_page(c, state),
                autoNextPageTemplate="later",
            ),
            PageTemplate(
                "later",
                [Frame(LEFT, BODY_BOTTOM, TEXT_WIDTH, body_height_later, id="l", showBoundary=0)],
                onPage=lambda c, d: _later_page(c, state),
            ),
        ]
    )
    story: list[Flowable] = []
    for index, letter in enumerate(letters):
        if index:
            story += [_SetLetter(state, letter), NextPageTemplate("first"), PageBreak()]
        story += _body(letter)
    doc.build(story, canvasmaker=_numbered_canvas(state))
    return buffer.getvalue()


# --- page furniture ------------------------------------------------------------------


class _State:
    """Which letter the pages being drawn belong to (for headers and page numbers)."""

    def __init__(self, letter: Letter):
        self.letter = letter
        self.letter_no = 0
        self.page_in_letter = 0
        self.pages: list[tuple[int, int]] = []  # per page: (letter_no, page_in_letter)


class _SetLetter(Flowable):
    """Switches to the next letter; placed just before the page break."""

    def __init__(self, state: _State, letter: Letter):
        super().__init__()
        self._state, self._letter = state, letter

    def wrap(self, _w, _h):
        return 0, 0

    def draw(self) -> None:
        self._state.letter = self._letter
        self._state.letter_no += 1
        self._state.page_in_letter = 0


def _numbered_canvas(state: _State):
    class NumberedCanvas(Canvas):
        """Writes 'page (pages)' per letter once the number of pages is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            totals: dict[int, int] = {}
            for letter_no, page in state.pages:
                totals[letter_no] = max(totals.get(letter_no, 0), page)
            for number, saved in enumerate(self._saved):
                self.__dict__.update(saved)
                letter_no, page = state.pages[number]
                self.setFont(REGULAR, 9)
                self.drawRightString(
                    PAGE_WIDTH - RIGHT_MARGIN,
                    PAGE_HEIGHT - INFO_TOP,
                    f"{page} ({totals[letter_no]})",
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _new_page(state: _State) -> None:
    state.page_in_letter += 1
    state.pages.append((state.letter_no, state.page_in_letter))


def _first_page(c: Canvas, state: _State) -> None:
    _new_page(state)
    letter = state.letter
    _letterhead(c, letter.letterhead)
    _info_block(c, letter)
    _address_block(c, letter.recipient)
    _footer(c, letter.letterhead)


def _later_page(c: Canvas, state: _State) -> None:
    _new_page(state)
    letter = state.letter
    c.saveState()
    c.setFont(BOLD, 9)
    c.drawString(LEFT, PAGE_HEIGHT - INFO_TOP, letter.letterhead.organisation)
    c.setFont(REGULAR, 9)
    bits = [letter.document_type, format_date(letter.date), letter.reference]
    c.drawString(INFO_X, PAGE_HEIGHT - INFO_TOP, "   ".join(b for b in bits if b))
    c.restoreState()
    _footer(c, letter.letterhead)


def _y(top: float) -> float:
    """A distance from the top edge as ReportLab's y (from the bottom edge)."""
    return PAGE_HEIGHT - top


def _letterhead(c: Canvas, head: Letterhead) -> None:
    c.saveState()
    top = INFO_TOP
    if head.logo_png:
        try:
            image = ImageReader(io.BytesIO(head.logo_png))
            width, height = image.getSize()
            scale = min(45 * mm / width, 18 * mm / height)
            w, h = width * scale, height * scale
            c.drawImage(image, LEFT, _y(top - 3 * mm) - h, w, h, mask="auto")
            top += h + 2 * mm
        except (OSError, ValueError):
            # A broken logo must never stop a letter; the name stands alone instead.
            top = INFO_TOP
    c.setFont(BOLD, 11)
    c.drawString(LEFT, _y(top), head.organisation)
    if head.unit:
        c.setFont(REGULAR, 10)
        c.drawString(LEFT, _y(top + 5 * mm), head.unit)
    c.restoreState()


def _info_block(c: Canvas, letter: Letter) -> None:
    c.saveState()
    y = INFO_TOP
    if letter.document_type:
        c.setFont(BOLD, 12)
        c.drawString(INFO_X, _y(y), letter.document_type.upper())
        y += 7 * mm
    c.setFont(REGULAR, 9)
    rows = [(_("Date"), format_date(letter.date))]
    if letter.reference:
        rows.append((_("Our reference"), letter.reference))
    for label, value in rows:
        c.drawString(INFO_X, _y(y), label)
        c.drawString(INFO_X + 28 * mm, _y(y), value)
        y += 4.5 * mm
    if letter.copy_label:
        c.setFont(BOLD, 10)
        c.drawString(INFO_X, _y(y + 1 * mm), letter.copy_label.upper())
    c.restoreState()


def _address_block(c: Canvas, recipient: list[str] | None) -> None:
    if not recipient:
        return
    c.saveState()
    c.setFont(REGULAR, 11)
    line_height = 5 * mm
    for i, text in enumerate(recipient[:ADDRESS_MAX_LINES]):
        c.drawString(ADDRESS_X, _y(ADDRESS_TOP + 4 * mm + i * line_height), _fit(text, 11))
    c.restoreState()


def _fit(text: str, size: float) -> str:
    """Shorten a line that would stick out of the envelope window."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while text and stringWidth(text, REGULAR, size) > ADDRESS_WIDTH:
        text = text[:-2] + "…"
    return text


def _footer(c: Canvas, head: Letterhead) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    c.saveState()
    c.setStrokeGray(0.6)
    c.setLineWidth(0.5)
    c.line(LEFT, _y(FOOTER_TOP - 4 * mm), PAGE_WIDTH - RIGHT_MARGIN, _y(FOOTER_TOP - 4 * mm))
    columns = [
        (_("Postal address"), [head.unit or head.organisation, *head.address_lines]),
        (_("Phone"), [head.phone] if head.phone else []),
        (_("E-mail / web"), [v for v in (head.email, head.website) if v]),
        (_("Org. number"), [head.org_number] if head.org_number else []),
    ]
    columns = [(title, lines[:3]) for title, lines in columns if lines]
    gap = 6 * mm
    # Columns as wide as their longest line; a smaller size if they would not fit.
    size = 7.5
    while True:
        widths = [
            max(
                stringWidth(t, BOLD if i == 0 else REGULAR, size)
                for i, t in enumerate([title, *lines])
            )
            for title, lines in columns
        ]
        if sum(widths) + gap * (len(widths) - 1) <= TEXT_WIDTH or size <= 5.5:
            break
        size -= 0.5
    x = LEFT
    for (title, lines), width in zip(columns, widths, strict=True):
        c.setFont(BOLD, size)
        c.drawString(x, _y(FOOTER_TOP), title)
        c.setFont(REGULAR, size)
        for i, text in enumerate(lines):
            c.drawString(x, _y(FOOTER_TOP + (i + 1) * 3.3 * mm), text)
        x += width + gap
    c.restoreState()


# --- the flowing part -----------------------------------------------------------------

_SUBJECT = ParagraphStyle("subject", fontName=BOLD, fontSize=12, leading=15, spaceAfter=8)
_BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14, spaceAfter=7)
_SMALL = ParagraphStyle("small", fontName=REGULAR, fontSize=9, leading=12)


def _markup(text: str) -> str:
    """User text as Paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in text.split("\n"))


def _body(letter: Letter) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(_markup(letter.subject), _SUBJECT)]
    for paragraph in letter.paragraphs:
        if paragraph.strip():
            story.append(Paragraph(_markup(paragraph.strip()), _BODY))
    closing: list[Flowable] = [Spacer(1, 4 * mm)]
    greeting = letter.greeting if letter.greeting is not None else _("Kind regards")
    if greeting:
        closing.append(Paragraph(_markup(greeting), _BODY))
    if letter.signatories:
        closing.append(Spacer(1, 8 * mm))
        closing.append(_signature_table(letter.signatories))
    if letter.cc:
        closing.append(Spacer(1, 6 * mm))
        closing.append(
            Paragraph(
                "<b>" + escape(_("Copy to")) + ":</b> " + escape("; ".join(letter.cc)), _SMALL
            )
        )
    story.append(KeepTogether(closing))
    return story


def _signature_table(signatories: list[Signatory]) -> Table:
    cells = []
    for person in signatories[:3]:
        lines = [f"<b>{escape(person.name)}</b>"]
        lines += [escape(v) for v in (person.title, person.phone, person.email) if v]
        cells.append(Paragraph("<br/>".join(lines), _BODY))
    width = TEXT_WIDTH / max(2, len(cells))
    table = Table([cells], colWidths=[width] * len(cells), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # Tables default to Helvetica, which is not embedded.
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
