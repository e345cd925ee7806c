"""The common shape of a printed case document (kartläggning, handlingsplan): a header
naming the team, the document and the participant, headings, question/answer tables,
and signature lines. Fonts are embedded (DejaVu Sans), so å ä ö print everywhere."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from finsam_desktop.domain.casework import CaseOverview
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts
from finsam_desktop.reports.page import MARGIN, WIDTH, a4_document, footer, page_number

# Paragraphs are built before the document, so the fonts must be known from the start.
register_fonts()

TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4)
HEADING = ParagraphStyle(
    "heading", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4
)
BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13)
SMALL = ParagraphStyle("small", fontName=REGULAR, fontSize=8.5, leading=11, textColor=colors.grey)
LABEL = ParagraphStyle("label", fontName=BOLD, fontSize=9.5, leading=12)


@dataclass(frozen=True)
class DocumentHeader:
    title: str
    team: str
    person_name: str
    personnummer: str
    printed_on: date
    subtitle: str = ""


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """User text as a paragraph: escaped, line breaks kept."""
    return Paragraph("<br/>".join(escape(line) for line in (value or "").split("\n")), style)


def grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    """A table of Paragraphs (wrapping), with a shaded header row."""
    cells = [[c if isinstance(c, Flowable) else text(str(c)) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(0.75, 0.75, 0.75)),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.94, 0.97)))
    table.setStyle(TableStyle(style))
    return table


def signature_lines(signers: list[tuple[str, str]]) -> Flowable:
    """Lines to sign on: (role, name) pairs side by side, with place and date."""
    width = WIDTH / len(signers)
    line = "_" * 34
    place_and_date = _("Place and date")
    cells = [
        text(f"{place_and_date}\n\n{line}\n\n\n{line}\n{name}\n{role}", BODY)
        for role, name in signers
    ]
    table = Table([cells], colWidths=[width] * len(signers), hAlign="LEFT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 10 * mm), table])


def render(header: DocumentHeader, story: list[Flowable]) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    furniture = footer(
        f"{header.team} · {header.title}",
        lambda page: page_number(page) + " · " + format_date(header.printed_on),
        colors.Color(0.4, 0.4, 0.4),
    )
    doc = a4_document(
        buffer,
        top=MARGIN,
        bottom=22 * mm,
        title=f"{header.title} – {header.person_name}",
        author=header.team,
        creator="Finsam Desktop",
    )
    top: list[Flowable] = [
        text(header.team, SMALL),
        text(header.title, TITLE),
    ]
    if header.subtitle:
        top.append(text(header.subtitle, SMALL))
    top.append(Spacer(1, 3 * mm))
    top.append(
        grid(
            [
                [text(_("Participant"), LABEL), header.person_name],
                [text(_("Personal identity number"), LABEL), header.personnummer],
            ],
            [45 * mm, WIDTH - 45 * mm],
            header=False,
        )
    )
    doc.build(top + story, onFirstPage=furniture, onLaterPages=furniture)
    return buffer.getvalue()


def case_pdf(
    case: CaseOverview, title: str, subtitle: str, printed_on: date, story: list[Flowable]
) -> bytes:
    """A case document about the participant, signed by them and the contact person."""
    header = DocumentHeader(
        title=title,
        team=case.insats_name,
        person_name=case.person_name,
        personnummer=case.personnummer,
        printed_on=printed_on,
        subtitle=subtitle,
    )
    signers = [
        (_("Participant"), case.person_name),
        (_("Contact person"), case.contact_person_name),
    ]
    return render(header, [*story, signature_lines(signers)])
