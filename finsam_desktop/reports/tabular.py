"""Summary tables written as XLSX, CSV and JSON, for any statistics of the program.

A ``Table`` is a titled grid whose numbers stay numbers: the XLSX has one sheet per
table with integers and percentages as numeric cells (a reader can sum them), the
CSV is UTF-8 with a BOM and semicolons (what Swedish Excel opens directly), and the
JSON is for other tools. Every cell goes through ``reports.cells``: text that a
spreadsheet would run as a formula is neutralised, numbers stay numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from finsam_desktop.reports.cells import append_row, csv_writer, open_csv

Cell = str | int | float | None


@dataclass
class Table:
    key: str  # stable machine name, e.g. 'gender'
    title: str  # translated, shown above the table and as the sheet name
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""  # e.g. 'Share of 25 lotsärenden'
    total: list[Cell] | None = None  # a last, bold row
    percent_columns: set[int] = field(default_factory=set)  # whole percents (60 = 60 %)


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Excel sheet names: at most 31 characters, no []:*?/\\, unique."""
    names: list[str] = []
    for t in tables:
        base = _BAD_SHEET_CHARS.sub("-", t.title).strip()[:31] or t.key[:31]
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def write_xlsx(path: Path | str, tables: Sequence[Table], heading: Sequence[str] = ()) -> Path:
    """One sheet per table; ``heading`` lines (title, period, ...) on top of each sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table, name in zip(tables, sheet_names(tables), strict=True):
        sheet = book.create_sheet(name)
        for line in heading:
            append_row(sheet, [line])
        append_row(sheet, [table.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        if table.note:
            append_row(sheet, [table.note])
        sheet.append([])
        append_row(sheet, table.columns)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in table.rows:
            append_row(sheet, row)
        if table.total is not None:
            append_row(sheet, table.total)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for column in table.percent_columns:
            for row_no in range(header_row + 1, sheet.max_row + 1):
                sheet.cell(row_no, column + 1).number_format = '0" %"'
        widths = [len(str(c)) for c in table.columns]
        for row in table.rows:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], len(str(value if value is not None else "")))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 70)
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    book.save(path)
    return path


def write_csv(path: Path | str, tables: Sequence[Table], heading: Sequence[str] = ()) -> Path:
    """All tables in one file: each with its own header row, a blank line between them.

    The first column names the table, so a script can also read the file as one list.
    """
    path = Path(path)
    with open_csv(path) as f:
        write_csv_rows(f, tables, heading)
    return path


def write_csv_rows(file, tables: Sequence[Table], heading: Sequence[str] = ()) -> None:
    """The rows of ``write_csv`` to an open text file (a file, or standard output)."""
    writer = csv_writer(file, delimiter=";")
    for line in heading:
        writer.writerow([line])
    if heading:
        writer.writerow([])
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow(["", *table.columns])
        for row in table.rows:
            writer.writerow([table.title, *row])
        if table.total is not None:
            writer.writerow([table.title, *table.total])


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def write_json(path: Path | str, data: dict[str, Any]) -> Path:
    path = Path(path)
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n",
        encoding="utf-8",
    )
    return path


def table_dict(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": table.columns,
        "rows": table.rows,
        "total": table.total,
    }
