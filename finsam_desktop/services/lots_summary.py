"""The lots summary for a period and one or all municipalities.

The figures are the ones the Långsiktig samverkan reports give (seed 003): number of
lotsärenden and individärenden, gender with 'okänt' counted, birth decade, under 30,
foreign background, sick leave with försörjningsstöd, contacting party, distinct
officers, question, coordination need, what was done, outcome, and the survey.

Speed: aggregate queries over the period's rows, each a range scan of a covering
index: the summary index of lots_case (db.lots_models) and, for the outcome marks,
the marks' own summary index (they carry copies of the case's date, municipality and
individärende flag), so the yearly summary for all municipalities stays well under a
second with a million lotsärenden in the file.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.expressions import year_of
from finsam_desktop.db.lots_models import LotsCaseOutcomeRow, LotsCaseRow, LotsCategoryRow
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.lots import (
    SATISFIED_MIN_SCORE,
    Answer,
    Breakdown,
    CategoryKind,
    Count,
    LotsSummary,
    SurveyResult,
    age_group,
    birth_decade,
)
from finsam_desktop.domain.persons import Gender
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, no_personal_data, pure, require, requires
from finsam_desktop.services.audit import log_output
from finsam_desktop.services.lots import satisfaction_goal

C = LotsCaseRow
M = LotsCaseOutcomeRow  # outcome marks


@pure
def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _where(start: date, end: date, municipality_id: int | None):
    clause = C.received.between(start, end)
    if municipality_id is not None:
        clause = and_(C.municipality_id == municipality_id, clause)
    return clause


def _sum_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(session: Session, where) -> dict[str, int]:
    """One pass for every fixed-valued figure (genders, ja/nej/okänt, survey)."""
    officer = case(
        (C.officer_key != "", func.coalesce(C.party_id, 0).op("||")("|").op("||")(C.officer_key)),
        else_=None,
    )
    columns = {
        "cases": func.count(),
        "individual": _sum_if(C.individual_case),
        "officers": func.count(func.distinct(officer)),
        "closed": _sum_if(C.closed.is_not(None)),
        "sent": _sum_if(and_(C.closed.is_not(None), C.survey_sent)),
        "answered": _sum_if(
            and_(C.closed.is_not(None), C.survey_sent, C.survey_score.is_not(None))
        ),
    }
    for g in Gender:
        columns[f"gender:{g.value}"] = _sum_if(C.gender == g.value)
    for attr in ("foreign_background", "sick_leave_fs", "coordination_need"):
        for a in Answer:
            columns[f"{attr}:{a.value}"] = _sum_if(getattr(C, attr) == a.value)
    for score in range(1, 6):
        columns[f"score:{score}"] = _sum_if(
            and_(C.closed.is_not(None), C.survey_sent, C.survey_score == score)
        )
    stmt = select(*(expr.label(key.replace(":", "_")) for key, expr in columns.items()))
    row = session.execute(stmt.where(where)).one()
    return {key: int(value or 0) for key, value in zip(columns, row, strict=True)}


def _marks_where(start: date, end: date, municipality_id: int | None):
    """The period's outcome marks: a range of the marks' own summary index."""
    clause = M.received.between(start, end)
    if municipality_id is not None:
        clause = and_(M.municipality_id == municipality_id, clause)
    return clause


def _outcome_marks(session: Session, where) -> dict[str, Counter]:
    """Outcome marks per category (of all lotsärenden and of individärenden), the cases
    with at least one outcome, and the individärenden with at least one outcome that
    counts as work or studies. Reads the marks' covering index only."""
    marks: Counter[int | None] = Counter()
    marks_individual: Counter[int | None] = Counter()
    for category_id, is_individual, n in session.execute(
        select(M.category_id, M.individual_case, func.count())
        .where(where)
        .group_by(M.category_id, M.individual_case)
    ):
        marks[category_id] += n
        if is_individual:
            marks_individual[category_id] += n
    marked = Counter(
        {
            bool(is_individual): n
            for is_individual, n in session.execute(
                select(M.individual_case, func.count(func.distinct(M.lots_case_id)))
                .where(where)
                .group_by(M.individual_case)
            )
        }
    )
    work_ids = select(LotsCategoryRow.id).where(
        LotsCategoryRow.kind == CategoryKind.OUTCOME.value, LotsCategoryRow.work_or_studies
    )
    work = session.scalar(
        select(func.count(func.distinct(M.lots_case_id))).where(
            where, M.individual_case, M.category_id.in_(work_ids.scalar_subquery())
        )
    )
    return {
        "all": marks,
        "individual": marks_individual,
        "marked": marked,
        "work": Counter({"individual": int(work or 0)}),
    }


