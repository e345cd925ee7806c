"""The one way a cell reaches a CSV or XLSX file: text can never become a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return before one of them) as a formula, so a
category name or a surname such as ``=HYPERLINK("http://…")`` would otherwise act
when the reader opens the export. As OWASP recommends ("CSV injection"), such text is
written with an apostrophe in front: ``'=HYPERLINK(…)``. The same text in an XLSX file
gets the same apostrophe and is also stored as a string cell (``data_type 's'``),
never as a formula. Numbers (a negative number too), dates and booleans stay what
they are, so a reader can still sum them.

Every CSV and XLSX writer of the program goes through this module
(``tests/reports/test_export_cells.py`` enumerates them):

- ``safe_text(text)``: the neutralised text (the rule itself);
- ``csv_value(value)`` / ``xlsx_value(value)``: one cell for either format;
- ``csv_writer(file, delimiter=";")``: a ``csv.writer`` whose every row is neutralised;
- ``open_csv(path)``: UTF-8 with BOM, what Excel on a Swedish Windows opens directly;
- ``append_row(sheet, values)``: append to an openpyxl sheet (normal or write-only)
  with every text cell written as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, Any

NEUTRALISER = "'"
# What makes a spreadsheet program read a cell as a formula (OWASP: = + - @ tab CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Leading white space some programs skip before looking for a formula sign.
_LEADING_SPACE = " \t\r\n\u00a0\u3000"
# Also the full-width forms that some programs fold to the ASCII signs.
_WIDE_START = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_MAX_CHARS = 32_767  # what one Excel cell can hold
# XML 1.0 cannot hold these; openpyxl refuses them, so they become U+FFFD in an XLSX.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

NUMBER_TYPES = (int, float, Decimal)
KEPT_TYPES = (bool, *NUMBER_TYPES, datetime, date, time, timedelta)


def needs_neutralising(text: str) -> bool:
    signs = FORMULA_START + _WIDE_START
    return text.startswith(signs) or text.lstrip(_LEADING_SPACE).startswith(signs)


def safe_text(text: str) -> str:
    """``text`` as it may stand in a cell: with an apostrophe in front if a spreadsheet
    program would otherwise read it as a formula; lone surrogates (which no file
    encoding can hold) become U+FFFD."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return NEUTRALISER + text if needs_neutralising(text) else text


def _plain(value: Any) -> Any:
    """Numbers, dates and booleans as they are; everything else as text."""
    if value is None or isinstance(value, KEPT_TYPES):
        return value
    if isinstance(value, Enum):
        value = getattr(value, "label", value.value)
    return str(value)


class FormattedNumber(str):
    """A number already written the Swedish way ("54,4", "-3"): a CSV cell takes it as it
    is, since it holds nothing but a sign, digits and one decimal comma."""


_FORMATTED_NUMBER = re.compile(r"-?\d+(?:,\d+)?")


def csv_value(value: Any) -> Any:
    """One CSV cell: '' for None, numbers as numbers, text neutralised."""
    if isinstance(value, FormattedNumber) and _FORMATTED_NUMBER.fullmatch(value):
        return str(value)
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def xlsx_value(value: Any) -> Any:
    """One XLSX cell value: numbers, dates and booleans kept; text neutralised, with what
    XML cannot hold replaced and cut to what an Excel cell can hold."""
    value = _plain(value)
    if isinstance(value, str):
        value = _XML_ILLEGAL.sub("\ufffd", safe_text(value))
        if len(value) > XLSX_MAX_CHARS:
            value = value[: XLSX_MAX_CHARS - 1] + "…"
    return value


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through ``csv_value``."""

    def __init__(self, file: IO[str], delimiter: str = ";", **kwargs: Any):
        self._writer = csv.writer(file, delimiter=delimiter, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_value(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: IO[str], delimiter: str = ";", **kwargs: Any) -> SafeCsvWriter:
    return SafeCsvWriter(file, delimiter=delimiter, **kwargs)


def open_csv(path: Path | str) -> IO[str]:
    """A CSV file to write: UTF-8 with BOM (Swedish Excel reads å ä ö right)."""
    return open(path, "w", encoding="utf-8-sig", newline="", errors="replace")


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` as one row of an openpyxl sheet, every text cell as text."""
    from openpyxl.cell import Cell, WriteOnlyCell

    row = [xlsx_value(v) for v in values]
    if hasattr(sheet, "_get_writer"):  # a write-only sheet: cells made here, as strings
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        sheet.append(cells)
        return
    sheet.append(row)
    row_no = sheet._current_row  # the row append just wrote
    for column, value in enumerate(row, start=1):
        if isinstance(value, str):
            cell: Cell = sheet.cell(row_no, column)
            cell.data_type = "s"  # never a formula, whatever the text
