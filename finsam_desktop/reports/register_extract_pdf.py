"""The registerutdrag as a PDF: a heading per table, a two-column block per record."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from finsam_desktop.i18n import _, format_datetime
from finsam_desktop.reports.fonts import BOLD, register_fonts
from finsam_desktop.services.register_extract import RegisterExtract

LABEL_WIDTH = 55 * mm
PAGE_MARGIN = 18 * mm


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": body,
        "label": ParagraphStyle("label", parent=body, textColor=colors.HexColor("#444444")),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # Free text keeps its line breaks; markup characters typed by users print as typed.
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render(extract: RegisterExtract) -> bytes:
    font = register_fonts()
    st = _styles(font)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=_("Register extract"),
        initialFontName=font,
    )
    width = A4[0] - 2 * PAGE_MARGIN
    story = [
        _para(_("Register extract"), st["title"]),
        Spacer(1, 4),
        _para(
            _("Everything {organisation} holds about {name}, {personnummer}.").format(
                organisation=extract.organisation or _("the team"),
                name=extract.name,
                personnummer=extract.personnummer,
            ),
            st["body"],
        ),
        _para(
            _("Produced {when} under article 15 of the General Data Protection Regulation.").format(
                when=format_datetime(extract.produced_at)
            ),
            st["small"],
        ),
    ]
    for section in extract.sections:
        heading = _para(section.title, st["h2"])
        for number, record in enumerate(section.records):
            data = [[_para(k, st["label"]), _para(v, st["body"])] for k, v in record.fields]
            if not data:
                continue
            table = Table(data, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            # A heading never stands alone at the foot of a page: it keeps its first record.
            block = [heading, table] if number == 0 else [table]
            if len(data) < 25:
                story.append(KeepTogether(block))
            else:  # longer than a page may hold: let it split (the heading keeps with it)
                story.extend(block)
            story.append(Spacer(1, 5))
    story.append(_para(_("Who has opened or changed the record"), st["h2"]))
    if extract.access_log:
        rows = [[_para(h, st["label"]) for h in (_("When"), _("Who"), _("What"))]]
        rows += [[_para(c, st["small"]) for c in entry] for entry in extract.access_log]
        log_table = Table(rows, colWidths=[32 * mm, 40 * mm, width - 72 * mm], repeatRows=1)
        log_table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ]
            )
        )
        story.append(log_table)
    else:
        story.append(_para(_("No entries."), st["body"]))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(register_fonts(), 8)
    canvas.drawRightString(A4[0] - PAGE_MARGIN, 10 * mm, _("Page {n}").format(n=doc.page))
    canvas.restoreState()


def write(extract: RegisterExtract, path) -> None:
    from pathlib import Path

    Path(path).write_bytes(render(extract))
