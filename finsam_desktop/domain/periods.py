"""Report periods: a calendar year, half year, quarter, month, ISO week range or two dates.

One ``Period`` type serves every page and command that asks for a period. The
command line writes them ``2026``, ``2026H1``, ``2026Q3``, ``2026-03``,
``2016-W26:2016-W43`` or ``2026-01-15:2026-05-31``; the window builds them with the
period picker. Both end up here, so a period means the same thing everywhere.
"""

from __future__ import annotations

import contextlib
import enum
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import N_, _


class PeriodKind(enum.StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    WEEKS = "weeks"
    DATES = "dates"

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    PeriodKind.YEAR: N_("Calendar year"),
    PeriodKind.HALF: N_("Half year"),
    PeriodKind.QUARTER: N_("Quarter"),
    PeriodKind.MONTH: N_("Month"),
    PeriodKind.WEEKS: N_("Weeks"),
    PeriodKind.DATES: N_("Two dates"),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: PeriodKind = PeriodKind.DATES
    code: str = ""  # the command-line spelling, e.g. '2026H1'

    def __post_init__(self):
        if self.end < self.start:
            raise ValidationError.single("period", _("The period ends before it starts."))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def year_fraction(self) -> float:
        """The share of a year the period covers, for targets pro rata (365 days = 1)."""
        if self.kind is PeriodKind.YEAR:
            return 1.0
        if self.kind is PeriodKind.HALF:
            return 0.5
        if self.kind is PeriodKind.QUARTER:
            return 0.25
        if self.kind is PeriodKind.MONTH:
            return 1 / 12
        return self.days / 365

    @property
    def label(self) -> str:
        """How a report names the period: '2026', '2026 halvår 1', '2016 v. 26–43', ..."""
        s = self.start
        if self.kind is PeriodKind.YEAR:
            return str(s.year)
        if self.kind is PeriodKind.HALF:
            return _("{year} half year {n}").format(year=s.year, n=1 if s.month < 7 else 2)
        if self.kind is PeriodKind.QUARTER:
            return _("{year} quarter {n}").format(year=s.year, n=(s.month - 1) // 3 + 1)
        if self.kind is PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        if self.kind is PeriodKind.WEEKS:
            y1, w1, _d1 = s.isocalendar()
            y2, w2, _d2 = self.end.isocalendar()
            if y1 == y2:
                return _("{year} week {first}–{last}").format(year=y1, first=w1, last=w2)
            return _("{year1} week {first} – {year2} week {last}").format(
                year1=y1, first=w1, year2=y2, last=w2
            )
        return f"{s.isoformat()} – {self.end.isoformat()}"

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kind": self.kind.value,
            "label": self.label,
        }


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), PeriodKind.YEAR, str(y))


def half_year(y: int, half: int) -> Period:
    if half not in (1, 2):
        raise ValidationError.single("period", _("A half year is 1 or 2."))
    start = date(y, 1 if half == 1 else 7, 1)
    end = date(y, 6, 30) if half == 1 else date(y, 12, 31)
    return Period(start, end, PeriodKind.HALF, f"{y}H{half}")


def quarter(y: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValidationError.single("period", _("A quarter is 1, 2, 3 or 4."))
    first = 3 * (q - 1) + 1
    last = first + 2
    return Period(
        date(y, first, 1),
        date(y, last, monthrange(y, last)[1]),
        PeriodKind.QUARTER,
        f"{y}Q{q}",
    )


def month(y: int, m: int) -> Period:
    if not 1 <= m <= 12:
        raise ValidationError.single("period", _("A month is 1 to 12."))
    return Period(date(y, m, 1), date(y, m, monthrange(y, m)[1]), PeriodKind.MONTH, f"{y}-{m:02d}")


def _week_monday(y: int, w: int) -> date:
    try:
        return date.fromisocalendar(y, w, 1)
    except ValueError:
        raise ValidationError.single(
            "period", _("{year} has no week {week}.").format(year=y, week=w)
        ) from None


def weeks(first_year: int, first_week: int, last_year: int, last_week: int) -> Period:
    """ISO weeks, Monday of the first to Sunday of the last (2016 v. 26–43)."""
    start = _week_monday(first_year, first_week)
    end = _week_monday(last_year, last_week) + timedelta(days=6)
    code = f"{first_year}-W{first_week:02d}:{last_year}-W{last_week:02d}"
    return Period(start, end, PeriodKind.WEEKS, code)


def dates(start: date, end: date) -> Period:
    return Period(start, end, PeriodKind.DATES, f"{start.isoformat()}:{end.isoformat()}")


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})\s*H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _parse_date(text: str) -> date:
    m = _DATE.match(text)
    if m:
        with contextlib.suppress(ValueError):  # 2026-02-30 is not a date either
            return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValidationError.single("period", _("Not a date: {value}").format(value=text))


def parse_period(text: str) -> Period:
    """``2026 | 2026H1 | 2026Q3 | 2026-03 | 2016-W26:2016-W43 | FROM:TO``.

    Raises ValidationError with a Swedish message that shows the accepted forms.
    """
    raw = (text or "").strip()
    if m := _YEAR.match(raw):
        return year(int(m[1]))
    if m := _HALF.match(raw):
        return half_year(int(m[1]), int(m[2]))
    if m := _QUARTER.match(raw):
        return quarter(int(m[1]), int(m[2]))
    if m := _MONTH.match(raw):
        return month(int(m[1]), int(m[2]))
    if ":" in raw:
        left, right = (part.strip() for part in raw.split(":", 1))
        w1, w2 = _WEEK.match(left), _WEEK.match(right)
        if w1 and w2:
            return weeks(int(w1[1]), int(w1[2]), int(w2[1]), int(w2[2]))
        if w1 and right.isdigit():  # 2016-W26:43, the last week in the same year
            return weeks(int(w1[1]), int(w1[2]), int(w1[1]), int(right))
        if _DATE.match(left) and _DATE.match(right):
            return dates(_parse_date(left), _parse_date(right))
    if m := _WEEK.match(raw):
        return weeks(int(m[1]), int(m[2]), int(m[1]), int(m[2]))
    raise ValidationError.single(
        "period",
        _(
            "Not a period: {value}. Write e.g. 2026, 2026H1, 2026Q3, 2026-03, "
            "2016-W26:2016-W43 or 2026-01-01:2026-06-30."
        ).format(value=raw),
    )
