"""Dates as people type them: the one parser behind every date field and the lots import.

Accepted: 2026-03-04, 2026/3/4, 2026.3.4, 20260304, 260304 (yymmdd, 20xx), 4/3/2026,
4.3.2026 and 8/12-2017 (day first). An impossible date (2026-02-30) is a ValueError,
never a silent neighbour.
"""

from __future__ import annotations

import re
from datetime import date

_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{2})(\d{2})(\d{2})$"), "yymmdd"),  # 150914, as in seed 003
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\- ](\d{4})$"), "dmy"),  # 4/3/2016, 8/12-2017
)
_WITH_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} ")


def parse_date_text(text: str) -> date | None:
    """The date in ``text``; None when it is empty; ValueError when it is not a date."""
    text = (text or "").strip()
    if not text:
        return None
    if _WITH_TIME.match(text):
        text = text.split(" ")[0]
    for pattern, order in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        if order == "ymd":
            return date(a, b, c)
        if order == "yymmdd":
            return date(2000 + a, b, c)
        return date(c, b, a)
    raise ValueError(text)
