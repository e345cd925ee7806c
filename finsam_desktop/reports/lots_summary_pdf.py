"""The lots summary as a PDF a samverkanskoordinator hands to Lokus and the förbund.

Page one states the period and municipality and the summary in the words of the
seed's reports; then the key figures and one table per breakdown, each with its
base ("Andel av 25 lotsärenden") and a bar per row. No names or personnummer exist
in a summary, so the report carries none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from finsam_desktop.domain.letters import Letterhead
from finsam_desktop.domain.lots import LotsSummary
from finsam_desktop.i18n import _, format_date, format_number, format_whole_percent
from finsam_desktop.reports.fonts import BOLD, REGULAR
from finsam_desktop.reports.lots_tables import breakdown_table as as_table
from finsam_desktop.reports.lots_tables import heading, key_figures, summary_sentences
from finsam_desktop.reports.page import HEADING, WIDTH, Head, Part, clip, flow, render

BAR_COLOUR = colors.HexColor("#2f6f9f")
GRID = colors.HexColor("#b8c4ce")
HEAD_BG = colors.HexColor("#e7eef4")


class Bar(Flowable):
    """A horizontal bar for a share from 0 to 1."""

    def __init__(self, share: float | None, width: float, height: float = 3.2 * mm):
        super().__init__()
        self.share, self.width, self.height = share or 0.0, width, height

    def wrap(self, _avail_width, _avail_height):
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(colors.HexColor("#eef2f5"))
        self.canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        self.canv.setFillColor(BAR_COLOUR)
        self.canv.rect(0, 0, self.width * min(self.share, 1.0), self.height, stroke=0, fill=1)


def _styles():
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=21, spaceAfter=4),
        "sub": ParagraphStyle("sub", fontName=REGULAR, fontSize=10.5, leading=14),
        "h2": ParagraphStyle("h2", parent=HEADING, spaceBefore=8, spaceAfter=1),
        "note": ParagraphStyle(
            "note", fontName=REGULAR, fontSize=8.5, leading=11, textColor=colors.HexColor("#555")
        ),
        "body": ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=3),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11),
        "cellb": ParagraphStyle("cellb", fontName=BOLD, fontSize=9, leading=11),
    }


def _num(value) -> str:
    return "" if value is None else format_number(value)


def _pct(value) -> str:
    return format_whole_percent(value)


def _cell(value, style) -> Paragraph:
    """A label cell: escaped and clipped (an imported category name can be any length)."""
    return Paragraph(escape(clip(str(value or ""), 300)), style)


def _table_style(rows: int, bold_last: bool) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("FONT", (0, 0), (-1, 0), BOLD, 9),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("ALIGN", (1, 0), (2, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if bold_last:
        commands += [("FONT", (0, rows - 1), (-1, rows - 1), BOLD, 9)]
    return TableStyle(commands)


def _breakdown_flowables(b, st) -> list:
    t = as_table(b)
    has_extra = bool(b.extra_title)
    label_w = WIDTH * (0.44 if has_extra else 0.52)
    widths = [label_w, 19 * mm, 19 * mm]
    if has_extra:
        widths.append(32 * mm)
    widths.append(WIDTH - sum(widths))
    header = [_cell(t.columns[0], st["cellb"]), t.columns[1], t.columns[2]]
    if has_extra:
        header.append(_cell(t.columns[3], st["cellb"]))
    header.append("")
    data = [header]
    for row in t.rows:
        cells = [_cell(row[0], st["cell"]), _num(row[1]), _pct(row[2])]
        if has_extra:
            cells.append(_num(row[3]))
        cells.append(Bar(b.share(row[1]), widths[-1] - 6))
        data.append(cells)
    total = [_cell(t.total[0], st["cellb"]), _num(t.total[1]), _pct(t.total[2])]
    if has_extra:
        total.append("")
    total.append("")
    data.append(total)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(len(data), True))
    if has_extra:
        table.setStyle(TableStyle([("ALIGN", (3, 0), (3, -1), "RIGHT")]))
    return [
        CondPageBreak(40 * mm),
        KeepTogether(
            [
                _cell(b.title, st["h2"]),
                _cell(t.note, st["note"]),
                Spacer(1, 1.5 * mm),
                table,
            ]
        ),
    ]


def _key_figures_flowables(summary: LotsSummary, st) -> list:
    t = key_figures(summary)
    data = [[_cell(t.columns[0], st["cellb"]), t.columns[1], t.columns[2],
             _cell(t.columns[3], st["cellb"])]]  # fmt: skip
    for row in t.rows:
        data.append(
            [
                _cell(row[0], st["cell"]),
                _num(row[1]),
                _pct(row[2]),
                _cell(row[3], st["cell"]),
            ]
        )
    table = Table(data, colWidths=[WIDTH * 0.42, 19 * mm, 19 * mm, WIDTH * 0.58 - 38 * mm])
    table.setStyle(_table_style(len(data), False))
    return [
        CondPageBreak(40 * mm),
        KeepTogether([_cell(t.title, st["h2"]), Spacer(1, 1.5 * mm), table]),
    ]


def lots_summary_pdf(
    summary: LotsSummary, organisation: str = "", created: date | None = None
) -> bytes:
    st = _styles()
    created = created or date.today()
    lines = heading(summary, organisation)
    head = Head(
        letterhead=Letterhead(organisation=organisation or "Finsam Desktop"),
        title=lines[0],
        date=created,
        footer_note=_(
            "Created {date} with Finsam Desktop. Contains no names or personnummer."
        ).format(date=format_date(created)),
    )
    story: list = [_cell(lines[0], st["title"])]
    for line in lines[1:]:
        story.append(_cell(line, st["sub"]))
    story.append(Spacer(1, 5 * mm))
    for sentence in summary_sentences(summary):
        story += flow(sentence, st["body"])
    story.append(Spacer(1, 2 * mm))
    story += _key_figures_flowables(summary, st)
    for b in summary.breakdowns:
        story += _breakdown_flowables(b, st)
    return render(
        [Part(head, story)],
        title=lines[0],
        author=organisation or "Finsam Desktop",
        subject=" – ".join(lines[1:]),
    )


def write_lots_summary_pdf(
    path: Path | str, summary: LotsSummary, organisation: str = "", created: date | None = None
) -> Path:
    path = Path(path)
    path.write_bytes(lots_summary_pdf(summary, organisation, created))
    return path