def _group(session: Session, where, *keys, extra=None) -> list[tuple]:
    cols = [*keys, func.count()]
    if extra is not None:
        cols.append(extra)
    return [tuple(r) for r in session.execute(select(*cols).where(where).group_by(*keys))]


def _answer_rows(counts: dict[str, int], attr: str) -> tuple[Count, ...]:
    return tuple(Count(a.label, counts[f"{attr}:{a.value}"]) for a in Answer)


def _category_rows(
    session: Session, kind: CategoryKind, counted: dict[int | None, int]
) -> tuple[Count, ...]:
    """Active categories always (a zero is information); retired ones when counted."""
    rows = []
    for cat in session.execute(
        select(LotsCategoryRow.id, LotsCategoryRow.name, LotsCategoryRow.active)
        .where(LotsCategoryRow.kind == kind.value)
        .order_by(LotsCategoryRow.position, LotsCategoryRow.name_key)
    ):
        n = counted.get(cat.id, 0)
        if cat.active or n:
            label = cat.name if cat.active else _("{name} (retired)").format(name=cat.name)
            rows.append(Count(label, n))
    rows.append(Count(_("Not recorded"), counted.get(None, 0)))
    return tuple(rows)


@requires(Permission.STATISTICS)
def lots_summary(
    session: Session, start: date, end: date, municipality_id: int | None = None
) -> LotsSummary:
    """The summary of lotsärenden received from ``start`` to ``end`` (inclusive)."""
    require(session, Permission.STATISTICS)
    if end < start:
        raise ValidationError.single("end", _("The period ends before it starts."))
    where = _where(start, end, municipality_id)
    counts = _counts(session, where)
    total, individual = counts["cases"], counts["individual"]
    lots, ind = _("lotsärenden"), _("individärenden")

    # Municipality, birth year and year received in one pass: decades, under 30.
    year_expr = year_of(C.received)
    by_municipality: Counter[int] = Counter()
    decades: Counter[int | None] = Counter()
    ages: Counter[str] = Counter()
    for municipality, born, year, n in _group(
        session, where, C.municipality_id, C.birth_year, year_expr
    ):
        by_municipality[municipality] += n
        decades[birth_decade(born)] += n
        ages[age_group(year, born)] += n

    party_rows = _group(
        session,
        where,
        C.party_id,
        extra=func.count(func.distinct(case((C.officer_key != "", C.officer_key), else_=None))),
    )
    # Question and action in one pass (a few hundred groups at most).
    questions: Counter[int | None] = Counter()
    actions: Counter[int | None] = Counter()
    for question, action, n in _group(session, where, C.question_id, C.action_id):
        questions[question] += n
        actions[action] += n
    # Outcomes are marks (a case may have several); "not recorded" counts the cases
    # with none, so every case is in at least one row.
    found = _outcome_marks(session, _marks_where(start, end, municipality_id))
    outcomes_all, outcomes_ind, marked = found["all"], found["individual"], found["marked"]
    marks_all, marks_ind = sum(outcomes_all.values()), sum(outcomes_ind.values())
    outcomes_all[None] = total - marked[True] - marked[False]
    outcomes_ind[None] = individual - marked[True]
    breakdowns: list[Breakdown] = []
    if municipality_id is None:
        names = dict(session.execute(select(MunicipalityRow.id, MunicipalityRow.name)).all())
        ordered = sorted(by_municipality.items(), key=lambda kv: swedish_key(names.get(kv[0], "")))
        breakdowns.append(
            Breakdown(
                "municipality",
                _("Municipality"),
                lots,
                total,
                tuple(Count(names.get(k, "?"), n) for k, n in ordered),
            )
        )
    breakdowns.append(
        Breakdown(
            "individual",
            _("Individärenden"),
            lots,
            total,
            (
                Count(_("Individärende"), individual),
                Count(_("Other lotsärenden"), total - individual),
            ),
        )
    )
    breakdowns.append(
        Breakdown(
            "gender",
            _("Gender"),
            lots,
            total,
            tuple(Count(g.label, counts[f"gender:{g.value}"]) for g in Gender),
        )
    )
    decade_rows = [
        Count(_("Born in the {decade}s").format(decade=d), n)
        for d, n in sorted((d, n) for d, n in decades.items() if d is not None)
    ]
    decade_rows.append(Count(_("Birth year unknown"), decades.get(None, 0)))
    breakdowns.append(Breakdown("birth_decade", _("Birth decade"), lots, total, tuple(decade_rows)))
    breakdowns.append(
        Breakdown(
            "age",
            _("Age"),
            lots,
            total,
            (
                Count(_("Under 30"), ages.get("under", 0)),
                Count(_("30 or older"), ages.get("over", 0)),
                Count(_("Age unknown"), ages.get("unknown", 0)),
            ),
        )
    )
    breakdowns.append(
        Breakdown(
            "foreign_background",
            _("Foreign background"),
            lots,
            total,
            _answer_rows(counts, "foreign_background"),
        )
    )
    breakdowns.append(
        Breakdown(
            "sick_leave_fs",
            _("On sick leave with försörjningsstöd"),
            lots,
            total,
            _answer_rows(counts, "sick_leave_fs"),
        )
    )
    # Active parties always (a party that never calls is worth seeing), retired when counted.
    by_party = {k: (n, officers) for k, n, officers in party_rows}
    rows, extra = [], []
    for pid, pname, active in session.execute(
        select(PartyRow.id, PartyRow.name, PartyRow.active).order_by(PartyRow.name_key)
    ):
        n, officers = by_party.get(pid, (0, 0))
        if active or n:
            rows.append(Count(pname, n))
            extra.append(officers)
    n, officers = by_party.get(None, (0, 0))
    rows.append(Count(_("Not recorded"), n))
    extra.append(officers)
    breakdowns.append(
        Breakdown(
            "party",
            _("Contacting party"),
            lots,
            total,
            tuple(rows),
            extra_title=_("Distinct officers"),
            extra=tuple(extra),
        )
    )
    breakdowns.append(
        Breakdown(
            "question",
            _("Question"),
            lots,
            total,
            _category_rows(session, CategoryKind.QUESTION, dict(questions)),
        )
    )
    breakdowns.append(
        Breakdown(
            "coordination_need",
            _("Need for coordination found"),
            lots,
            total,
            _answer_rows(counts, "coordination_need"),
        )
    )
    breakdowns.append(
        Breakdown(
            "action",
            _("What was done"),
            lots,
            total,
            _category_rows(session, CategoryKind.ACTION, dict(actions)),
        )
    )
    breakdowns.append(
        Breakdown(
            "outcome_individual",
            _("Outcome of individärenden"),
            ind,
            individual,
            _category_rows(session, CategoryKind.OUTCOME, dict(outcomes_ind)),
            marks=marks_ind,
        )
    )
    breakdowns.append(
        Breakdown(
            "outcome",
            _("Outcome of all lotsärenden"),
            lots,
            total,
            _category_rows(session, CategoryKind.OUTCOME, dict(outcomes_all)),
            marks=marks_all,
        )
    )
    scores = tuple(counts[f"score:{s}"] for s in range(1, 6))
    survey = SurveyResult(
        closed=counts["closed"],
        sent=counts["sent"],
        answered=counts["answered"],
        satisfied=sum(scores[SATISFIED_MIN_SCORE - 1 :]),
        goal_percent=satisfaction_goal(session),
        scores=scores,  # type: ignore[arg-type]
    )
    breakdowns.append(
        Breakdown(
            "survey_scores",
            _("Survey answers"),
            _("answered questionnaires"),
            survey.answered,
            tuple(Count(_("Score {n}").format(n=s), scores[s - 1]) for s in range(1, 6)),
        )
    )
    if municipality_id is None:
        label = _("All municipalities")
    else:
        label = (
            session.scalar(
                select(MunicipalityRow.name).where(MunicipalityRow.id == municipality_id)
            )
            or "?"
        )
    return LotsSummary(
        start=start,
        end=end,
        municipality=label,
        municipality_id=municipality_id,
        cases=total,
        individual_cases=individual,
        distinct_officers=counts["officers"],
        work_or_studies=found["work"]["individual"],
        survey=survey,
        breakdowns=tuple(breakdowns),
    )


@requires(Permission.STATISTICS)
def record_export(session: Session, fmt: str) -> None:
    """Note in the log that the lots summary was printed or exported (no personal data)."""
    require(session, Permission.STATISTICS)
    log_output(session, f"lots-summary-{fmt}")


@no_personal_data
def municipality_named(session: Session, name: str) -> int:
    """The id of the municipality called ``name`` ('Håbo' or 'Håbo kommun'), for the CLI."""
    wanted = swedish_key(name).removesuffix(" kommun")
    for mid, mname in session.execute(select(MunicipalityRow.id, MunicipalityRow.name)):
        if swedish_key(mname).removesuffix(" kommun") == wanted:
            return mid
    raise ValidationError.single(
        "municipality", _("There is no municipality called {name}.").format(name=name)
    )
