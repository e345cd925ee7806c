"""Real A4 letters a coordinator posts: kallelse, remissvar, closing summaries.

Layout follows Swedish business-letter practice (SIS letter layout, SS 03 37):

- the letterhead (logo, förbund, insats) in the upper left corner;
- document type, date, reference and page "1 (2)" in the upper right, above the
  address field (the layout every printout shares: ``reports.page``);
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

from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.i18n import _
from finsam_desktop.reports.fonts import BOLD
from finsam_desktop.reports.page import (  # noqa: F401 (the window's place, for callers)
    ADDRESS_HEIGHT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    ADDRESS_X,
    LETTER_BODY,
    LETTER_HEADING,
    PAGE_HEIGHT,
    SMALL,
    SUBJECT,
    TEXT_WIDTH,
    Head,
    Heading,
    Paragraph,
    Part,
    clip,
    flow,
    heading,
    keep_with_last,
    markup,
    render,
)


@dataclass
class LetterSection:
    """A headed part of a letter's body ("Sammanfattning", "Rekommendationer")."""

    title: str
    text: str


@dataclass
class Letter:
    letterhead: Letterhead
    recipient: list[str] | None  # name and postal address; None: no address printed
    date: date
    reference: str
    subject: str
    paragraphs: list[str | LetterSection]
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
    return render(
        [letter_part(letter) for letter in letters],
        title=letters[0].subject,
        author=letters[0].letterhead.organisation,
    )


def letter_part(letter: Letter) -> Part:
    head = Head(
        letterhead=letter.letterhead,
        title=letter.document_type,
        date=letter.date,
        reference=letter.reference,
        # A letter always has the window; an empty one for protected identity.
        recipient=list(letter.recipient or []),
        copy_label=letter.copy_label,
    )
    return Part(head, _body(letter))


def _body(letter: Letter) -> list[Flowable]:
    story: list[Flowable] = [Heading(markup(clip(letter.subject, 500)), SUBJECT)]
    for paragraph in letter.paragraphs:
        if isinstance(paragraph, LetterSection):
            if paragraph.text.strip():
                story += heading(paragraph.title, LETTER_HEADING)
                story += flow(paragraph.text.strip(), LETTER_BODY)
        elif paragraph.strip():
            story += flow(paragraph.strip(), LETTER_BODY)
    closing: list[Flowable] = [Spacer(1, 4 * mm)]
    greeting = letter.greeting if letter.greeting is not None else _("Kind regards")
    if greeting:
        closing.append(Paragraph(markup(clip(greeting, 300)), LETTER_BODY))
    if letter.signatories:
        closing.append(Spacer(1, 8 * mm))
        closing.append(_signature_table(letter.signatories))
    if letter.cc:
        closing.append(Spacer(1, 6 * mm))
        closing.append(
            Paragraph(
                "<b>" + escape(_("Copy to")) + ":</b> " + markup(clip("; ".join(letter.cc), 600)),
                SMALL,
            )
        )
    return keep_with_last(story, closing)


# The signature's lines: the name in bold, then title, phone, e-mail, each a paragraph
# of its own (one font each: ReportLab draws those lines fastest), set as closely as
# the lines of one paragraph.
SIGNATURE = ParagraphStyle("signature", parent=LETTER_BODY, spaceAfter=0, spaceBefore=0)
SIGNATURE_NAME = ParagraphStyle("signature_name", parent=SIGNATURE, fontName=BOLD)


class _Signatures(Flowable):
    """Up to three signature blocks side by side, each in a column of the given width,
    top-aligned, with the room a table's cell leaves (3 pt above and below, 6 pt to the
    right): what a one-row Table drew, without a table's layout work on every letter."""

    TOP = BOTTOM = 3
    RIGHT = 6
    measured_alone = True  # its measuring adds nothing to the frame (page.keep_with_last)

    def __init__(self, columns: list[list[Paragraph]], width: float):
        super().__init__()
        self.columns, self.column_width = columns, width
        self.heights: list[list[float]] = []

    def wrap(self, available_width, available_height):
        room = self.column_width - self.RIGHT
        self.heights = [[p.wrap(room, available_height)[1] for p in c] for c in self.columns]
        self.width = self.column_width * len(self.columns)
        self.height = max(sum(h) for h in self.heights) + self.TOP + self.BOTTOM
        return self.width, self.height

    def draw(self) -> None:
        for i, (column, heights) in enumerate(zip(self.columns, self.heights, strict=True)):
            y = self.height - self.TOP
            for paragraph, height in zip(column, heights, strict=True):
                y -= height
                paragraph.drawOn(self.canv, i * self.column_width, y)


def _signature_table(signatories: list[Signatory]) -> Flowable:
    cells = []
    for person in signatories[:3]:
        lines = [Paragraph(markup(clip(person.name, 120)), SIGNATURE_NAME)]
        lines += [Paragraph(markup(clip(v, 120)), SIGNATURE) for v in person.lines()[1:]]
        cells.append(lines)
    return _Signatures(cells, TEXT_WIDTH / max(2, len(cells)))
