"""The lots summary as a ``Report`` (reports.model): tables and sentences, one source
for screen, PDF, XLSX, CSV and JSON through the one exporter (reports.export).

Percentages are whole percents of the table's stated base ("15 av dessa (60 %)"),
and each table says what its base is and how large it is, as the seed reports do.
The sentences reproduce the reports' own wording (seed 003: Håbo, Heby, Älvkarleby).
"""

from __future__ import annotations

from finsam_desktop.domain.lots_summary import Breakdown, LotsSummary, whole_percent
from finsam_desktop.i18n import (
    _,
    format_date,
    format_number,
    format_percent,
    format_whole_percent,
    ngettext,
)

# typing is imported only by type checkers: finsam lots summary starts without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from finsam_desktop.reports.model import Report, Table

# reports.model is imported by the functions that build tables: the plain text of
# ``finsam lots summary`` (heading, sentences) needs none of it.


def percent_text(count: int, total: int) -> str:
    value = whole_percent(count, total)
    return "–" if value is None else format_percent(value / 100)


def share_note(b: Breakdown) -> str:
    note = _("Share of {total} {base}").format(total=format_number(b.total), base=b.base)
    if b.marks is not None:
        note += ". " + _("{marks} (a case may have several outcomes).").format(marks=marks_text(b))
    return note


def marks_text(b: Breakdown) -> str:
    """'64 utfallsmarkeringar på 57 individärenden'."""
    marks = ngettext("{n} outcome mark", "{n} outcome marks", b.marks or 0).format(
        n=format_number(b.marks or 0)
    )
    return _("{marks} on {total} {base}").format(
        marks=marks, total=format_number(b.total), base=b.base
    )


def _pct(count: int, total: int) -> float | None:
    """A whole percent as a fraction (60 % -> 0.6), the way the seed reports round."""
    value = whole_percent(count, total)
    return None if value is None else value / 100


def breakdown_table(b: Breakdown, chart: bool = False) -> Table:
    from finsam_desktop.reports.model import Chart, Column, Kind, Table

    columns = [Column(b.title, Kind.TEXT), Column(_("Number")), Column(_("Share"), Kind.SHARE)]
    if b.extra_title:
        columns.append(Column(b.extra_title))
    rows = []
    for i, row in enumerate(b.rows):
        cells: list = [row.label, row.count, _pct(row.count, b.total)]
        if b.extra_title:
            cells.append(b.extra[i] if i < len(b.extra) else None)
        rows.append(cells)
    total: list = [_("Total"), b.total, 1.0 if b.total else None]
    if b.marks is not None:
        # The rows add up to more than the cases: the total row names the cases.
        total = [_("Total {base}").format(base=b.base), b.total, 1.0 if b.total else None]
    if b.extra_title:
        total.append(None)
    rows.append(total)
    drawn = None
    if chart and b.total:
        drawn = Chart(
            b.title, [r.label for r in b.rows], [(_("Number"), [float(r.count) for r in b.rows])]
        )
    return Table(
        b.key, b.title, columns, rows, share_note(b), chart=drawn, bold_rows={len(rows) - 1}
    )


def key_figures(s: LotsSummary) -> Table:
    """The figures a report states in its text, with what each share is a share of."""
    from finsam_desktop.reports.model import Column, Kind, Table

    v = s.survey
    lots = _("lotsärenden")
    rows: list[list] = [
        [_("Lotsärenden"), s.cases, None, ""],
        [
            _("Individärenden"),
            s.individual_cases,
            _pct(s.individual_cases, s.cases),
            _("of {n} {base}").format(n=format_number(s.cases), base=lots),
        ],
        [_("Distinct officers (handläggare/vårdgivare)"), s.distinct_officers, None, ""],
        [
            _("Individärenden to work or studies"),
            s.work_or_studies,
            _pct(s.work_or_studies, s.individual_cases),
            _("of {n} {base}").format(n=format_number(s.individual_cases), base=_("individärenden")),
        ],
        [_("Closed lotsärenden"), v.closed, _pct(v.closed, s.cases),
         _("of {n} {base}").format(n=format_number(s.cases), base=lots)],
        [_("Questionnaires sent"), v.sent, _pct(v.sent, v.closed),
         _("of {n} {base}").format(n=format_number(v.closed), base=_("closed lotsärenden"))],
        [_("Questionnaires answered (response rate)"), v.answered,
         _pct(v.answered, v.sent),
         _("of {n} {base}").format(n=format_number(v.sent), base=_("sent questionnaires"))],
        [_("Satisfied (score 4 or 5)"), v.satisfied, _pct(v.satisfied, v.answered),
         _("of {n} {base}").format(n=format_number(v.answered), base=_("answered questionnaires"))],
        [_("Goal for the share satisfied"), None, v.goal_percent / 100, ""],
        [
            _("Goal met"),
            None,
            None,
            {True: _("Yes"), False: _("No"), None: _("No answers yet")}[v.goal_met],
        ],
    ]  # fmt: skip
    return Table(
        "key_figures",
        _("Key figures"),
        [Column(_("Figure"), Kind.TEXT), Column(_("Number")), Column(_("Share"), Kind.SHARE),
         Column(_("Share of"), Kind.TEXT)],
        rows,
    )  # fmt: skip


