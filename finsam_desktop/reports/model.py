"""A report is data: titled tables with their bases, notes and charts.

Services build a ``Report``; ``reports.export`` writes it to PDF, XLSX, CSV or JSON,
and the window shows it, all through ``format_cell`` so a figure reads the same on
screen and in every file. Nothing here imports ReportLab, openpyxl or Qt.

Cells keep their kind: a count is an ``int``, a share is a fraction already rounded
to what the report prints (0.544 for "54,4 %"), a number (a mean age, days) is a
``float`` rounded likewise, and a count hidden because it is small is the text
``SMALL`` ("<5"). ``None`` is an empty cell (nothing to take a share of).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from finsam_desktop.i18n import format_number, format_percent

SMALL = "<5"  # a count from 1 to 4 in a report that leaves the team
SMALL_LIMIT = 5

Cell = str | int | float | None


class Kind(enum.StrEnum):
    TEXT = "text"
    COUNT = "count"
    SHARE = "share"  # a fraction 0–1, shown as a percentage
    NUMBER = "number"  # a mean age, a number of days


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.COUNT
    decimals: int = 0  # SHARE: decimals of the percentage; NUMBER: decimals


@dataclass(frozen=True)
class Chart:
    """Bars: one group per category, one bar per series (e.g. women and men)."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    percent: bool = False  # values are shares (0–1)


@dataclass
class Table:
    key: str  # stable machine name, e.g. 'exit_routes'
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    base: str = ""  # "av 180 deltagare som började under perioden"
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    bold_rows: set[int] = field(default_factory=set)  # indexes of total rows
    # A row whose figures are of another kind than its columns (a share row under
    # count columns, "Medelålder" in a table of counts): row index -> Column.
    row_kinds: dict[int, Column] = field(default_factory=dict)

    def column_at(self, row: int, column: int) -> Column:
        """How the cell at (row, column) is formatted; the first column is the label."""
        if column and row in self.row_kinds:
            return self.row_kinds[row]
        return self.columns[column]

    def texts(self) -> list[list[str]]:
        """Every cell as a reader sees it (screen, PDF, plain text)."""
        return [
            [format_cell(self.column_at(r, c), v) for c, v in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]

    def cell(self, row_label: str, column_title: str) -> Cell:
        """The value in the row whose first cell is ``row_label`` (for tests and readers)."""
        c = [col.title for col in self.columns].index(column_title)
        for row in self.rows:
            if row[0] == row_label:
                return row[c]
        raise KeyError(row_label)


@dataclass
class Report:
    title: str
    period_label: str
    filters: list[tuple[str, str]]  # (what, chosen): ("Insats", "Alla insatser")
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    organisation: str = ""
    created: date = field(default_factory=date.today)
    key: str = "report"
    period: dict[str, Any] = field(default_factory=dict)  # start, end, kind for JSON
    data: dict[str, Any] = field(default_factory=dict)  # report-specific JSON fields

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def heading(self) -> list[str]:
        from finsam_desktop.i18n import _

        lines = [self.title]
        if self.organisation:
            lines.append(self.organisation)
        lines.append(_("Period: {period}").format(period=self.period_label))
        lines += [f"{what}: {value}" for what, value in self.filters]
        return lines


def format_cell(column: Column, value: Cell) -> str:
    """The one way a cell is written for a reader: screen, PDF and the CSV's text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if column.kind is Kind.SHARE:
        return format_percent(value, column.decimals)
    if column.kind is Kind.NUMBER:
        return format_number(value, column.decimals)
    if column.kind is Kind.COUNT:
        # A float among counts is a mean (or a target pro rata): one decimal.
        return format_number(value, 1) if isinstance(value, float) else format_number(value)
    return str(value)


def share(count: int, base: int, decimals: int) -> float | None:
    """count/base rounded to ``decimals`` of a percentage, halves up (the seeds' way)."""
    if base <= 0:
        return None
    scale = 10**decimals
    percent_units = (2 * 100 * scale * count + base) // (2 * base)
    return percent_units / (100 * scale)


@dataclass(frozen=True)
class Rounding:
    """How shares are printed: one decimal for shares of the whole (54,4 %), whole
    percents in cross-tables (47 %); hide counts under five when the report leaves
    the team."""

    share_decimals: int = 1
    cross_decimals: int = 0
    hide_small: bool = False

    def count(self, n: int) -> Cell:
        return SMALL if self.hide_small and 0 < n < SMALL_LIMIT else n

    def share(self, n: int, base: int, cross: bool = False) -> Cell:
        if self.hide_small and 0 < n < SMALL_LIMIT:
            return SMALL
        return share(n, base, self.cross_decimals if cross else self.share_decimals)

    def share_column(self, title: str, cross: bool = False) -> Column:
        return Column(title, Kind.SHARE, self.cross_decimals if cross else self.share_decimals)
