"""The one exporter: a ``Report`` (reports.model) as PDF, XLSX, CSV or JSON.

- PDF: A4 with the förbund's letterhead, page numbers, each table with its base and
  notes, and its chart drawn with ReportLab's graphics.
- XLSX: a sheet per table; counts are integers, shares numbers with a percent format,
  so a reader can compute with them.
- CSV: UTF-8 with BOM and semicolons (Swedish Excel opens it directly), one block per
  table, decimal commas.
- JSON: the report as data, for other tools.

Every CSV and XLSX cell goes through ``reports.cells`` (formula-like text neutralised).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from finsam_desktop.i18n import _
from finsam_desktop.reports import cells
from finsam_desktop.reports.model import Cell, Column, Kind, Report, Table

FORMATS = ("pdf", "xlsx", "csv", "json")


def write(report: Report, path: Path | str, fmt: str, letterhead: Any = None) -> Path:
    """Write ``report`` to ``path`` as ``fmt`` (pdf, xlsx, csv, json)."""
    path = Path(path)
    if fmt == "pdf":
        return write_pdf(report, path, letterhead)
    if fmt == "xlsx":
        return write_xlsx(report, path)
    if fmt == "csv":
        path.write_text(csv_text(report), encoding="utf-8-sig", newline="")
        return path
    if fmt == "json":
        path.write_text(json_text(report), encoding="utf-8")
        return path
    raise ValueError(fmt)


# --- JSON ---------------------------------------------------------------------------


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON data; a report's own fields (``Report.data``) come first."""
    return report.data | {
        "report": report.key,
        "title": report.title,
        "organisation": report.organisation,
        "period": report.period or {"label": report.period_label},
        "filters": [{"what": w, "value": v} for w, v in report.filters],
        "created": report.created.isoformat(),
        "notes": report.notes,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "base": t.base,
                "notes": t.notes,
                "columns": [
                    {"title": c.title, "kind": c.kind.value, "decimals": c.decimals}
                    for c in t.columns
                ],
                "rows": t.rows,
            }
            for t in report.tables
        ],
    }


