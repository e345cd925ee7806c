"""Registering lotsärenden and keeping their category lists.

Category lists belong to the förbund (one per database). A category that any
lotsärende uses can be renamed or retired but not deleted, so that a summary of an
old year still reads the same.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.lots_models import LotsCaseOutcomeRow, LotsCaseRow, LotsCategoryRow
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.lots import (
    DEFAULT_CATEGORIES,
    LotsCase,
    LotsCategory,
    normalise_officer,
    validate_case,
)
from finsam_desktop.domain.lots_summary import (
    SATISFACTION_GOAL_SETTING,
    Answer,
    CategoryKind,
    satisfaction_goal_of,
)
from finsam_desktop.domain.persons import Gender
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _, format_number, ngettext
from finsam_desktop.services.access import (
    Permission,
    building_block,
    no_personal_data,
    require,
    requires,
)
from finsam_desktop.services.listing import Column, ListQuery, ListRow, like_any
from finsam_desktop.services.records import (
    apply_version,
    existing_row,
    require_unique_name,
    setting_value,
    store_setting,
)

GOAL_SETTING = SATISFACTION_GOAL_SETTING
# The one-valued category fields of a lotsärende; outcomes are a list (outcome_ids).
CATEGORY_FIELDS = {
    CategoryKind.QUESTION: "question_id",
    CategoryKind.ACTION: "action_id",
}
OUTCOME_SEPARATOR = ";"  # between several outcomes in one text (imports, exports)

# --- categories ----------------------------------------------------------------------


def _category(row: LotsCategoryRow) -> LotsCategory:
    return LotsCategory(
        row.id,
        CategoryKind(row.kind),
        row.name,
        row.active,
        row.position,
        row.work_or_studies,
        row.version,
    )


@requires(Permission.CASEWORK)
def ensure_default_categories(session: Session) -> int:
    """Give each list that has never had a value the defaults; returns how many were added."""
    added = 0
    for kind, defaults in DEFAULT_CATEGORIES.items():
        exists = session.scalar(
            select(LotsCategoryRow.id).where(LotsCategoryRow.kind == kind.value).limit(1)
        )
        if exists is not None:
            continue
        for position, (name, work_or_studies) in enumerate(defaults, start=1):
            text = _(name)
            session.add(
                LotsCategoryRow(
                    kind=kind.value,
                    name=text,
                    name_key=swedish_key(text),
                    active=True,
                    position=position,
                    work_or_studies=work_or_studies,
                )
            )
            added += 1
    session.flush()
    return added


@no_personal_data
def list_categories(
    session: Session, kind: CategoryKind, include_retired: bool = False
) -> list[LotsCategory]:
    stmt = (
        select(LotsCategoryRow)
        .where(LotsCategoryRow.kind == kind.value)
        .order_by(LotsCategoryRow.position, LotsCategoryRow.name_key)
    )
    if not include_retired:
        stmt = stmt.where(LotsCategoryRow.active)
    return [_category(r) for r in session.scalars(stmt)]


@no_personal_data
def get_category(session: Session, category_id: int) -> LotsCategory:
    row = existing_row(session, LotsCategoryRow, category_id)
    return _category(row)


@requires(Permission.CASEWORK)
def save_category(session: Session, category: LotsCategory) -> LotsCategory:
    require(session, Permission.CASEWORK)
    name = " ".join(category.name.split())
    if not name:
        raise ValidationError.single("name", _("Enter a name for the category."))
    if len(name) > 200:
        raise ValidationError.single("name", _("At most {n} characters.").format(n=200))
    require_unique_name(
        session,
        LotsCategoryRow,
        category.id,
        _("The list already has a category with that name."),
        LotsCategoryRow.kind == category.kind.value,
        LotsCategoryRow.name_key == swedish_key(name),
    )
    if category.id is None:
        row = LotsCategoryRow(kind=category.kind.value)
        last = session.scalar(
            select(func.max(LotsCategoryRow.position)).where(
                LotsCategoryRow.kind == category.kind.value
            )
        )
        row.position = category.position or (last or 0) + 1
        session.add(row)
    else:
        row = existing_row(session, LotsCategoryRow, category.id)
        apply_version(row, category.version)
        row.position = category.position or row.position
    row.name, row.name_key = name, swedish_key(name)
    row.active = category.active
    row.work_or_studies = category.work_or_studies and category.kind is CategoryKind.OUTCOME
    session.flush()
    return _category(row)


@no_personal_data
def category_use_count(session: Session, category_id: int) -> int:
    return session.scalar(select(_uses(category_id))) or 0


def _uses(category_id):
    """Lotsärenden using a category: three indexed counts (an OR would scan the table)."""
    c = LotsCaseRow
    return sum(
        (
            select(func.count()).where(column == category_id).scalar_subquery()
            for column in (c.question_id, c.action_id, LotsCaseOutcomeRow.category_id)
        ),
        start=literal(0),
    )


@requires(Permission.CASEWORK)
def delete_category(session: Session, category_id: int) -> None:
    """Delete a category nobody has used yet (a typo); a used one can only be retired."""
    require(session, Permission.CASEWORK)
    row = existing_row(session, LotsCategoryRow, category_id)
    used = category_use_count(session, category_id)
    if used:
        raise ValidationError.single(
            "name",
            ngettext(
                "{n} lotsärende uses this category, so it cannot be deleted. "
                "Retire it instead: old summaries keep it, new cases cannot choose it.",
                "{n} lotsärenden use this category, so it cannot be deleted. "
                "Retire it instead: old summaries keep it, new cases cannot choose it.",
                used,
            ).format(n=format_number(used)),
        )
    session.delete(row)
    session.flush()


@no_personal_data
def category_list(db: Database, kind: CategoryKind) -> ListQuery:
    c = LotsCategoryRow
    used = _uses(c.id)
    return ListQuery(
        db=db,
        columns=[
            Column("position", N_("Order"), c.position, numeric=True),
            Column("name", N_("Category"), c.name_key),
            Column("used", N_("Used by"), numeric=True),
            Column("active", N_("Status")),
        ],
        base=select(c.id, c.position, c.name, used.label("used"), c.active).where(
            c.kind == kind.value
        ),
        to_row=lambda r: ListRow(
            r.id,
            (r.position, r.name, r.used, _("Active") if r.active else _("Retired")),
            muted=not r.active,
        ),
        id_column=c.id,
        search=lambda t: like_any(swedish_key(t), c.name_key),
    )


# --- the satisfaction goal -----------------------------------------------------------


@no_personal_data
def satisfaction_goal(session: Session) -> int:
    return satisfaction_goal_of(setting_value(session, GOAL_SETTING))


@requires(Permission.CASEWORK)
def set_satisfaction_goal(session: Session, percent: int) -> int:
    require(session, Permission.CASEWORK)
    if not 1 <= percent <= 100:
        raise ValidationError.single("goal", _("The goal is a percentage from 1 to 100."))
    store_setting(session, GOAL_SETTING, percent)
    return percent


# --- lotsärenden ------------------------------------------------------------------


@building_block
def outcome_ids_of(session: Session, case_ids: list[int]) -> dict[int, list[int]]:
    """Each lotsärende's outcomes, in the outcome list's order."""
    out: dict[int, list[int]] = {cid: [] for cid in case_ids}
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i : i + 500]
        for case_id, category_id in session.execute(
            select(LotsCaseOutcomeRow.lots_case_id, LotsCaseOutcomeRow.category_id)
            .join(LotsCategoryRow, LotsCategoryRow.id == LotsCaseOutcomeRow.category_id)
            .where(LotsCaseOutcomeRow.lots_case_id.in_(chunk))
            .order_by(LotsCategoryRow.position, LotsCategoryRow.id)
        ):
            out[case_id].append(category_id)
    return out


@building_block
def set_outcomes(session: Session, row: LotsCaseRow, outcome_ids: list[int]) -> None:
    """Make ``outcome_ids`` the lotsärende's outcomes (repeats ignored), and keep the
    marks' copies of its date, municipality and individärende flag equal to the case's."""
    marks = LotsCaseOutcomeRow.__table__
    copied = {
        "received": row.received,
        "municipality_id": row.municipality_id,
        "individual_case": bool(row.individual_case),
    }
    wanted = list(dict.fromkeys(outcome_ids))
    current = set(
        session.scalars(
            select(LotsCaseOutcomeRow.category_id).where(LotsCaseOutcomeRow.lots_case_id == row.id)
        )
    )
    gone = current - set(wanted)
    if gone:
        session.execute(
            marks.delete().where(
                LotsCaseOutcomeRow.lots_case_id == row.id,
                LotsCaseOutcomeRow.category_id.in_(gone),
            )
        )
    if current - gone:
        session.execute(
            marks.update().where(LotsCaseOutcomeRow.lots_case_id == row.id).values(**copied)
        )
    new = [{"lots_case_id": row.id, "category_id": c, **copied} for c in wanted if c not in current]
    if new:
        session.execute(marks.insert(), new)


def _case(row: LotsCaseRow, outcome_ids: list[int] | None = None) -> LotsCase:
    return LotsCase(
        id=row.id,
        received=row.received,
        municipality_id=row.municipality_id,
        party_id=row.party_id,
        officer=row.officer,
        gender=Gender(row.gender),
        birth_year=row.birth_year,
        foreign_background=Answer(row.foreign_background),
        sick_leave_fs=Answer(row.sick_leave_fs),
        individual_case=row.individual_case,
        question_id=row.question_id,
        coordination_need=Answer(row.coordination_need),
        action_id=row.action_id,
        outcome_ids=list(outcome_ids or []),
        closed=row.closed,
        reference=row.reference,
        survey_sent=row.survey_sent,
        survey_score=row.survey_score,
        version=row.version,
    )


@requires(Permission.CASEWORK)
def get_lots_case(session: Session, case_id: int) -> LotsCase:
    require(session, Permission.CASEWORK)
    row = existing_row(session, LotsCaseRow, case_id)
    return _case(row, outcome_ids_of(session, [row.id])[row.id])


@requires(Permission.CASEWORK)
def check_lots_case(session: Session, case: LotsCase, today: date | None = None) -> dict[str, str]:
    """Every problem with ``case``, including references to values that do not exist."""
    problems = validate_case(case, today or clock.today())
    if (
        case.municipality_id is not None
        and session.get(MunicipalityRow, case.municipality_id) is None
    ):
        problems["municipality"] = _("Choose the municipality.")
    if case.party_id is not None and session.get(PartyRow, case.party_id) is None:
        problems["party"] = _("Choose the contacting party.")
    for kind, attr in CATEGORY_FIELDS.items():
        value = getattr(case, attr)
        if value is None:
            continue
        row = session.get(LotsCategoryRow, value)
        if row is None or row.kind != kind.value:
            problems[attr.removesuffix("_id")] = _("Choose a value from the list.")
    if case.outcome_ids:
        wanted = set(case.outcome_ids)
        found = set(
            session.scalars(
                select(LotsCategoryRow.id).where(
                    LotsCategoryRow.id.in_(wanted),
                    LotsCategoryRow.kind == CategoryKind.OUTCOME.value,
                )
            )
        )
        if found != wanted:
            problems["outcome"] = _("Choose a value from the list.")
    return problems


def _apply(row: LotsCaseRow, case: LotsCase) -> None:
    row.received = case.received
    row.municipality_id = case.municipality_id
    row.party_id = case.party_id
    row.officer = " ".join(case.officer.split())
    row.officer_key = normalise_officer(case.officer)
    row.gender = Gender(case.gender).value
    row.birth_year = case.birth_year
    row.foreign_background = Answer(case.foreign_background).value
    row.sick_leave_fs = Answer(case.sick_leave_fs).value
    row.individual_case = bool(case.individual_case)
    row.question_id = case.question_id
    row.coordination_need = Answer(case.coordination_need).value
    row.action_id = case.action_id
    row.closed = case.closed
    row.reference = case.reference.strip()
    row.survey_sent = bool(case.survey_sent)
    row.survey_score = case.survey_score


@requires(Permission.CASEWORK)
def save_lots_case(session: Session, case: LotsCase, today: date | None = None) -> LotsCase:
    """Register a new lotsärende (id None) or save changes to one."""
    require(session, Permission.CASEWORK)
    problems = check_lots_case(session, case, today)
    if problems:
        raise ValidationError(problems)
    if case.id is None:
        row = LotsCaseRow()
        session.add(row)
    else:
        row = existing_row(session, LotsCaseRow, case.id)
        apply_version(row, case.version)
    outcome_ids = list(dict.fromkeys(case.outcome_ids))
    before = outcome_ids_of(session, [case.id])[case.id] if case.id is not None else []
    changed = set(before) != set(outcome_ids)
    _apply(row, case)
    if changed and case.id is not None:
        row.updated_at = func.now()  # new outcomes alone are a change: the version moves on
    session.flush()
    set_outcomes(session, row, outcome_ids)
    return _case(row, outcome_ids_of(session, [row.id])[row.id])


@requires(Permission.CASEWORK)
def delete_lots_case(session: Session, case_id: int) -> None:
    """Remove a lotsärende registered by mistake."""
    require(session, Permission.CASEWORK)
    row = existing_row(session, LotsCaseRow, case_id)
    session.delete(row)
    session.flush()


@requires(Permission.CASEWORK)
def recent_officers(session: Session, cases: int = 2000) -> list[str]:
    """Officer codes of the latest lotsärenden, for completion as one types: the same
    code spelt the same way keeps 'distinct officers' honest. Reads by primary key."""
    require(session, Permission.CASEWORK)
    recent = (
        select(LotsCaseRow.officer, LotsCaseRow.officer_key)
        .where(LotsCaseRow.officer_key != "")
        .order_by(LotsCaseRow.id.desc())
        .limit(cases)
    )
    seen: dict[str, str] = {}
    for officer, key in session.execute(recent):
        seen.setdefault(key, officer)
    return sorted(seen.values(), key=swedish_key)


@no_personal_data
def case_years(session: Session) -> list[int]:
    """Years that have lotsärenden, newest first (for the year filters)."""
    first = session.scalar(select(func.min(LotsCaseRow.received)))
    last = session.scalar(select(func.max(LotsCaseRow.received)))
    if first is None or last is None:
        return [clock.today().year]
    top = max(last.year, clock.today().year)
    return list(range(top, first.year - 1, -1))


@requires(Permission.CASEWORK)
def lots_case_list(db: Database) -> ListQuery:
    """All lotsärenden, newest first by default; filters 'year' and 'municipality'.

    Names come from correlated subqueries rather than joins, so that counting the
    rows (which the list does after every change) reads only lots_case and its
    index: with a million lotsärenden a joined count takes several hundred ms.
    """
    c, m, p = LotsCaseRow, MunicipalityRow, PartyRow
    gender_labels = {g.value: g.label for g in Gender}

    def lookup(column, key_column, fk):
        return select(column).where(key_column == fk).correlate(c).scalar_subquery()

    municipality = lookup(m.name, m.id, c.municipality_id)
    party = lookup(func.coalesce(func.nullif(p.short_name, ""), p.name), p.id, c.party_id)
    question = lookup(LotsCategoryRow.name, LotsCategoryRow.id, c.question_id)
    # Every outcome of the case, "Arbete; RITA" (sorted by the first one's sort key).
    marks = (
        select(LotsCategoryRow.name, LotsCategoryRow.name_key)
        .join(LotsCaseOutcomeRow, LotsCaseOutcomeRow.category_id == LotsCategoryRow.id)
        .where(LotsCaseOutcomeRow.lots_case_id == c.id)
        .order_by(LotsCategoryRow.position, LotsCategoryRow.id)
        .correlate(c)
        .subquery()
    )
    outcome = (
        select(func.aggregate_strings(marks.c.name, OUTCOME_SEPARATOR + " "))
        .correlate(c)
        .scalar_subquery()
    )
    outcome_key = select(func.min(marks.c.name_key)).correlate(c).scalar_subquery()
    return ListQuery(
        db=db,
        columns=[
            Column("received", N_("Received"), c.received),
            Column("municipality", N_("Municipality"), lookup(m.name_key, m.id, c.municipality_id)),
            Column("party", N_("Party"), lookup(p.name_key, p.id, c.party_id)),
            Column("officer", N_("Officer"), c.officer_key),
            Column("gender", N_("Gender"), c.gender),
            Column("birth_year", N_("Born"), c.birth_year, numeric=True),
            Column("individual", N_("Individärende"), c.individual_case),
            Column(
                "question",
                N_("Question"),
                lookup(LotsCategoryRow.name_key, LotsCategoryRow.id, c.question_id),
            ),
            Column("outcome", N_("Outcome"), outcome_key),
            Column("closed", N_("Closed"), c.closed),
            Column("reference", N_("Reference"), c.reference),
        ],
        base=select(
            c.id,
            c.received,
            municipality.label("municipality"),
            party.label("party"),
            c.officer,
            c.gender,
            c.birth_year,
            c.individual_case,
            question.label("question"),
            outcome.label("outcome"),
            c.closed,
            c.reference,
        ),
        to_row=lambda r: ListRow(
            r.id,
            (
                r.received.isoformat(),
                r.municipality,
                r.party or "",
                r.officer,
                gender_labels.get(r.gender, r.gender),
                r.birth_year,
                _("Yes") if r.individual_case else _("No"),
                r.question or "",
                r.outcome or "",
                r.closed.isoformat() if r.closed else "",
                r.reference,
            ),
        ),
        id_column=c.id,
        search=lambda t: like_any(normalise_officer(t), c.officer_key) | like_any(t, c.reference),
        filters={
            "year": lambda y: c.received.between(date(int(y), 1, 1), date(int(y), 12, 31)),
            "municipality": lambda mid: c.municipality_id == mid,
        },
    )
