"""The board's week table laid out as titled tables: what the Lokal samverkan page
shows and what the report files hold (one layout, so screen and file agree).

Columns are the local models side by side (and their total when there are several);
rows are the board's figures. A cell is an ``int`` (a count), a ``float`` (the
expected volume pro rata) or ``None`` (nothing to show).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from finsam_desktop.i18n import _, format_date, format_number
from finsam_desktop.services.access import pure
from finsam_desktop.services.krans import ModelColumn, WeekTable


@dataclass
class Section:
    key: str
    title: str
    header: list[str]  # the first is the row labels' heading
    rows: list[list]  # [label, value per column]
    bold_rows: set[int] = field(default_factory=set)
    note: str = ""


@pure
def shown_columns(table: WeekTable) -> list[ModelColumn]:
    """The models side by side, and their total when there are several."""
    columns = list(table.columns)
    if len(columns) > 1:
        columns.append(table.total)
    return columns


@pure
def period_text(table: WeekTable) -> str:
    """'2016-06-27 – 2016-10-30 (v. 26–43 2016)' when the period is whole ISO weeks."""
    text = f"{format_date(table.start)} – {format_date(table.end)}"
    start, end = table.start.isocalendar(), table.end.isocalendar()
    if start.weekday == 1 and end.weekday == 7:
        if start.year == end.year:
            weeks = _("weeks {first}–{last} {year}").format(
                first=start.week, last=end.week, year=start.year
            )
        else:
            weeks = _("week {first} {year} – week {last} {end_year}").format(
                first=start.week, year=start.year, last=end.week, end_year=end.year
            )
        text += f" ({weeks})"
    return text


@pure
def year_to_date_text(column: ModelColumn) -> str:
    """The board paper's sentence: 'hittills under året 26 ställt mot förväntad volym 40'."""
    if not column.expected_per_year:
        return _("{name}: {n} so far this year (no expected volume set).").format(
            name=column.name, n=column.year_to_date
        )
    return _(
        "{name}: {n} so far this year, against an expected volume of {expected} a year "
        "({pro_rata} pro rata up to the end of the period)."
    ).format(
        name=column.name,
        n=column.year_to_date,
        expected=column.expected_per_year,
        pro_rata=format_number(column.expected_to_date or 0, 1),
    )


@pure
def sections(table: WeekTable) -> list[Section]:
    columns = shown_columns(table)
    names = [c.name for c in columns]

    def section(key, title, head, rows, bold=(), note=""):
        return Section(key, title, [head, *names], rows, set(bold), note)

    def counts(label, get) -> list:
        return [label, *(get(c) for c in columns)]

    brought_up = [counts(_("Aktualiserade in total"), lambda c: c.total)]
    brought_up += [counts(p, lambda c, p=p: c.by_party.get(p, 0)) for p in table.parties]
    decided = [counts(d, lambda c, d=d: c.by_destination.get(d, 0)) for d in table.destinations]
    decided += [
        counts(_("Avvaktan"), lambda c: c.avvaktan),
        counts(_("Avslag"), lambda c: c.avslag),
        counts(_("Not yet at a beredning"), lambda c: c.not_decided),
    ]
    ended = [counts(o, lambda c, o=o: c.outcomes.get(o, 0)) for o in table.outcomes]
    ended += [
        counts(_("Outcome missing"), lambda c: c.outcome_missing),
        counts(_("Of which work or studies"), lambda c: c.work_or_studies),
    ]
    year = [
        counts(_("Aktualiserade so far this year"), lambda c: c.year_to_date),
        counts(_("Expected volume per year"), lambda c: c.expected_per_year),
        counts(_("Expected so far, pro rata"), lambda c: _round(c.expected_to_date)),
    ]
    out = [
        section("by_party", _("Aktualiserade by party"), _("Party"), brought_up, bold=[0]),
        section(
            "by_destination",
            _("Beredning: destination, avvaktan and avslag"),
            _("Decision"),
            decided,
        ),
        section(
            "outcomes",
            _("Outcomes of the cases sent to a destination"),
            _("Outcome"),
            ended,
            note=_("'Outcome missing' counts the cases sent on that have no outcome recorded."),
        ),
        section(
            "year_to_date",
            _("So far this year (1 January to the end of the period)"),
            "",
            year,
            note=" ".join(year_to_date_text(c) for c in table.columns),
        ),
    ]
    for c in columns:
        destinations = [d for d in table.destinations if c.by_destination.get(d)]
        if not c.total:
            continue
        rows = [
            [p, *(c.cross.get((p, d), 0) for d in destinations), c.by_party.get(p, 0)]
            for p in table.parties
            if c.by_party.get(p)
        ]
        out.append(
            Section(
                f"cross_{c.insats_id}",
                _("Party × destination: {name}").format(name=c.name),
                [_("Party"), *destinations, _("Aktualiserade")],
                rows,
                note=_("The last column counts every case the party brought up."),
            )
        )
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
