"""The rows the statistics are counted from, and the flow (issue 10, part 1).

``SCOPE`` and ``REFERRALS`` are connection-private tables that ``services.statistics``
fills with one scan each: the participations active at some time in the period and the
referrals received, decided or answered in it, with what the reports group by (gender,
utländsk bakgrund, age at start or arrival, home municipality, referring party, exit
route, income at entry and exit, dates turned into flags). Every aggregate then groups
these small tables instead of joining the big ones again. No name, personnummer or free
text is copied: the age is computed in SQL from the number's date part.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Column as SAColumn
from sqlalchemy import Date, Integer, String, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.expressions import (
    Dim,
    age_at,
    days_between,
    grouped,
    temporary,
    unindexed,
)
from finsam_desktop.db.models import InsatsRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.periods import Period
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import N_
from finsam_desktop.services.access import building_block, pure

P, PE, R, CF, INS = ParticipationRow, PersonRow, ReferralRow, CaseFileRow, InsatsRow

AGE_GROUPS: list[tuple[str, str, int | None, int | None]] = [
    ("u25", N_("Under 25"), None, 24),
    ("25", N_("25–29"), 25, 29),
    ("30", N_("30–39"), 30, 39),
    ("40", N_("40–49"), 40, 49),
    ("50", N_("50–59"), 50, 59),
    ("60", N_("60 or older"), 60, None),
]
FOREIGN = (("ja", N_("Foreign background")), ("nej", N_("Not foreign background")),
           ("okant", N_("Foreign background unknown")))  # fmt: skip
# Income sources (SUS terms) counted as "from försörjningsstöd or sickness benefit":
# matched on the Swedish word both the default names carry in every language.
FROM_SOURCES = ("försörjningsstöd", "sjukpenning")


@dataclass(frozen=True)
class Scope:
    period: Period
    insats_id: int | None = None
    municipality_id: int | None = None


def _age_group(age):
    whens = []
    for key, _label, low, high in AGE_GROUPS:
        cond = []
        if low is not None:
            cond.append(age >= low)
        if high is not None:
            cond.append(age <= high)
        whens.append((and_(*cond), key))
    return case(*whens, else_=None)


@pure
def sum_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_value_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=None)), 0)


def _home(referral=R, person=PE):
    """The home municipality: the referral's copy (as it arrived), else the person's."""
    return func.coalesce(referral.municipality_id, person.municipality_id)


@pure
def in_scope(scope: Scope):
    clauses = []
    if scope.insats_id is not None:
        clauses.append(P.insats_id == scope.insats_id)
    if scope.municipality_id is not None:
        clauses.append(_home() == scope.municipality_id)
    return clauses


@pure
def participations(*columns):
    return (
        select(*columns)
        .select_from(P)
        .join(PE, PE.id == P.person_id)
        .outerjoin(R, R.id == P.referral_id)
        .outerjoin(CF, CF.participation_id == P.id)
    )


SCOPE = temporary(
    "statistics_scope",
    SAColumn("pid", Integer, primary_key=True),
    SAColumn("insats_id", Integer),
    SAColumn("gender", String(10)),
    SAColumn("foreign", String(6)),
    SAColumn("age", Integer),
    SAColumn("home", Integer),
    SAColumn("party", Integer),
    SAColumn("contact", Integer),
    SAColumn("enrolled_on", Date),
    SAColumn("exit_route", Integer),
    SAColumn("entry_income", Integer),
    SAColumn("exit_income", Integer),
    SAColumn("length", Integer),
    SAColumn("started", Integer),
    SAColumn("ongoing", Integer),
    SAColumn("closed", Integer),
)


@pure
def scope_select(scope: Scope):
    """Every participation active at some time in the period (within the chosen insats
    and municipality), with what the reports group by: one scan of the big tables."""
    start, end = scope.period.start, scope.period.end
    closed_on = CF.closed_on

    def flag(condition):
        return case((condition, 1), else_=0)

    return participations(
        P.id,
        P.insats_id,
        PE.gender,
        PE.foreign_background,
        age_at(PE.personnummer, P.enrolled_on),
        _home(),
        R.remittent_party_id,
        P.contact_person_id,
        P.enrolled_on,
        CF.exit_route_id,
        CF.entry_income_source_id,
        CF.exit_income_source_id,
        days_between(P.enrolled_on, closed_on),
        flag(P.enrolled_on.between(start, end)),
        flag(or_(closed_on.is_(None), closed_on > end)),
        flag(closed_on.between(start, end)),
    ).where(
        # Nearly every participation started before the period's end: read them in
        # order rather than through the enrolled_on index.
        unindexed(P.enrolled_on) <= end,
        or_(closed_on.is_(None), closed_on >= start),
        *in_scope(scope),
    )


REFERRALS = temporary(
    "statistics_referrals",
    SAColumn("rid", Integer),
    SAColumn("insats_id", Integer),
    SAColumn("gender", String(10)),
    SAColumn("foreign", String(6)),
    SAColumn("age", Integer),
    SAColumn("home", Integer),
    SAColumn("party", Integer),
    SAColumn("status", String(20)),
    SAColumn("received", Integer),
    SAColumn("decided", Integer),
    SAColumn("days", Integer),
    SAColumn("answered", Integer),
    SAColumn("in_time", Integer),
)


@pure
def referral_select(scope: Scope):
    """Every referral received, decided or answered in the period: one scan."""
    start, end = scope.period.start, scope.period.end
    received = R.arrived_on.between(start, end)
    decided = R.decided_on.between(start, end)
    answered = R.answer_sent_on.between(start, end)
    where = [or_(received, decided, answered)]
    if scope.insats_id is not None:
        where.append(R.insats_id == scope.insats_id)
    if scope.municipality_id is not None:
        where.append(_home() == scope.municipality_id)
    return (
        select(
            R.id,
            R.insats_id,
            PE.gender,
            PE.foreign_background,
            age_at(PE.personnummer, R.arrived_on),
            _home(),
            R.remittent_party_id,
            R.status,
            case((received, 1), else_=0),
            case((decided, 1), else_=0),
            days_between(R.arrived_on, R.decided_on),
            case((answered, 1), else_=0),
            case((and_(answered, R.answer_sent_on <= R.answer_due), 1), else_=0),
        )
        .select_from(R)
        .join(PE, PE.id == R.person_id)
        .where(*where)
    )


# --- the figures ------------------------------------------------------------------


MEASURES = ("received", "accepted", "rejected", "dormant", "started", "ongoing", "closed")
MEASURE_LABELS = {
    "received": N_("Referrals received"),
    "accepted": N_("Accepted (antagen)"),
    "rejected": N_("Rejected (avslag)"),
    "dormant": N_("Dormant (vilande)"),
    "started": N_("Started"),
    "ongoing": N_("Ongoing at the period's end"),
    "closed": N_("Closed in the period"),
}
DIMENSIONS = ("gender", "age", "foreign", "municipality", "party")


# Per insats, from the same groups as the flow: Uppföljning Finsam and the targets.
NATIONAL = ("women", "men", "all", "started_women", "started_men", "started",
            "closed_women", "closed_men", "closed", "closed_to_work")  # fmt: skip


@dataclass
class Flow:
    """Counts per measure for each value of each dimension, and the age sums."""

    counts: dict[str, dict[str, dict[object, int]]]  # dimension -> measure -> value -> n
    age_sum: dict[str, dict[str, dict[object, int]]]
    age_n: dict[str, dict[str, dict[object, int]]]
    totals: dict[str, int]
    total_age: dict[str, tuple[int, int]]  # measure -> (sum, n)
    started_groups: list[tuple]  # (gender, foreign, n)
    active: int  # participants at some time in the period
    by_insats: dict[int, dict[str, int]]  # insats -> NATIONAL -> n


@building_block
def bounds(session: Session, table, *columns) -> list[tuple[int | None, int | None]]:
    """(least, greatest) of each id column of ``table``: what ``Dim.ids`` needs."""
    row = session.execute(
        select(*(f(c) for c in columns for f in (func.min, func.max))).select_from(table)
    ).one()
    return [(row[2 * i], row[2 * i + 1]) for i in range(len(columns))]


def _flag(column) -> Dim:
    return Dim.ids(column, (0, 1))


@building_block
def count_flow(session: Session, T, RT, work_routes: list[int]) -> Flow:
    """``T``: the period's participations (scope_select); ``RT``: its referrals;
    ``work_routes``: the exit routes that count as work or studies. Each table is
    grouped once, by every dimension at the same time (``grouped``); Python adds up."""
    counts = {d: {m: defaultdict(int) for m in MEASURES} for d in DIMENSIONS}
    age_sum = {d: {m: defaultdict(int) for m in MEASURES} for d in DIMENSIONS}
    age_n = {d: {m: defaultdict(int) for m in MEASURES} for d in DIMENSIONS}
    totals = dict.fromkeys(MEASURES, 0)
    total_age = {m: [0, 0] for m in MEASURES}

    # measure -> the five dimensions' values -> [n, age sum, ages known]
    cells: dict[str, dict[tuple, list[int]]] = {m: {} for m in MEASURES}

    def add(dims: tuple, measure: str, n: int, a_sum: int, a_n: int) -> None:
        if not n:
            return
        cell = cells[measure].get(dims)
        if cell is None:
            cells[measure][dims] = [n, a_sum, a_n]
        else:
            cell[0] += n
            cell[1] += a_sum
            cell[2] += a_n

    def spread() -> None:
        """Each cell into the totals and the count per value of each dimension."""
        for measure, by_dims in cells.items():
            for dims, (n, a_sum, a_n) in by_dims.items():
                totals[measure] += n
                total_age[measure][0] += a_sum
                total_age[measure][1] += a_n
                for d, value in zip(DIMENSIONS, dims, strict=True):
                    counts[d][measure][value] += n
                    age_sum[d][measure][value] += a_sum
                    age_n[d][measure][value] += a_n

    def person_dims(table) -> list[Dim]:
        home, party = bounds(session, table, table.c.home, table.c.party)
        return [
            Dim.among(table.c.gender, [g.value for g in Gender]),
            Dim.among(_age_group(table.c.age), [key for key, *_rest in AGE_GROUPS]),
            Dim.among(table.c.foreign, [key for key, _label in FOREIGN]),
            Dim.ids(table.c.home, home),
            Dim.ids(table.c.party, party),
        ]

    # Referrals received in the period (age at arrival) and decided in it.
    r = RT.c
    decisions = {"accepted": ("accepted", "enrolled"), "rejected": ("rejected",),
                 "dormant": ("dormant",)}  # fmt: skip
    statuses = [s for values in decisions.values() for s in values]
    rows = grouped(
        session,
        [*person_dims(RT), Dim.among(r.status, statuses), _flag(r.received), _flag(r.decided)],
        [func.count(), func.coalesce(func.sum(r.age), 0), func.count(r.age)],
        select_from=RT,
    )
    for *dims, status, received, decided, n, a_sum, a_n in rows:
        dims = tuple(dims)
        if received:
            add(dims, "received", n, a_sum, a_n)
        if decided:
            for measure, values in decisions.items():
                if status in values:
                    add(dims, measure, n, 0, 0)

    # Participations active at some time in the period (the scope table); age at start.
    t = T.c
    (insatser,) = bounds(session, T, t.insats_id)
    work = t.exit_route.in_(work_routes) if work_routes else literal(False)
    rows = grouped(
        session,
        [*person_dims(T), Dim.ids(t.insats_id, insatser), _flag(t.started), _flag(t.ongoing),
         _flag(t.closed), _flag(case((work, 1), else_=0))],
        [func.count(), func.coalesce(func.sum(t.age), 0), func.count(t.age)],
        select_from=T,
    )  # fmt: skip
    active = 0
    started_groups: dict[tuple, int] = defaultdict(int)
    by_insats: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(NATIONAL, 0))
    for *dims, insats, started, ongoing, closed, to_work, n, a_sum, a_n in rows:
        active += n
        dims = tuple(dims)
        g, _a, f, _m, _p = dims
        for measure, flag in (("started", started), ("ongoing", ongoing), ("closed", closed)):
            if flag:
                add(dims, measure, n, a_sum, a_n)
        if started:
            started_groups[(g, f)] += n
        counts_of = by_insats[insats]
        sex = {Gender.WOMAN.value: "women", Gender.MAN.value: "men"}.get(g)
        for prefix, flag in (("", True), ("started", started), ("closed", closed)):
            if flag:
                counts_of[prefix or "all"] += n
                if sex:
                    counts_of[f"{prefix}_{sex}" if prefix else sex] += n
        if closed and to_work:
            counts_of["closed_to_work"] += n
    spread()
    return Flow(
        counts,
        age_sum,
        age_n,
        totals,
        {m: (v[0], v[1]) for m, v in total_age.items()},
        [(g, f, n) for (g, f), n in started_groups.items()],
        active,
        dict(by_insats),
    )


@pure
def mean(total: int, n: int) -> float | None:
    return round(total / n, 1) if n else None
