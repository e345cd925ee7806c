"""Statistik: the reports a team sends its styrgrupp and the förbund's board.

For a period, one or all insatser and one or all home municipalities, ``statistics``
builds a ``Report`` (reports.model) of eight parts, as issue 10 and the seeds name them:

1. flow (referrals, decisions, started, ongoing at the end, closed) by gender, age
   group at start with mean age, utländsk bakgrund, home municipality, referring party,
   and the table boards read (seed 000: "180 st, 54,4 % kvinnor ... snittålder 38,9");
2. exit routes of those closed × women / men / utländsk bakgrund, "totalt ute i
   aktivitet" and its share per column;
3. main income source at entry × at exit, and the share who moved from
   försörjningsstöd or sjukpenning to work or studies;
4. targets against actuals (pro rata), and caseload against the cap at the end;
5. insatser performed per home municipality;
6. lead times (arrival → decision, remissvar within the answer days, length);
7. the deltagarenkät against the goal;
8. Uppföljning Finsam per insats (the handbook and docs/statistik.md say where each figure
   goes).

Every figure is an aggregate computed by GROUP BY in the database; Python only walks
the groups. The rows counted (one scan each of the period's participations and
referrals into small private tables) and the flow are in ``statistics_scope``. No name, personnummer or free text is ever selected: the age is read from
the date part of the personnummer inside SQL (db.expressions.age_at), so a
de-identified copy with blank numbers still runs (ages then count as unknown).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import CaseOptionRow, ParticipantSurveyRow
from finsam_desktop.db.expressions import filled
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.periods import Period
from finsam_desktop.domain.persons import Gender
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.reports.model import (
    SMALL_LIMIT,
    Chart,
    Column,
    Kind,
    Report,
    Rounding,
    Table,
)
from finsam_desktop.services import surveys
from finsam_desktop.services.access import Permission, no_personal_data, require, requires
from finsam_desktop.services.audit import log_output
from finsam_desktop.services.records import setting_value, store_setting
from finsam_desktop.services.statistics_scope import (
    AGE_GROUPS,
    FOREIGN,
    FROM_SOURCES,
    INS,
    MEASURE_LABELS,
    MEASURES,
    NATIONAL,
    PE,
    REFERRALS,
    SCOPE,
    Flow,
    P,
    R,
    Scope,
    count_flow,
    in_scope,
    mean,
    referral_select,
    scope_select,
    sum_if,
)

SATISFIED_MIN = 4

# --- report building ----------------------------------------------------------------


def _of_started(n: int) -> str:
    return ngettext(
        "of {n} participant who started in the period",
        "of {n} participants who started in the period",
        n,
    ).format(n=format_number(n))


def _of_closed(n: int) -> str:
    return ngettext(
        "of {n} participant closed in the period",
        "of {n} participants closed in the period",
        n,
    ).format(n=format_number(n))


def _of_benefits(n: int) -> str:
    return ngettext(
        "of {n} participant closed who entered on these benefits",
        "of {n} participants closed who entered on these benefits",
        n,
    ).format(n=format_number(n))


class _Builder:
    def __init__(self, session: Session, scope: Scope, rounding: Rounding, tables):
        self.session, self.scope, self.r = session, scope, rounding
        # The period's participations (scope_select) and referrals (referral_select).
        self.scope_table, referrals = tables
        self.t, self.r_table = self.scope_table.c, referrals.c
        self.municipalities = dict(
            session.execute(select(MunicipalityRow.id, MunicipalityRow.name)).all()
        )
        self.parties = dict(session.execute(select(PartyRow.id, PartyRow.name)).all())

    def count(self, n: int):
        return self.r.count(n)

    # 1. flow
    def flow_tables(self, flow: Flow) -> list[Table]:
        cols = [Column(_("Measure"), Kind.TEXT)] + [
            Column(t) for t in (_("Total"), *(g.label for g in Gender))
        ]
        rows = []
        for m in MEASURES:
            by_gender = flow.counts["gender"][m]
            rows.append(
                [_(MEASURE_LABELS[m]), self.count(flow.totals[m])]
                + [self.count(by_gender.get(g.value, 0)) for g in Gender]
            )
        chart = Chart(
            _("Flow by gender"),
            [_(MEASURE_LABELS[m]) for m in ("received", "started", "ongoing", "closed")],
            [
                (
                    g.label,
                    [float(flow.counts["gender"][m].get(g.value, 0))
                     for m in ("received", "started", "ongoing", "closed")],
                )
                for g in (Gender.WOMAN, Gender.MAN)
            ],
        )  # fmt: skip
        overview = Table(
            "flow",
            _("Flow in the period"),
            cols,
            rows,
            base=_("Referrals by arrival date, decisions by decision date, participants by "
                   "start and closing date; the period {period}.").format(
                period=self.scope.period.label),
            chart=chart,
        )  # fmt: skip
        tables = [overview, self.started_table(flow)]
        tables.append(
            self.dimension_table(
                flow, "age", _("Flow by age group"), _("Age group"),
                [(k, _(name)) for k, name, _l, _h in AGE_GROUPS], _("Age unknown"),
                notes=[_("Age at arrival for referrals and decisions, at start for "
                         "participants.")],
                with_mean=True,
            )
        )  # fmt: skip
        tables.append(
            self.dimension_table(
                flow, "foreign", _("Flow by foreign background"), _("Utländsk bakgrund"),
                [(k, _(label)) for k, label in FOREIGN[:2]], _(FOREIGN[2][1]),
                notes=[_("Utländsk bakgrund: born abroad, or both parents born abroad.")],
                unknown_key=FOREIGN[2][0],  # stored as "okant", never NULL
            )
        )  # fmt: skip
        tables.append(
            self.dimension_table(
                flow, "municipality", _("Flow by home municipality"), _("Home municipality"),
                self._named(self.municipalities, flow.counts["municipality"]),
                _("Municipality not recorded"),
            )
        )  # fmt: skip
        tables.append(
            self.dimension_table(
                flow, "party", _("Flow by referring party"), _("Referring party"),
                self._named(self.parties, flow.counts["party"]), _("Party not recorded"),
                notes=[_("Participants enrolled without a referral count under 'not "
                         "recorded'.")],
            )
        )  # fmt: skip
        return tables

    def _named(self, names: dict[int, str], by_measure: dict) -> list[tuple[object, str]]:
        seen = {k for measure in by_measure.values() for k in measure if k is not None}
        return sorted(((k, names.get(k, "?")) for k in seen), key=lambda kv: swedish_key(kv[1]))

    def dimension_table(
        self, flow: Flow, dim: str, title: str, label: str,
        values: list[tuple[object, str]], unknown_label: str,
        notes: list[str] | None = None, with_mean: bool = False, unknown_key: object = None,
    ) -> Table:  # fmt: skip
        cols = [Column(label, Kind.TEXT)] + [Column(_(MEASURE_LABELS[m])) for m in MEASURES]
        rows = []
        by = flow.counts[dim]
        for key, name in [*values, (unknown_key, unknown_label)]:
            rows.append([name] + [self.count(by[m].get(key, 0)) for m in MEASURES])
        rows.append([_("Total")] + [self.count(flow.totals[m]) for m in MEASURES])
        bold = {len(rows) - 1}
        row_kinds = {}
        if with_mean:
            rows.append(
                [_("Mean age")]
                + [mean(*flow.total_age[m]) if m in ("received", "started", "ongoing", "closed")
                   else None for m in MEASURES]
            )  # fmt: skip
            row_kinds[len(rows) - 1] = Column("", Kind.NUMBER, 1)
        return Table(dim, title, cols, rows, notes=notes or [], bold_rows=bold,
                     row_kinds=row_kinds)  # fmt: skip

    def started_table(self, flow: Flow) -> Table:
        """The table boards read (seed 000, Steget vidare): started, shares of the whole."""
        n = flow.totals["started"]
        gender = flow.counts["gender"]["started"]
        foreign = flow.counts["foreign"]["started"]
        rows: list[list] = [[_("Total"), self.count(n), self.r.share(n, n)]]
        for g in Gender:
            k = gender.get(g.value, 0)
            rows.append([g.label, self.count(k), self.r.share(k, n)])
        for key, label in FOREIGN:
            k = foreign.get(key, 0)
            rows.append([_(label), self.count(k), self.r.share(k, n)])
        s, k = flow.total_age["started"]
        rows.append([_("Mean age at start"), mean(s, k), None])
        notes = []
        if k < n:
            notes.append(_("Mean age of the {k} with a known age.").format(k=format_number(k)))
        return Table(
            "started",
            _("Participants who started in the period"),
            [Column(_("Group"), Kind.TEXT), Column(_("Number")),
             self.r.share_column(_("Share"))],
            rows,
            base=_of_started(n),
            notes=notes,
            bold_rows={0},
            row_kinds={len(rows) - 1: Column("", Kind.NUMBER, 1)},
        )  # fmt: skip

    # 2. exit routes
    def exit_routes(self) -> Table:
        t = self.t
        stmt = (
            select(t.exit_route, t.gender, t.foreign, func.count())
            .where(t.closed == 1)
            .group_by(t.exit_route, t.gender, t.foreign)
        )
        groups = ("all", Gender.WOMAN.value, Gender.MAN.value, "foreign")
        by_route: dict[object, dict[str, int]] = defaultdict(lambda: dict.fromkeys(groups, 0))
        for route, g, f, n in self.session.execute(stmt):
            cell = by_route[route]
            cell["all"] += n
            if g in (Gender.WOMAN.value, Gender.MAN.value):
                cell[g] += n
            if f == "ja":
                cell["foreign"] += n
        routes = self.session.execute(
            select(CaseOptionRow.id, CaseOptionRow.name, CaseOptionRow.active,
                   CaseOptionRow.in_activity)
            .where(CaseOptionRow.list_key == OptionList.EXIT_ROUTE.value,
                   CaseOptionRow.parent_id.is_(None))
            .order_by(CaseOptionRow.position, CaseOptionRow.id)
        ).all()  # fmt: skip
        known = {r.id for r in routes}
        closed = {k: sum(v[k] for v in by_route.values()) for k in groups}
        rows: list[list] = []
        active_ids = [r for r in routes if r.in_activity and (r.active or r.id in by_route)]
        other_ids = [r for r in routes if not r.in_activity and (r.active or r.id in by_route)]

        def route_row(r) -> list:
            name = r.name if r.active else _("{name} (retired)").format(name=r.name)
            return [name] + [self.count(by_route.get(r.id, {}).get(k, 0)) for k in groups]

        for r in active_ids:
            rows.append(route_row(r))
        in_activity = {k: sum(by_route.get(r.id, {}).get(k, 0) for r in active_ids) for k in groups}
        rows.append([_("Total in activity (ute i aktivitet)")]
                    + [self.count(in_activity[k]) for k in groups])  # fmt: skip
        bold = {len(rows) - 1}
        for r in other_ids:
            rows.append(route_row(r))
        unknown = {k: sum(v[k] for key, v in by_route.items() if key not in known) for k in groups}
        rows.append([_("Exit route not recorded")] + [self.count(unknown[k]) for k in groups])
        rows.append([_("Closed in the period")] + [self.count(closed[k]) for k in groups])
        bold.add(len(rows) - 1)
        rows.append([_("Share in activity")]
                    + [self.r.share(in_activity[k], closed[k], cross=True) for k in groups])  # fmt: skip
        bold.add(len(rows) - 1)
        share_row = {len(rows) - 1: self.r.share_column("", cross=True)}
        chart = Chart(
            _("Exit routes"),
            [r[0] for r in rows[: len(active_ids)]]
            + [r[0] for r in rows[len(active_ids) + 1 : -3]],
            [(Gender.WOMAN.label, []), (Gender.MAN.label, [])],
        )
        for label in chart.categories:
            row = next(x for x in rows if x[0] == label)
            for i, (_name, values) in enumerate(chart.series):
                v = row[2 + i]
                values.append(float(v) if isinstance(v, int) else 0.0)
        notes = [_("Routes above the first total count as 'ute i aktivitet' (set per exit "
                   "route under Settings).")]  # fmt: skip
        if not active_ids:
            notes = [_("No exit route is marked as 'ute i aktivitet' yet (Settings, lists).")]
        return Table(
            "exit_routes",
            _("Exit routes of those closed in the period"),
            [Column(_("Exit route"), Kind.TEXT), Column(_("Total")), Column(_("Women")),
             Column(_("Men")), Column(_("Utländsk bakgrund"))],
            rows,
            base=_of_closed(closed["all"]),
            notes=notes, chart=chart, bold_rows=bold, row_kinds=share_row,
        )  # fmt: skip

    # 3. income source at entry and exit
    def income_tables(self) -> list[Table]:
        t = self.t
        work = self._work_route_ids()
        stmt = (
            select(t.entry_income, t.exit_income, func.count(),
                   sum_if(t.exit_route.in_(work) if work else literal(False)))
            .where(t.closed == 1)
            .group_by(t.entry_income, t.exit_income)
        )  # fmt: skip
        cross: dict[tuple, int] = {}
        to_work: dict[object, int] = defaultdict(int)
        for entry, exit_, n, w in self.session.execute(stmt):
            cross[(entry, exit_)] = n
            to_work[entry] += w
        sources = self.session.execute(
            select(CaseOptionRow.id, CaseOptionRow.name, CaseOptionRow.active)
            .where(CaseOptionRow.list_key == OptionList.INCOME_SOURCE.value)
            .order_by(CaseOptionRow.position, CaseOptionRow.id)
        ).all()
        names = {s.id: s.name for s in sources}
        used_rows = {e for e, _x in cross}
        used_cols = {x for _e, x in cross}
        row_keys = [s.id for s in sources if s.active or s.id in used_rows] + [None]
        col_keys = [s.id for s in sources if s.id in used_cols] + [None]
        unknown = _("Not recorded")
        total = sum(cross.values())
        cols = [Column(_("At entry \\ at exit"), Kind.TEXT)] + [
            Column(names.get(k, unknown)) for k in col_keys
        ] + [Column(_("Total"))]  # fmt: skip
        rows = []
        for e in row_keys:
            cells = [cross.get((e, x), 0) for x in col_keys]
            rows.append([names.get(e, unknown)] + [self.count(n) for n in cells]
                        + [self.count(sum(cells))])  # fmt: skip
        col_totals = [sum(cross.get((e, x), 0) for e in row_keys) for x in col_keys]
        rows.append([_("Total")] + [self.count(n) for n in col_totals] + [self.count(total)])
        table = Table(
            "income",
            _("Main source of income at entry and at exit"),
            cols, rows,
            base=_of_closed(total),
            notes=[_("Rows: at entry; columns: at exit.")],
            bold_rows={len(rows) - 1},
        )  # fmt: skip
        moved_rows = []
        from_ids = [
            s.id
            for s in sources
            if any(w in s.name.lower() for w in FROM_SOURCES) and (s.active or s.id in used_rows)
        ]
        all_from = all_moved = 0
        for sid in from_ids:
            n = sum(v for (e, _x), v in cross.items() if e == sid)
            moved = to_work.get(sid, 0)
            all_from += n
            all_moved += moved
            moved_rows.append([names[sid], self.count(n), self.count(moved),
                               self.r.share(moved, n, cross=True)])  # fmt: skip
        moved_rows.append([_("Together"), self.count(all_from), self.count(all_moved),
                           self.r.share(all_moved, all_from, cross=True)])  # fmt: skip
        moved = Table(
            "moved",
            _("From försörjningsstöd or sickness benefit to work or studies"),
            [Column(_("Income at entry"), Kind.TEXT), Column(_("Number closed")),
             Column(_("To work or studies")), self.r.share_column(_("Share"), cross=True)],
            moved_rows,
            base=_of_benefits(all_from),
            notes=[_("To work or studies: the exit route is marked as work or studies.")],
            bold_rows={len(moved_rows) - 1},
        )  # fmt: skip
        return [table, moved]

    def _work_route_ids(self) -> list[int]:
        return list(
            self.session.scalars(
                select(CaseOptionRow.id).where(
                    CaseOptionRow.list_key == OptionList.EXIT_ROUTE.value,
                    CaseOptionRow.work_or_studies,
                )
            )
        )

    def _insatser(self):
        stmt = select(INS.id, INS.name, INS.active, INS.expected_per_year, INS.target_work_studies_percent,
                      INS.caseload_cap, INS.answer_days).order_by(INS.name_key)  # fmt: skip
        if self.scope.insats_id is not None:
            stmt = stmt.where(INS.id == self.scope.insats_id)
        return self.session.execute(stmt).all()

    # 4. targets
    def target_tables(self, flow: Flow) -> list[Table]:
        end = self.scope.period.end
        t = self.t
        figures = {
            ins: (n["started"], n["closed"], n["closed_to_work"])
            for ins, n in flow.by_insats.items()
        }
        load_stmt = (
            select(t.insats_id, t.contact, func.count())
            .where(t.ongoing == 1)
            .group_by(t.insats_id, t.contact)
        )
        loads: dict[int, list[int]] = defaultdict(list)
        for insats_id, _staff, n in self.session.execute(load_stmt):
            loads[insats_id].append(n)
        fraction = self.scope.period.year_fraction
        rows, load_rows = [], []
        for ins in self._insatser():
            started, n_closed, to_work = figures.get(ins.id, (0, 0, 0))
            if not ins.active and not (started or n_closed or loads.get(ins.id)):
                continue
            expected = (
                round(ins.expected_per_year * fraction, 1)
                if ins.expected_per_year is not None else None
            )  # fmt: skip
            rows.append([
                ins.name,
                ins.expected_per_year,
                expected,
                self.count(started),
                self.r.share(started, round(expected)) if expected else None,
                self.count(n_closed),
                self.count(to_work),
                self.r.share(to_work, n_closed, cross=True),
                (ins.target_work_studies_percent / 100
                 if ins.target_work_studies_percent is not None else None),
                _met(to_work, n_closed, ins.target_work_studies_percent),
            ])  # fmt: skip
            per = loads.get(ins.id, [])
            load_rows.append([
                ins.name, ins.caseload_cap, self.count(sum(per)), len(per),
                max(per) if per else None,
                round(sum(per) / len(per), 1) if per else None,
                sum(1 for n in per if n > ins.caseload_cap),
            ])  # fmt: skip
        targets = Table(
            "targets",
            _("Targets against actuals"),
            [Column(_("Insats"), Kind.TEXT), Column(_("Expected per year")),
             Column(_("Expected in the period")), Column(_("Started")),
             self.r.share_column(_("Share of expected"), cross=True),
             Column(_("Number closed")), Column(_("To work or studies")),
             self.r.share_column(_("Share to work or studies"), cross=True),
             self.r.share_column(_("Target"), cross=True), Column(_("Target met"), Kind.TEXT)],
            rows,
            base=_("Expected participants pro rata for the period ({share} of a year).").format(
                share=format_number(fraction, 2)),
            notes=[_("Targets are set per insats under Settings.")],
        )  # fmt: skip
        caseload = Table(
            "caseload",
            _("Caseload against the cap at the period's end"),
            [Column(_("Insats"), Kind.TEXT), Column(_("Cap per coordinator")),
             Column(_("Ongoing participants")), Column(_("Coordinators with participants")),
             Column(_("Most per coordinator")), Column(_("Mean per coordinator")),
             Column(_("Coordinators over the cap"))],
            load_rows,
            base=_("Participants ongoing on {date}, by contact person.").format(
                date=end.isoformat()),
        )  # fmt: skip
        return [targets, caseload]

    # 5. insatser performed per municipality
    def performed(self) -> Table:
        from finsam_desktop.db.casework_models import PlanInsatsRow, PlanRevisionRow

        start, end = self.scope.period.start, self.scope.period.end
        t = self.t
        # Each participant once per kind: (participation, kind) first, then the count
        # per home and kind (cheaper than COUNT(DISTINCT)). SQLite reads the plan rows
        # in order and finds the participation by its row id (the scope's key).
        pairs = (
            select(t.home.label("home"), PlanInsatsRow.type_id.label("kind"))
            .select_from(PlanInsatsRow)
            .join(PlanRevisionRow, PlanInsatsRow.revision_id == PlanRevisionRow.id)
            .join(self.scope_table, PlanRevisionRow.participation_id == t.pid)
            .where(
                func.coalesce(PlanInsatsRow.starts_on, t.enrolled_on) <= end,
                or_(PlanInsatsRow.ends_on.is_(None), PlanInsatsRow.ends_on >= start),
            )
            .group_by(t.pid, PlanInsatsRow.type_id)
            .subquery()
        )
        stmt = select(pairs.c.home, pairs.c.kind, func.count()).group_by(pairs.c.home, pairs.c.kind)
        cells: dict[tuple, int] = {}
        for m, kind, n in self.session.execute(stmt):
            cells[(m, kind)] = n
        types = self.session.execute(
            select(CaseOptionRow.id, CaseOptionRow.name, CaseOptionRow.active)
            .where(CaseOptionRow.list_key == OptionList.INSATS_TYPE.value)
            .order_by(CaseOptionRow.position, CaseOptionRow.id)
        ).all()
        used_types = {t for _m, t in cells}
        type_keys = [t for t in types if t.active or t.id in used_types]
        munis = sorted({m for m, _t in cells if m is not None},
                       key=lambda k: swedish_key(self.municipalities.get(k, "?")))  # fmt: skip
        rows = []
        for m in [*munis, None]:
            name = (
                self.municipalities.get(m, "?") if m is not None else _("Municipality not recorded")
            )
            rows.append([name] + [self.count(cells.get((m, t.id), 0)) for t in type_keys])
        rows.append([_("Total")] + [self.count(sum(cells.get((m, t.id), 0) for m in [*munis, None]))
                                    for t in type_keys])  # fmt: skip
        return Table(
            "performed",
            _("Insatser performed per home municipality"),
            [Column(_("Home municipality"), Kind.TEXT)] + [Column(t.name) for t in type_keys],
            rows,
            base=_("Participants with the insats in their handlingsplan during the period "
                   "(each participant once per kind of insats)."),
            bold_rows={len(rows) - 1},
        )  # fmt: skip

    # 6. lead times
    def lead_times(self) -> Table:
        r = self.r_table
        decide = self.session.execute(
            select(r.insats_id, r.days, func.count())
            .where(r.decided == 1)
            .group_by(r.insats_id, r.days)
        ).all()
        answers = self.session.execute(
            select(r.insats_id, func.count(), func.sum(r.in_time))
            .where(r.answered == 1)
            .group_by(r.insats_id)
        ).all()
        t = self.t
        lengths = self.session.execute(
            select(t.insats_id, t.length, func.count())
            .where(t.closed == 1)
            .group_by(t.insats_id, t.length)
        ).all()
        hist_d: dict[object, dict[int, int]] = defaultdict(dict)
        hist_l: dict[object, dict[int, int]] = defaultdict(dict)
        for ins, d, n in decide:
            hist_d[ins][d] = n
            hist_d["all"][d] = hist_d["all"].get(d, 0) + n
        for ins, d, n in lengths:
            hist_l[ins][d] = n
            hist_l["all"][d] = hist_l["all"].get(d, 0) + n
        ans = {ins: (n, ok) for ins, n, ok in answers}
        ans["all"] = (sum(n for n, _ok in ans.values()), sum(ok for _n, ok in ans.values()))
        rows = []
        keys = [(i.id, i.name) for i in self._insatser()
                if i.active or i.id in hist_d or i.id in ans or i.id in hist_l]  # fmt: skip
        for key, name in [*keys, ("all", _("All insatser"))]:
            dh, lh = hist_d.get(key, {}), hist_l.get(key, {})
            n_ans, ok = ans.get(key, (0, 0))
            rows.append([
                name, self.count(sum(dh.values())), _median(dh),
                max(dh) if dh else None, self.count(n_ans), self.count(ok),
                self.r.share(ok, n_ans, cross=True), self.count(sum(lh.values())), _median(lh),
            ])  # fmt: skip
        return Table(
            "lead_times",
            _("Lead times"),
            [Column(_("Insats"), Kind.TEXT), Column(_("Decisions")),
             Column(_("Days to decision, median"), Kind.NUMBER, 1),
             Column(_("Days to decision, max")), Column(_("Remissvar sent")),
             Column(_("Within the answer days")),
             self.r.share_column(_("Share within the answer days"), cross=True),
             Column(_("Number closed")), Column(_("Length in days, median"), Kind.NUMBER, 1)],
            rows,
            base=_("Decisions and remissvar dated in the period; length of the participations "
                   "closed in it."),
            bold_rows={len(rows) - 1},
        )  # fmt: skip

    # 7. deltagarenkät
    def survey(self) -> Table:
        start, end = self.scope.period.start, self.scope.period.end
        S = ParticipantSurveyRow
        answered = and_(S.answered_on.is_not(None), S.score.is_not(None))
        stmt = (
            select(P.insats_id, func.count(), sum_if(answered),
                   sum_if(and_(answered, S.score >= SATISFIED_MIN)))
            .select_from(S)
            .join(P, S.participation_id == P.id)
            .where(S.sent_on.between(start, end), *in_scope(self.scope))
            .group_by(P.insats_id)
        )  # fmt: skip
        if self.scope.municipality_id is not None:  # the home municipality: person, referral
            stmt = stmt.join(PE, PE.id == P.person_id).outerjoin(R, R.id == P.referral_id)
        by = {ins: (sent, ans, sat) for ins, sent, ans, sat in self.session.execute(stmt)}
        goal = surveys.survey_goal(self.session)  # the goal set under Ärendearbete
        rows = []
        for ins in self._insatser():
            if ins.id in by or ins.active:
                rows.append(self._survey_row(ins.name, *by.get(ins.id, (0, 0, 0)), goal))
        total = tuple(sum(v[i] for v in by.values()) for i in range(3))
        rows.append(self._survey_row(_("All insatser"), *total, goal))
        return Table(
            "survey",
            _("Deltagarenkät"),
            [Column(_("Insats"), Kind.TEXT), Column(_("Sent")), Column(_("Answered")),
             self.r.share_column(_("Response rate"), cross=True),
             Column(_("Satisfied (4–5)")), self.r.share_column(_("Share satisfied"), cross=True),
             self.r.share_column(_("Goal"), cross=True), Column(_("Goal met"), Kind.TEXT)],
            rows,
            base=_("Questionnaires sent in the period; satisfied: score 4 or 5 of 5. "
                   "Free comments are never part of the statistics."),
            bold_rows={len(rows) - 1},
        )  # fmt: skip

    def _survey_row(self, name, sent, answered, satisfied, goal) -> list:
        return [name, self.count(sent), self.count(answered),
                self.r.share(answered, sent, cross=True), self.count(satisfied),
                self.r.share(satisfied, answered, cross=True), goal / 100,
                _met(satisfied, answered, goal)]  # fmt: skip

    # 8. Uppföljning Finsam
    def national(self, flow: Flow) -> Table:
        # women, men, all; started: women, men, all; closed: women, men, all
        by = {ins: [n[k] for k in NATIONAL[:9]] for ins, n in flow.by_insats.items()}
        rows = []
        for ins in self._insatser():
            if ins.id in by or ins.active:
                rows.append([ins.name] + [self.count(n) for n in by.get(ins.id, (0,) * 9)])
        totals = [sum(v[i] for v in by.values()) for i in range(9)]
        rows.append([_("All insatser")] + [self.count(n) for n in totals])
        return Table(
            "national",
            _("Uppföljning Finsam"),
            [Column(_("Insats"), Kind.TEXT),
             Column(_("Participants, women")), Column(_("Participants, men")),
             Column(_("Participants, total")),
             Column(_("New, women")), Column(_("New, men")), Column(_("New, total")),
             Column(_("Closed, women")), Column(_("Closed, men")), Column(_("Closed, total"))],
            rows,
            base=_("Participants: enrolled at some time in the period; new: started in it; "
                   "closed: closed in it. Totals include other and unknown gender."),
            notes=[_("The handbook (F1), section Uppföljning Finsam, says where each figure "
                     "goes.")],
            bold_rows={len(rows) - 1},
        )  # fmt: skip


def _met(count: int, base: int, goal_percent: int | None) -> str | None:
    if goal_percent is None:
        return None
    if base <= 0:
        return _("No base yet")
    return _("Yes") if 100 * count >= goal_percent * base else _("No")


def _median(histogram: dict[int, int]) -> float | None:
    """The median of a histogram {value: count} (mean of the two middle values)."""
    n = sum(histogram.values())
    if not n:
        return None
    lower_rank, upper_rank = (n - 1) // 2, n // 2
    seen, lower = 0, None
    for value in sorted(k for k in histogram if k is not None):
        seen += histogram[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            return round((lower + value) / 2, 1)
    return None


ROUNDING_SETTING = "statistics.rounding"


@requires(Permission.STATISTICS)
def configured_rounding(session: Session, hide_small: bool = False) -> Rounding:
    """The decimals the team prints: setting ``statistics.rounding`` =
    {"share_decimals": 1, "cross_decimals": 0} (the seeds' way when not set)."""
    value = setting_value(session, ROUNDING_SETTING)
    value = value if isinstance(value, dict) else {}

    def decimals(key: str, default: int) -> int:
        n = value.get(key, default)
        return n if isinstance(n, int) and 0 <= n <= 3 else default

    return Rounding(decimals("share_decimals", 1), decimals("cross_decimals", 0), hide_small)


@requires(Permission.CASEWORK)
def set_rounding(session: Session, share_decimals: int, cross_decimals: int) -> Rounding:
    """Store the decimals of the team's reports (0–3 each): shares of the whole (54,4 %)
    and shares in cross-tables (47 %)."""
    require(session, Permission.CASEWORK)
    for key, n in (("share_decimals", share_decimals), ("cross_decimals", cross_decimals)):
        if not 0 <= n <= 3:
            raise ValidationError.single(key, _("Choose from 0 to 3 decimals."))
    store_setting(
        session,
        ROUNDING_SETTING,
        {"share_decimals": share_decimals, "cross_decimals": cross_decimals},
    )
    return Rounding(share_decimals, cross_decimals)


# --- the service ------------------------------------------------------------------


@requires(Permission.STATISTICS)
def statistics(
    session: Session,
    period: Period,
    insats_id: int | None = None,
    municipality_id: int | None = None,
    rounding: Rounding | None = None,
    organisation: str = "",
    hide_small: bool = False,
) -> Report:
    """The statistics report for ``period`` (one or all insatser and municipalities).

    ``rounding`` overrides the team's setting (``configured_rounding``)."""
    require(session, Permission.STATISTICS)
    rounding = rounding or configured_rounding(session, hide_small)
    scope = Scope(period, insats_id, municipality_id)
    with (
        filled(session, SCOPE, scope_select(scope)) as t,
        filled(session, REFERRALS, referral_select(scope)) as rt,
    ):
        b = _Builder(session, scope, rounding, (t, rt))
        flow = count_flow(session, t, rt, b._work_route_ids())
        tables = [
            *b.flow_tables(flow),
            b.exit_routes(),
            *b.income_tables(),
            *b.target_tables(flow),
            b.performed(),
            b.lead_times(),
            b.survey(),
            b.national(flow),
        ]
    insats_name = (
        session.scalar(select(INS.name).where(INS.id == insats_id))
        if insats_id is not None
        else _("All insatser")
    )
    municipality_name = (
        b.municipalities.get(municipality_id, "?")
        if municipality_id is not None
        else _("All municipalities")
    )
    notes = [
        ngettext(
            "{n} participant at some time in the period.",
            "{n} participants at some time in the period.",
            flow.active,
        ).format(n=format_number(flow.active))
    ]
    if rounding.hide_small:
        notes.append(_("Counts from 1 to 4 are shown as <5."))
        for table in tables:
            if table.chart is not None:
                for _name, values in table.chart.series:
                    values[:] = [0.0 if 0 < v < SMALL_LIMIT else v for v in values]
                table.notes.append(_("Bars for counts from 1 to 4 are left out."))
    return Report(
        title=_("Statistics"),
        period_label=period.label,
        filters=[(_("Insats"), insats_name or "?"), (_("Home municipality"), municipality_name)],
        tables=tables,
        notes=notes,
        organisation=organisation,
        key="statistics",
        period=period.as_dict(),
    )


@requires(Permission.STATISTICS)
def record_export(session: Session, fmt: str) -> None:
    """Note in the log that the statistics were exported (no personal data in them)."""
    require(session, Permission.STATISTICS)
    log_output(session, f"statistics-{fmt}")


@no_personal_data
def insats_named(session: Session, name: str) -> int:
    """The id of the insats called ``name`` (case and å ä ö as Swedes write them)."""
    wanted = swedish_key(name.strip())
    for iid, iname in session.execute(select(INS.id, INS.name)):
        if swedish_key(iname) == wanted:
            return iid
    raise ValidationError.single("insats", _("There is no insats called {name}.").format(name=name))


@no_personal_data
def report_choices(session: Session) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(insatser, municipalities) for the page's choices: id and name, no personal data."""
    require(session, Permission.STATISTICS)
    insatser = [
        (r.id, r.name) for r in session.execute(select(INS.id, INS.name).order_by(INS.name_key))
    ]
    municipalities = [
        (r.id, r.name)
        for r in session.execute(
            select(MunicipalityRow.id, MunicipalityRow.name).order_by(MunicipalityRow.name_key)
        )
    ]
    return insatser, municipalities