def json_text(report: Report) -> str:
    return (
        json.dumps(report_dict(report), ensure_ascii=False, indent=2, default=_json_default) + "\n"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


# --- CSV ----------------------------------------------------------------------------


def _csv_value(column: Column, value: Cell) -> str | int:
    """Numbers as a Swedish spreadsheet reads them: 54,4 (a percentage), 38,9, 180."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # the writer neutralises text
    if column.kind is Kind.SHARE:
        return cells.FormattedNumber(f"{value * 100:.{column.decimals}f}".replace(".", ","))
    if column.kind is Kind.NUMBER:
        return cells.FormattedNumber(f"{value:.{column.decimals}f}".replace(".", ","))
    if isinstance(value, float):
        return cells.FormattedNumber(str(value).replace(".", ","))
    return value


def csv_header(column: Column) -> str:
    return column.title + (" (%)" if column.kind is Kind.SHARE else "")


def csv_text(report: Report, with_heading: bool = True) -> str:
    """All tables in one file: each titled, with its base and its own header row."""
    out = io.StringIO()
    writer = cells.csv_writer(out, delimiter=";", lineterminator="\r\n")
    if with_heading:
        for line in report.heading():
            writer.writerow([line])
        writer.writerow([])
    for i, table in enumerate(report.tables):
        if i:
            writer.writerow([])
        writer.writerow([table.title])
        if table.base:
            writer.writerow([table.base])
        writer.writerow([csv_header(c) for c in table.columns])
        for r, row in enumerate(table.rows):
            writer.writerow([_csv_value(table.column_at(r, c), v) for c, v in enumerate(row)])
        for note in table.notes:
            writer.writerow([note])
    return out.getvalue()


# --- XLSX ---------------------------------------------------------------------------

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, no []:*?/\\, unique."""
    names: list[str] = []
    for title in titles:
        base = _BAD_SHEET_CHARS.sub("-", title).strip()[:31] or "Blad"
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def number_format(column: Column) -> str | None:
    if column.kind is Kind.SHARE:
        return "0" + ("." + "0" * column.decimals if column.decimals else "") + " %"
    if column.kind is Kind.NUMBER:
        return "0" + ("." + "0" * column.decimals if column.decimals else "")
    if column.kind is Kind.COUNT:
        return "#,##0"
    return None


def write_xlsx(report: Report, path: Path | str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    heading = report.heading()
    for table, name in zip(
        report.tables, sheet_names([t.title for t in report.tables]), strict=True
    ):
        sheet = book.create_sheet(name)
        for line in heading:
            cells.append_row(sheet, [line])
        cells.append_row(sheet, [table.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        if table.base:
            cells.append_row(sheet, [table.base])
        cells.append_row(sheet, [])
        cells.append_row(sheet, [c.title for c in table.columns])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for index, row in enumerate(table.rows):
            cells.append_row(sheet, [v if isinstance(v, str) else v for v in row])
            row_no = sheet.max_row
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row_no, c)
                column = table.column_at(index, c - 1)
                fmt = number_format(column)
                if isinstance(value, float) and column.kind is Kind.COUNT:
                    fmt = "0.0"
                if isinstance(value, int | float) and fmt:
                    cell.number_format = fmt
                elif isinstance(value, str) and column.kind is not Kind.TEXT:
                    cell.alignment = right
                if index in table.bold_rows:
                    cell.font = bold
        for note in table.notes:
            cells.append_row(sheet, [note])
        widths = [len(c.title) for c in table.columns]
        for row in table.texts():
            for i, text in enumerate(row):
                widths[i] = max(widths[i], len(text))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    book.save(path)
    return path


# --- PDF ----------------------------------------------------------------------------


def chart_drawing(chart, width: float, height: float):
    """The chart as a ReportLab Drawing (the PDF draws it; the window shows it as SVG)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    palette = [colors.HexColor(c) for c in ("#2f6f9f", "#d9822b", "#6a9f3b", "#8e5ea2")]
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, chart.title, fontName=BOLD, fontSize=9))
    bars = VerticalBarChart()
    legend_h = 14 if len(chart.series) > 1 else 0
    bars.x, bars.y = 34, 42 + legend_h
    bars.width, bars.height = width - 44, height - 62 - legend_h
    data = [[v * 100 if chart.percent else v for v in values] for _n, values in chart.series]
    bars.data = data or [[0]]
    top = max([max(s) for s in data if s] + [1])
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top * 1.15 if top > 0 else 1
    bars.valueAxis.labels.fontName = REGULAR
    bars.valueAxis.labels.fontSize = 7
    if chart.percent:
        bars.valueAxis.labelTextFormat = "%d %%"
    bars.categoryAxis.categoryNames = [_two_lines(c) for c in chart.categories]
    bars.categoryAxis.labels.fontName = REGULAR
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 30 if len(chart.categories) > 4 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 4 else "n"
    bars.barSpacing = 1
    bars.groupSpacing = 6
    for i in range(len(data)):
        bars.bars[i].fillColor = palette[i % len(palette)]
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    if legend_h:
        legend = Legend()
        legend.x, legend.y = 34, 8
        legend.fontName = REGULAR
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.dx = legend.dy = 7
        legend.deltax = 70
        legend.colorNamePairs = [
            (palette[i % len(palette)], name) for i, (name, _v) in enumerate(chart.series)
        ]
        drawing.add(legend)
    return drawing


def _two_lines(text: str, limit: int = 18) -> str:
    """A bar's label on at most two lines of about ``limit`` characters: broken at the
    space nearest the middle, only the rest past two lines shortened."""
    from finsam_desktop.reports.page import clip

    if len(text) <= limit or " " not in text:
        return clip(text, limit)
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return clip(text[:cut], limit) + "\n" + clip(text[cut + 1 :], limit)


def chart_svg(chart, width: float = 420, height: float = 210) -> bytes:
    from reportlab.graphics import renderSVG

    svg = renderSVG.drawToString(chart_drawing(chart, width, height))
    # Qt's SVG renderer (SVG Tiny) draws a <clipPath> as a black rectangle and knows
    # the font by its family name: keep the drawing, drop the clip, name the family.
    svg = re.sub(r"<clipPath.*?</clipPath>", "", svg, flags=re.DOTALL)
    svg = svg.replace("clip-path: url(#clip)", "")
    svg = svg.replace("font-family: DejaVuSans-Bold", "font-family: DejaVu Sans; font-weight: bold")
    svg = svg.replace("font-family: DejaVuSans", "font-family: DejaVu Sans")
    return svg.encode("utf-8")


def write_pdf(report: Report, path: Path | str, letterhead: Any = None) -> Path:
    """The report on the program's one page layout (reports.page): the förbund's
    letterhead and the title on the first page, "2 (3)" on later ones.
    ``letterhead``: the förbund (services.organisation.get_federation) or None."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from finsam_desktop.domain.letters import Letterhead
    from finsam_desktop.reports import page
    from finsam_desktop.reports.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    grid = colors.HexColor("#b8c4ce")
    head_bg = colors.HexColor("#e7eef4")
    st = {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceBefore=6),
        "sub": ParagraphStyle("sub", fontName=REGULAR, fontSize=10, leading=13),
        "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10),
        "base": ParagraphStyle(
            "base", fontName=REGULAR, fontSize=8.5, leading=11, textColor=colors.HexColor("#444")
        ),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=10.5),
        "cellb": ParagraphStyle("cellb", fontName=BOLD, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=7, leading=8.5),
        "body": ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, spaceAfter=2),
    }
    organisation = getattr(letterhead, "name", "") or report.organisation or "Finsam Desktop"
    address = getattr(letterhead, "address", None)
    lines = []
    if address is not None:
        lines = [address.street, f"{address.postcode} {address.city}".strip()]
    head = page.Head(
        letterhead=Letterhead(
            organisation=organisation,
            address_lines=[line for line in lines if line],
            phone=getattr(letterhead, "phone", ""),
            email=getattr(letterhead, "email", ""),
            website=getattr(letterhead, "website", ""),
            org_number=getattr(letterhead, "org_number", ""),
            logo_png=getattr(letterhead, "logo_png", None),
        ),
        title=report.title,
        date=report.created or date.today(),
        reference=report.period_label,
        footer_note=_("Created with Finsam Desktop. Contains no names or personnummer."),
    )
    story: list = [*page.heading(report.title, st["title"])]
    for line in report.heading()[1:]:
        if line not in (report.title, organisation):
            story.append(Paragraph(escape(page.clip(line, 300)), st["sub"]))
    for note in report.notes:
        story += page.flow(note, st["body"])
    for table in report.tables:
        story += _table_flowables(table, st, page.TEXT_WIDTH, grid, head_bg)
    pdf = page.render(
        [page.Part(head, story)],
        title=report.title,
        author=organisation,
        subject=report.period_label,
    )
    path = Path(path)
    path.write_bytes(pdf)
    return path


