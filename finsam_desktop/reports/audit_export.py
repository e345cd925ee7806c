"""The access log as CSV or XLSX for the administrator's log review (logguppföljning)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from finsam_desktop.i18n import _


def write_csv(dest: Path, headers: Sequence[str], rows: Sequence[Sequence]) -> Path:
    # UTF-8 with BOM and semicolons: what Excel on a Swedish Windows opens correctly.
    with open(dest, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return dest


def write_xlsx(dest: Path, headers: Sequence[str], rows: Sequence[Sequence]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Access log")[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", (20, 16, 18, 18, 10, 10, 80), strict=False):
        sheet.column_dimensions[column].width = width
    book.save(dest)
    return dest
