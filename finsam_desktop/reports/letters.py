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
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.i18n import _
from finsam_desktop.reports.fonts import BOLD, REGULAR
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


def _signature_table(signatories: list[Signatory]) -> Table:
    cells = []
    for person in signatories[:3]:
        lines = [Paragraph(markup(clip(person.name, 120)), SIGNATURE_NAME)]
        lines += [Paragraph(markup(clip(v, 120)), SIGNATURE) for v in person.lines()[1:]]
        cells.append(lines)
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