def _column_widths(table: Table, texts: list[list[str]], width: float) -> list[float]:
    """Figures get what their longest header word and value need (words are not split
    when it fits); the label column gets the rest, at least 30 mm."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from finsam_desktop.reports.fonts import BOLD, REGULAR

    n = len(table.columns)
    if n <= 3:
        first = width * 0.6
        return [first] + [(width - first) / max(n - 1, 1)] * (n - 1)
    head_size, padding = _head_size(n), _padding(n)
    rest = []
    for c, column in enumerate(table.columns[1:], start=1):
        word = max((stringWidth(w, BOLD, head_size) for w in column.title.split()), default=0)
        cells = max((stringWidth(row[c], REGULAR, 8.5) for row in texts), default=0)
        floor = 11 * mm if n > WIDE else 13 * mm
        rest.append(max(floor, word + 2 * padding + 2, min(cells + 14, 40 * mm)))
    label_word = max(
        (stringWidth(w, BOLD, 8.5) for row in texts for w in row[0].split()), default=0
    )  # a label's longest word is never split either
    room = width - max(25 * mm if n > WIDE else 30 * mm, label_word + 2 * padding + 2)
    if sum(rest) > room:
        rest = [w * room / sum(rest) for w in rest]
    first = min(width - sum(rest), 75 * mm)
    spare = width - first - sum(rest)
    rest = [w + spare / len(rest) for w in rest]
    return [first, *rest]


# A table of more columns than this (Uppföljning Finsam: nine figures per insats) gets
# smaller headings and narrower padding, so no heading word is split across lines.
WIDE = 8


def _head_size(n: int) -> float:
    return 6.5 if n > WIDE else 7 if n > 6 else 8.5


def _padding(n: int) -> float:
    return 3 if n > WIDE else 6


# A table cell shows at most this much of a label (a category named with a whole essay
# would otherwise make a row taller than a page); the XLSX and CSV keep all of it.
CELL_CHARS = 300


def _table_flowables(table: Table, st, width: float, grid, head_bg) -> list:
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from finsam_desktop.reports.fonts import BOLD, REGULAR
    from finsam_desktop.reports.page import clip

    n = len(table.columns)
    texts = table.texts()
    widths = _column_widths(table, texts, width)
    head = st["head"] if n > 6 else st["cellb"]
    if n > WIDE:
        head = ParagraphStyle("head_wide", parent=head, fontSize=_head_size(n), leading=8)
    data = [[Paragraph(escape(c.title), head) for c in table.columns]]
    for i, row in enumerate(texts):
        style = st["cellb"] if i in table.bold_rows else st["cell"]
        data.append(
            [
                Paragraph(escape(clip(text, CELL_CHARS)), style)
                if table.columns[c].kind is Kind.TEXT
                else text
                for c, text in enumerate(row)
            ]
        )
    pdf_table = PdfTable(data, colWidths=widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), head_bg),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, grid),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, grid),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), _padding(n)),
        ("RIGHTPADDING", (0, 0), (-1, -1), _padding(n)),
    ]
    for c, column in enumerate(table.columns):
        if column.kind is not Kind.TEXT:
            commands.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    for i in table.bold_rows:
        commands.append(("FONT", (0, i + 1), (-1, i + 1), BOLD, 8.5))
    pdf_table.setStyle(TableStyle(commands))
    block = [Paragraph(escape(clip(table.title, CELL_CHARS)), st["h2"])]
    if table.base:
        block.append(Paragraph(escape(clip(table.base, CELL_CHARS)), st["base"]))
    block += [Spacer(1, 1.5 * mm), pdf_table]
    for note in table.notes:
        block.append(Paragraph(escape(note), st["base"]))
    out: list = [KeepTogether(block)]
    if table.chart is not None and table.chart.categories:
        out += [Spacer(1, 2 * mm), chart_drawing(table.chart, width, 62 * mm)]
    return out


# --- text (the command line without --out) -----------------------------------------


def plain_text(report: Report) -> str:
    lines = [*report.heading(), ""]
    for table in report.tables:
        lines.append(table.title)
        if table.base:
            lines.append(table.base)
        texts = [[c.title for c in table.columns]]
        texts += table.texts()
        widths = [max(len(r[i]) for r in texts) for i in range(len(table.columns))]
        for r in texts:
            first = r[0].ljust(widths[0])
            lines.append(
                "  ".join([first, *(v.rjust(w) for v, w in zip(r[1:], widths[1:], strict=True))])
            )
        lines += [*table.notes, ""]
    return "\n".join(lines)
