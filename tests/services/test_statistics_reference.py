"""The statistics report's figures against a reference counted the plain way.

The report groups the period's rows once on a packed integer key, shares the groups
between its parts and reads the handlingsplans in table order (for speed at 100,000
participants). Here the same figures are counted one row at a time in Python from
plain SELECTs, for several periods and filters (insats, home municipality), on a demo
database of a few hundred participants with some rows made awkward on purpose (no home
municipality, no referring party, an unreadable personnummer, a gender outside the
list): every figure must agree.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select, update

from finsam_desktop.db.casework_models import (
    CaseFileRow,
    CaseOptionRow,
    ParticipantSurveyRow,
    PlanInsatsRow,
    PlanRevisionRow,
)
from finsam_desktop.db.expressions import Dim, grouped
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain.periods import half_year, quarter, weeks, year
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import _
from finsam_desktop.services import demo, surveys
from finsam_desktop.services.statistics import SATISFIED_MIN, statistics
from finsam_desktop.services.statistics_scope import AGE_GROUPS, FOREIGN

PERIODS = [year(2025), year(2026), half_year(2026, 1), quarter(2025, 4), weeks(2026, 10, 2026, 30)]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from finsam_desktop.db.migrate import open_database

    db = open_database(tmp_path_factory.mktemp("reference") / "finsam.sqlite")
    demo.fill(db, participants=400, lots=0)
    with db.session() as s:
        persons = s.scalars(select(PersonRow.id).order_by(PersonRow.id)).all()
        referrals = s.scalars(select(ReferralRow.id).order_by(ReferralRow.id)).all()
        # Awkward rows: no home municipality anywhere, no referring party, an age that
        # cannot be read, a gender outside the list.
        s.execute(
            update(PersonRow).where(PersonRow.id.in_(persons[::7])).values(municipality_id=None)
        )
        s.execute(
            update(ReferralRow)
            .where(ReferralRow.id.in_(referrals[::5]))
            .values(municipality_id=None)
        )
        s.execute(
            update(ReferralRow)
            .where(ReferralRow.id.in_(referrals[::6]))
            .values(remittent_party_id=None)
        )
        s.execute(
            update(PersonRow)
            .where(PersonRow.id.in_(persons[::11]))
            .values(personnummer=PersonRow.personnummer + "X")
        )
        s.execute(update(PersonRow).where(PersonRow.id.in_(persons[::13])).values(gender="x"))  # fmt: skip
    yield db, _rows(db)
    db.close()


def _rows(db) -> dict:
    P, PE, R, CF = ParticipationRow, PersonRow, ReferralRow, CaseFileRow
    with db.reading() as s:
        work = set(s.scalars(select(CaseOptionRow.id).where(CaseOptionRow.work_or_studies)))
        participations = s.execute(
            select(P.id, P.insats_id, P.enrolled_on, PE.gender, PE.foreign_background,
                   PE.personnummer, PE.municipality_id, R.municipality_id, R.remittent_party_id,
                   CF.closed_on, CF.exit_route_id)
            .join(PE, PE.id == P.person_id).outerjoin(R, R.id == P.referral_id)
            .outerjoin(CF, CF.participation_id == P.id)
        ).all()  # fmt: skip
        referrals = s.execute(
            select(R.id, R.insats_id, R.arrived_on, R.decided_on, R.status, PE.gender,
                   PE.foreign_background, PE.personnummer, PE.municipality_id,
                   R.municipality_id, R.remittent_party_id)
            .join(PE, PE.id == R.person_id)
        ).all()  # fmt: skip
        plans = s.execute(
            select(PlanRevisionRow.participation_id, PlanInsatsRow.type_id,
                   PlanInsatsRow.starts_on, PlanInsatsRow.ends_on)
            .join(PlanRevisionRow, PlanRevisionRow.id == PlanInsatsRow.revision_id)
        ).all()  # fmt: skip
        survey_rows = s.execute(
            select(ParticipantSurveyRow.participation_id, ParticipantSurveyRow.sent_on,
                   ParticipantSurveyRow.answered_on, ParticipantSurveyRow.score)
        ).all()  # fmt: skip
        return {
            "work": work,
            "participations": participations,
            "referrals": referrals,
            "plans": plans,
            "surveys": survey_rows,
            "insatser": dict(s.execute(select(InsatsRow.id, InsatsRow.name)).all()),
            "municipalities": dict(s.execute(select(MunicipalityRow.id, MunicipalityRow.name)).all()),
            "parties": dict(s.execute(select(PartyRow.id, PartyRow.name)).all()),
            "types": dict(
                s.execute(
                    select(CaseOptionRow.id, CaseOptionRow.name).where(
                        CaseOptionRow.list_key == "insats_type"
                    )
                ).all()
            ),
            "goal": surveys.survey_goal(s),
        }  # fmt: skip


def _age(personnummer: str, day: date) -> int | None:
    if len(personnummer) != 12:
        return None
    born = int(personnummer[:8])
    born -= 60 if born % 100 > 60 else 0
    return (int(day.strftime("%Y%m%d")) - born) // 10000


def _age_group(age: int | None) -> str | None:
    for key, _label, low, high in AGE_GROUPS:
        if age is not None and (low is None or age >= low) and (high is None or age <= high):
            return key
    return None


def _filters(data):
    rows = data[1]
    first_insats = min(rows["insatser"])
    municipality = sorted(rows["municipalities"])[1]
    return [(None, None), (first_insats, None), (None, municipality), (first_insats, municipality)]


def reference(rows: dict, period, insats_id, municipality_id) -> dict:
    """Every figure compared, counted one row at a time."""
    start, end = period.start, period.end
    inside = lambda day: day is not None and start <= day <= end  # noqa: E731
    # dimension -> value -> measure -> n; and age sums for the means
    flow: dict = {d: defaultdict(Counter) for d in ("gender", "age", "foreign", "home", "party")}
    total: Counter = Counter()
    ages: dict = defaultdict(lambda: [0, 0])
    national: dict = defaultdict(Counter)

    def count(values: dict, measure: str, age: int | None) -> None:
        for d, v in values.items():
            flow[d][v][measure] += 1
        total[measure] += 1
        if age is not None:
            ages[measure][0] += age
            ages[measure][1] += 1

    for r in rows["referrals"]:
        (_rid, ins, arrived, decided_on, status, gender, foreign, pnr, p_home, r_home,
         party) = r  # fmt: skip
        home = r_home if r_home is not None else p_home
        if insats_id is not None and ins != insats_id:
            continue
        if municipality_id is not None and home != municipality_id:
            continue
        age = _age(pnr, arrived)
        values = {"gender": gender, "age": _age_group(age), "foreign": foreign, "home": home,
                  "party": party}  # fmt: skip
        if inside(arrived):
            count(values, "received", age)
        if inside(decided_on):
            measure = {"accepted": "accepted", "enrolled": "accepted", "rejected": "rejected",
                       "dormant": "dormant"}.get(status)  # fmt: skip
            if measure:
                count(values, measure, None)
    scope: dict[int, tuple] = {}
    for p in rows["participations"]:
        (pid, ins, enrolled, gender, foreign, pnr, p_home, r_home, party, closed_on,
         route) = p  # fmt: skip
        home = r_home if r_home is not None else p_home
        if insats_id is not None and ins != insats_id:
            continue
        if municipality_id is not None and home != municipality_id:
            continue
        if enrolled > end or (closed_on is not None and closed_on < start):
            continue
        scope[pid] = (home, enrolled)
        age = _age(pnr, enrolled)
        values = {"gender": gender, "age": _age_group(age), "foreign": foreign, "home": home,
                  "party": party}  # fmt: skip
        sex = {"kvinna": "women", "man": "men"}.get(gender)
        flags = {
            "started": inside(enrolled),
            "ongoing": closed_on is None or closed_on > end,
            "closed": inside(closed_on),
        }
        national[ins]["all"] += 1
        if sex:
            national[ins][sex] += 1
        for measure, on in flags.items():
            if on:
                count(values, measure, age)
                if measure != "ongoing":
                    national[ins][measure] += 1
                    if sex:
                        national[ins][f"{measure}_{sex}"] += 1
        if flags["closed"] and route in rows["work"]:
            national[ins]["to_work"] += 1
    performed: dict = defaultdict(set)
    for pid, kind, starts_on, ends_on in rows["plans"]:
        if pid in scope:
            home, enrolled = scope[pid]
            if (starts_on or enrolled) <= end and (ends_on is None or ends_on >= start):
                performed[(home, kind)].add(pid)
    by_pid = {p[0]: p for p in rows["participations"]}
    survey: dict = defaultdict(Counter)
    for pid, sent_on, answered_on, score in rows["surveys"]:
        p = by_pid[pid]
        home = p[7] if p[7] is not None else p[6]
        if not inside(sent_on) or (insats_id is not None and p[1] != insats_id):
            continue
        if municipality_id is not None and home != municipality_id:
            continue
        survey[p[1]]["sent"] += 1
        if answered_on is not None and score is not None:
            survey[p[1]]["answered"] += 1
            survey[p[1]]["satisfied"] += score >= SATISFIED_MIN
    return {
        "flow": flow,
        "total": total,
        "ages": ages,
        "national": national,
        "performed": {k: len(v) for k, v in performed.items()},
        "survey": survey,
        "active": len(scope),
    }


MEASURE_COLUMNS = {
    "received": "Referrals received",
    "accepted": "Accepted (antagen)",
    "rejected": "Rejected (avslag)",
    "dormant": "Dormant (vilande)",
    "started": "Started",
    "ongoing": "Ongoing at the period's end",
    "closed": "Closed in the period",
}


def _dimension_rows(rows: dict, dim: str) -> dict:
    """Row label -> the key counted in that row, as the report labels them."""
    if dim == "age":
        labels = {_(label): key for key, label, _l, _h in AGE_GROUPS}
        labels[_("Age unknown")] = None
    elif dim == "foreign":
        labels = {_(label): key for key, label in FOREIGN[:2]}
        labels[_(FOREIGN[2][1])] = FOREIGN[2][0]  # "okant": unknown is counted, never dropped
    elif dim == "municipality":
        labels = {name: key for key, name in rows["municipalities"].items()}
        labels[_("Municipality not recorded")] = None
    else:
        labels = {name: key for key, name in rows["parties"].items()}
        labels[_("Party not recorded")] = None
    return labels


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_every_figure_equals_the_reference(data, period):
    db, rows = data
    compared = 0
    for insats_id, municipality_id in _filters(data):
        with db.reading() as s:
            report = statistics(s, period, insats_id, municipality_id)
        want = reference(rows, period, insats_id, municipality_id)
        flow = want["flow"]
        total = want["total"]
        where = (period.label, insats_id, municipality_id)
        # flow: total and per gender
        t = report.table("flow")
        for measure, title in MEASURE_COLUMNS.items():
            assert t.cell(_(title), _("Total")) == total[measure], (where, measure)
            for g in Gender:
                assert t.cell(_(title), g.label) == flow["gender"][g.value][measure], where
                compared += 2
        # the four dimension tables, every row and measure
        for dim, key in (("age", "age"), ("foreign", "foreign"), ("municipality", "home"),
                         ("party", "party")):  # fmt: skip
            t = report.table(dim)
            labels = _dimension_rows(rows, dim)
            seen = set()
            for row in t.rows:
                if row[0] in labels:
                    value = labels[row[0]]
                    seen.add(value)
                    expected = [flow[key][value][m] for m in MEASURE_COLUMNS]
                    assert row[1:8] == expected, (where, dim, row[0])
                    compared += 7
            # the rows add up to the total: nobody is dropped, the unknown included
            for i, measure in enumerate(MEASURE_COLUMNS):
                counted = sum(row[1 + i] for row in t.rows if row[0] in labels)
                assert counted == total[measure], (where, dim, measure)
            # a value with counts and no row of its own would be a figure lost
            for value, counts in flow[key].items():
                if value not in seen and value is not None and dim in ("municipality", "party"):
                    assert not sum(counts.values()), (where, dim, value)
        # mean ages
        age_table = report.table("age")
        means = age_table.rows[-1]
        for i, measure in enumerate(MEASURE_COLUMNS):
            s_, n = want["ages"][measure]
            if measure in ("received", "started", "ongoing", "closed"):
                assert means[1 + i] == (round(s_ / n, 1) if n else None), (where, measure)
        # Uppföljning Finsam and the targets, per insats
        national = report.table("national")
        targets = report.table("targets")
        for ins, name in rows["insatser"].items():
            n = want["national"][ins]
            if not any(row[0] == name for row in national.rows):
                assert not n, (where, name)
                continue
            assert [national.cell(name, c) for c in (
                _("Participants, women"), _("Participants, men"), _("Participants, total"),
                _("New, women"), _("New, men"), _("New, total"),
                _("Closed, women"), _("Closed, men"), _("Closed, total"))] == [
                n["women"], n["men"], n["all"], n["started_women"], n["started_men"],
                n["started"], n["closed_women"], n["closed_men"], n["closed"]], where  # fmt: skip
            assert targets.cell(name, _("Started")) == n["started"], where
            assert targets.cell(name, _("Number closed")) == n["closed"], where
            assert targets.cell(name, _("To work or studies")) == n["to_work"], where
            compared += 12
        # insatser performed per home municipality
        performed = report.table("performed")
        types = [c.title for c in performed.columns[1:]]
        type_ids = {name: key for key, name in rows["types"].items() if name in types}
        for row in performed.rows[:-1]:
            home = (None if row[0] == _("Municipality not recorded")
                    else next(k for k, v in rows["municipalities"].items() if v == row[0]))  # fmt: skip
            for title, value in zip(types, row[1:], strict=True):
                assert value == want["performed"].get((home, type_ids[title]), 0), (where, row)
                compared += 1
        # the survey
        survey = report.table("survey")
        for ins, name in rows["insatser"].items():
            if any(row[0] == name for row in survey.rows):
                got = [survey.cell(name, _(c)) for c in ("Sent", "Answered", "Satisfied (4–5)")]
                c = want["survey"][ins]
                assert got == [c["sent"], c["answered"], c["satisfied"]], (where, name)
                compared += 3
        active = re.match(r"[\d\s]+", report.notes[0]).group()
        assert int(re.sub(r"\D", "", active)) == want["active"], where
    assert compared > 500  # the comparison really ran over many figures


def test_grouped_packs_and_falls_back_alike(data, monkeypatch):
    """``grouped`` gives the same groups whether the key is packed into one integer or
    (too wide for 64 bits) grouped column by column; values off the list are OTHER."""
    from finsam_desktop.db import expressions

    db, _rows = data
    P, PE = ParticipationRow, PersonRow
    join = P.__table__.join(PE.__table__, PE.id == P.person_id)
    with db.reading() as s:
        columns = (P.insats_id, PE.municipality_id)
        b = s.execute(
            select(*(f(c) for c in columns for f in (func.min, func.max))).select_from(join)
        ).one()
        dims = [Dim.among(PE.gender, [g.value for g in Gender]), Dim.ids(P.insats_id, b[0:2]),
                Dim.ids(PE.municipality_id, b[2:4])]  # fmt: skip
        packed = grouped(s, dims, [func.count()], select_from=join)
        monkeypatch.setattr(expressions, "PACK_LIMIT", 2)
        plain = grouped(s, dims, [func.count()], select_from=join)
    assert len(packed) == len(plain) > 10
    off_list = Counter()
    for g, ins, home, n in packed:
        off_list[("x" if g is expressions.OTHER else g, ins, home)] += n
    assert off_list == Counter({row[:3]: row[3] for row in plain})
    assert any(g is expressions.OTHER for g, *_rest in packed)  # the gender outside the list
    assert any(home is None for _g, _i, home, _n in packed)  # no home municipality