CHARTED = ("gender", "age", "outcome_individual")


def summary_tables(s: LotsSummary) -> list[Table]:
    return [key_figures(s), *(breakdown_table(b, b.key in CHARTED) for b in s.breakdowns)]


def summary_report(s: LotsSummary, organisation: str = "") -> Report:
    """The lots summary as a report for the one exporter (PDF, XLSX, CSV, JSON)."""
    from finsam_desktop.reports.model import Report

    lines = heading(s, organisation)
    return Report(
        title=lines[0],
        period_label=s.period_label,
        filters=[(_("Municipality"), s.municipality)],
        tables=summary_tables(s),
        notes=summary_sentences(s),
        organisation=organisation,
        key="lots_summary",
        period={"start": s.start.isoformat(), "end": s.end.isoformat()},
        data=summary_json(s, organisation),
    )


def heading(s: LotsSummary, organisation: str = "") -> list[str]:
    lines = [_("Summary of lotsärenden")]
    if organisation:
        lines.append(organisation)
    lines.append(_("Period: {period}").format(period=s.period_label))
    lines.append(_("Municipality: {name}").format(name=s.municipality))
    return lines


def _count_of(b: Breakdown, index: int) -> tuple[int, str]:
    n = b.rows[index].count
    return n, percent_text(n, b.total)


