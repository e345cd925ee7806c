"""The one way an export or report file is named: what it is, for which municipality
and which period, so files saved side by side in a folder tell themselves apart
(lotsarenden_Håbo_2016.xlsx, lotsarenden_alla-kommuner_2016-01-01–2016-06-30.pdf)."""

from __future__ import annotations

import re
from datetime import date

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # not allowed or awkward in Windows file names
ALL_MUNICIPALITIES = "alla-kommuner"


def _part(text: str) -> str:
    return _UNSAFE.sub("-", text.strip()).strip("-.") or "-"


def period_text(start: date | None, end: date | None) -> str:
    """2016 for a calendar year, 2016-01 for a month, else start–end (ISO)."""
    if start is None and end is None:
        return "alla-datum"
    if start is None or end is None:
        return (start or end).isoformat()
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    if start.day == 1 and start.year == end.year and start.month == end.month:
        next_month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
        if (next_month - end).days == 1:
            return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()}–{end.isoformat()}"


def export_file_name(
    what: str,
    suffix: str,
    start: date | None = None,
    end: date | None = None,
    municipality: str | None = None,
    with_municipality: bool = True,
) -> str:
    """``what``_``municipality``_``period``.``suffix``; ``municipality`` None means all
    of them (omitted when ``with_municipality`` is False, e.g. the access log)."""
    parts = [_part(what)]
    if with_municipality:
        parts.append(_part(municipality) if municipality else ALL_MUNICIPALITIES)
    parts.append(_part(period_text(start, end)))
    return "_".join(parts) + "." + suffix.lstrip(".")
