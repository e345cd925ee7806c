"""The access log as CSV or XLSX for the administrator's log review (logguppföljning).

User and person names come from the database: every cell goes through
``reports.cells``, so a name can never act as a formula in the reader's program.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from finsam_desktop.i18n import _
from finsam_desktop.reports.cells import append_row, csv_writer, open_csv


def write_csv(dest: Path, headers: Sequence[str], rows: Sequence[Sequence]) -> Path:
    # UTF-8 with BOM and semicolons: what Excel on a Swedish Windows opens correctly.
    with open_csv(dest) as fh:
        writer = csv_writer(fh, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return dest


def write_xlsx(dest: Path, headers: Sequence[str], rows: Sequence[Sequence]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Access log")[:31]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", (20, 16, 18, 18, 10, 10, 80), strict=False):
        sheet.column_dimensions[column].width = width
    book.save(dest)
    return dest