def summary_sentences(s: LotsSummary) -> list[str]:
    """The summary in the words of the seed's reports ('15 av dessa (60 %) ...')."""
    if s.period_label == str(s.start.year):
        first = ngettext(
            "In {year}, {n} lotsärende was received.",
            "In {year}, {n} lotsärenden were received.",
            s.cases,
        ).format(year=s.start.year, n=format_number(s.cases))
    else:
        first = ngettext(
            "From {start} to {end}, {n} lotsärende was received.",
            "From {start} to {end}, {n} lotsärenden were received.",
            s.cases,
        ).format(start=format_date(s.start), end=format_date(s.end), n=format_number(s.cases))
    out = [first]
    if not s.cases:
        return out
    out.append(
        ngettext(
            "{k} of them was an individärende ({p}).",
            "{k} of them were individärenden ({p}).",
            s.individual_cases,
        ).format(k=format_number(s.individual_cases), p=percent_text(s.individual_cases, s.cases))
    )
    g = s.breakdown("gender")
    (w, pw), (m, pm), (o, po), (u, pu) = (_count_of(g, i) for i in range(4))
    text = _("{w} concerned women ({pw}) and {m} men ({pm}).").format(
        w=format_number(w), pw=pw, m=format_number(m), pm=pm
    )
    if o:
        text += " " + _("{o} stated another gender ({po}).").format(o=format_number(o), po=po)
    if u:
        text += " " + _("In {u} cases the gender was not known ({pu}).").format(
            u=format_number(u), pu=pu
        )
    out.append(text)
    young, pyoung = _count_of(s.breakdown("age"), 0)
    out.append(
        _("{n} concerned individuals under 30 ({p}).").format(n=format_number(young), p=pyoung)
    )
    # Each share names its base: "75 av dessa" after "54 gällde individer under 30 år"
    # read as 75 of the 54.
    sick_b = s.breakdown("sick_leave_fs")
    sick, psick = _count_of(sick_b, 0)
    out.append(
        _("Of all {total} {base}, {n} ({p}) concerned individuals on sick leave with "
          "försörjningsstöd.").format(
            total=format_number(sick_b.total), base=sick_b.base, n=format_number(sick), p=psick
        )
    )  # fmt: skip
    foreign_b = s.breakdown("foreign_background")
    foreign, pforeign = _count_of(foreign_b, 0)
    out.append(
        _("Of all {total} {base}, {n} ({p}) had a foreign background.").format(
            total=format_number(foreign_b.total),
            base=foreign_b.base,
            n=format_number(foreign),
            p=pforeign,
        )
    )
    decades = [r for r in s.breakdown("birth_decade").rows[:-1] if r.count]
    if decades:
        top = max(decades, key=lambda r: r.count)
        out.append(
            _("Most were {decade} ({p}).").format(
                decade=top.label.lower(), p=percent_text(top.count, s.cases)
            )
        )
    out.append(
        ngettext(
            "In total {n} officer (handläggare/vårdgivare) made contact.",
            "In total {n} different officers (handläggare/vårdgivare) made contact.",
            s.distinct_officers,
        ).format(n=format_number(s.distinct_officers))
    )
    need, pneed = _count_of(s.breakdown("coordination_need"), 0)
    out.append(
        ngettext(
            "A need for coordination was found in {n} case ({p}).",
            "A need for coordination was found in {n} cases ({p}).",
            need,
        ).format(n=format_number(need), p=pneed)
    )
    questions = [r for r in s.breakdown("question").rows[:-1] if r.count]
    if questions:
        top = max(questions, key=lambda r: r.count)
        out.append(
            _("The most common question was '{name}' ({n}, {p}).").format(
                name=top.label, n=format_number(top.count), p=percent_text(top.count, s.cases)
            )
        )
    if s.individual_cases:
        out.append(
            ngettext(
                "Of the {k} individärende, {n} went to work or studies ({p}).",
                "Of the {k} individärenden, {n} went to work or studies ({p}).",
                s.individual_cases,
            ).format(
                k=format_number(s.individual_cases),
                n=format_number(s.work_or_studies),
                p=percent_text(s.work_or_studies, s.individual_cases),
            )
        )
    v = s.survey
    if v.sent:
        out.append(
            _(
                "The questionnaire was sent in {sent} of {closed} closed lotsärenden ({p}); "
                "the response rate was {rate}."
            ).format(
                sent=format_number(v.sent),
                closed=format_number(v.closed),
                p=percent_text(v.sent, v.closed),
                rate=percent_text(v.answered, v.sent),
            )
        )
    if v.answered:
        out.append(
            _(
                "The officers' satisfaction was {p}: {s} of {a} respondents gave a 4 or a 5 "
                "(goal {goal})."
            ).format(
                p=percent_text(v.satisfied, v.answered),
                s=format_number(v.satisfied),
                a=format_number(v.answered),
                goal=format_whole_percent(v.goal_percent),
            )
        )
    return out


def summary_json(s: LotsSummary, organisation: str = "") -> dict[str, Any]:
    v = s.survey
    return {
        "report": "lots_summary",
        "organisation": organisation,
        "period": {"start": s.start.isoformat(), "end": s.end.isoformat()},
        "municipality": s.municipality,
        "lotsarenden": s.cases,
        "individarenden": s.individual_cases,
        "distinct_officers": s.distinct_officers,
        "individarenden_work_or_studies": s.work_or_studies,
        "survey": {
            "closed": v.closed,
            "sent": v.sent,
            "answered": v.answered,
            "satisfied": v.satisfied,
            "response_rate_percent": whole_percent(v.answered, v.sent),
            "satisfied_percent": whole_percent(v.satisfied, v.answered),
            "goal_percent": v.goal_percent,
            "goal_met": v.goal_met,
            "scores": {str(i + 1): n for i, n in enumerate(v.scores)},
        },
        "breakdowns": [
            {
                "key": b.key,
                "title": b.title,
                "base": b.base,
                "total": b.total,
                **({"marks": b.marks} if b.marks is not None else {}),
                "rows": [
                    {"label": r.label, "count": r.count, "percent": whole_percent(r.count, b.total)}
                    | ({"extra": b.extra[i]} if b.extra_title else {})
                    for i, r in enumerate(b.rows)
                ],
            }
            | ({"extra_title": b.extra_title} if b.extra_title else {})
            for b in s.breakdowns
        ],
        "text": summary_sentences(s),
    }
