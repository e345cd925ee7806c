"""The krans municipalities' local models: aktualisering, beredning, outcome and the
board's week table (issue 11; seed 004).

An aktualisering is registered through the same intake as a referral
(``referrals.save_referral``): the person by personnummer, the home municipality,
the referring party and officer, the purpose (``reason``) and the consent. What the
local model adds lives here: its own lists of destinations and outcomes, its own
referring parties (a school, KAA, a hälsocentral), the beredning meeting that decides
several aktualiseringar at once, the outcome when a case ends, the reminder for a
case without an outcome, and the counts the förbund's board reads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from finsam_desktop.db.engine import Database
from finsam_desktop.db.expressions import unindexed
from finsam_desktop.db.krans_models import BeredningRow, LocalOptionRow
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow
from finsam_desktop.db.referral_models import ReferralRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.casework import Reminder, ReminderKind
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.krans import (
    DEFAULT_DESTINATIONS,
    DEFAULT_OUTCOMES,
    Beredning,
    BeredningDecision,
    LocalListKind,
    LocalOption,
    ProcessProfile,
    decision_problems,
    pro_rata,
)
from finsam_desktop.domain.organisation import Party
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.domain.referrals import Referral, ReferralStatus
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _, format_date
from finsam_desktop.services import referrals
from finsam_desktop.services.access import Permission, no_personal_data, pure, require, requires
from finsam_desktop.services.listing import Column, ListQuery, ListRow, person_search
from finsam_desktop.services.records import (
    apply_version,
    existing_row,
    require_unique_name,
    row_to_save,
)

UNDECIDED = (ReferralStatus.RECEIVED.value, ReferralStatus.DORMANT.value)

# --- the profile and the model's own lists -----------------------------------------------


@no_personal_data
def process_profile(session: Session, insats_id: int) -> ProcessProfile:
    row = existing_row(session, InsatsRow, insats_id)
    return ProcessProfile(row.process_profile)


@no_personal_data
def local_insatser(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every active insats that follows the local model, in Swedish order."""
    return [(r.id, r.name) for r in _local_models(session)]


def _local_models(session: Session, insats_id: int | None = None):
    """The active local-model insatser (or the one ``insats_id``, if it is one), in
    Swedish order: id, name and the expected yearly volume."""
    i = InsatsRow
    stmt = select(i.id, i.name, i.expected_per_year).where(
        i.process_profile == ProcessProfile.LOCAL.value, i.active
    )
    if insats_id is not None:
        stmt = stmt.where(i.id == insats_id)
    return session.execute(stmt.order_by(i.name_key)).all()


@requires(Permission.ADMINISTER)
def set_process_profile(
    session: Session,
    insats_id: int,
    profile: ProcessProfile,
    outcome_reminder_weeks: int | None = None,
) -> None:
    """Choose the insats's process. A new local model starts with seed 004's lists."""
    require(session, Permission.ADMINISTER)
    profile = ProcessProfile(profile)
    row = existing_row(session, InsatsRow, insats_id)
    if outcome_reminder_weeks is not None:
        if not 1 <= outcome_reminder_weeks <= 104:
            raise ValidationError.single(
                "outcome_reminder_weeks",
                _("The value must be between {low} and {high}.").format(low=1, high=104),
            )
        row.outcome_reminder_weeks = outcome_reminder_weeks
    row.process_profile = profile.value
    if profile is ProcessProfile.LOCAL:
        has_lists = session.scalar(
            select(func.count())
            .select_from(LocalOptionRow)
            .where(LocalOptionRow.insats_id == insats_id)
        )
        if not has_lists:
            for position, name in enumerate(DEFAULT_DESTINATIONS):
                _add_option(session, insats_id, LocalListKind.DESTINATION, _(name), position)
            for position, (name, work) in enumerate(DEFAULT_OUTCOMES):
                _add_option(session, insats_id, LocalListKind.OUTCOME, _(name), position, work)
    session.flush()


def _add_option(session, insats_id, kind, name, position, work_or_studies=False) -> None:
    session.add(
        LocalOptionRow(
            insats_id=insats_id,
            kind=kind.value,
            name=name,
            name_key=swedish_key(name),
            position=position,
            work_or_studies=work_or_studies,
        )
    )


def _local_option(row: LocalOptionRow) -> LocalOption:
    return LocalOption(
        row.id,
        row.insats_id,
        LocalListKind(row.kind),
        row.name,
        row.position,
        row.active,
        row.work_or_studies,
        row.version,
    )


@requires(Permission.STATISTICS)
def local_options(
    session: Session, insats_id: int, kind: LocalListKind, include_retired: bool = False
) -> list[LocalOption]:
    """The model's destinations or outcomes in the team's order."""
    require(session, Permission.STATISTICS)
    stmt = select(LocalOptionRow).where(
        LocalOptionRow.insats_id == insats_id, LocalOptionRow.kind == LocalListKind(kind).value
    )
    if not include_retired:
        stmt = stmt.where(LocalOptionRow.active)
    rows = session.scalars(stmt.order_by(LocalOptionRow.position, LocalOptionRow.id))
    return [_local_option(r) for r in rows]


@requires(Permission.CASEWORK)
def save_local_option(session: Session, option: LocalOption) -> LocalOption:
    """Add a value at the end of its list, or rename, retire or re-flag one."""
    require(session, Permission.CASEWORK)
    name = option.name.strip()
    if not name:
        raise ValidationError.single("name", _("Enter a name."))
    kind = LocalListKind(option.kind)
    require_unique_name(
        session,
        LocalOptionRow,
        option.id,
        _("The list already holds that value."),
        LocalOptionRow.insats_id == option.insats_id,
        LocalOptionRow.kind == kind.value,
        LocalOptionRow.name_key == swedish_key(name),
    )
    if option.id is None:
        last = session.scalar(
            select(func.max(LocalOptionRow.position)).where(
                LocalOptionRow.insats_id == option.insats_id,
                LocalOptionRow.kind == kind.value,
            )
        )
        row = row_to_save(session, LocalOptionRow, None)
        row.insats_id, row.kind, row.position = option.insats_id, kind.value, (last or 0) + 1
    else:
        row = existing_row(session, LocalOptionRow, option.id)
        apply_version(row, option.version)
    row.name, row.name_key = name, swedish_key(name)
    row.active = option.active
    row.work_or_studies = option.work_or_studies
    session.flush()
    return _local_option(row)


@no_personal_data
def parties_for_insats(session: Session, insats_id: int | None) -> list[Party]:
    """The referring parties an insats offers: the förbund's parties and its own."""
    require(session, Permission.STATISTICS)
    stmt = select(PartyRow).where(
        PartyRow.active,
        or_(PartyRow.insats_id.is_(None), PartyRow.insats_id == (insats_id or 0)),
    )
    rows = session.scalars(stmt.order_by(PartyRow.insats_id.is_not(None), PartyRow.name_key))
    return [Party(r.id, r.name, r.short_name, r.active) for r in rows]


@requires(Permission.CASEWORK)
def add_local_party(session: Session, insats_id: int, name: str, short_name: str = "") -> Party:
    """A referring party only this local model uses (Liljaskolan, KAA, a hälsocentral)."""
    require(session, Permission.CASEWORK)
    name = name.strip()
    if not name:
        raise ValidationError.single("name", _("Enter a name."))
    require_unique_name(
        session, PartyRow, None, _("A party with that name already exists."), PartyRow.name == name
    )
    existing_row(session, InsatsRow, insats_id)
    row = PartyRow(
        name=name, name_key=swedish_key(name), short_name=short_name.strip(), insats_id=insats_id
    )
    session.add(row)
    session.flush()
    return Party(row.id, row.name, row.short_name, row.active)


# --- aktualisering, beredning, outcome ----------------------------------------------------


def _require_local(session: Session, insats_id: int | None) -> None:
    if insats_id is None:
        return  # save_referral names the missing insats
    if process_profile(session, insats_id) is not ProcessProfile.LOCAL:
        raise ValidationError.single("insats_id", _("The insats does not follow a local model."))


@requires(Permission.CASEWORK)
def register_aktualisering(
    session: Session,
    referral: Referral,
    personnummer_text: str | None = None,
    new_person: Person | None = None,
    today: date | None = None,
) -> Referral:
    """Register (or correct) an aktualisering: the referral intake, plus what a local
    model requires of it: the referring party, the purpose and the person's consent."""
    require(session, Permission.CASEWORK)
    _require_local(session, referral.insats_id)
    problems: dict[str, str] = {}
    if referral.remittent.party_id is None:
        problems["remittent_party_id"] = _("Choose the party that brings up the case.")
    if not referral.reason.strip():
        problems["reason"] = _("Write the purpose of the aktualisering.")
    if not referral.consent:
        problems["consent"] = _("The person's consent must be recorded before cooperation.")
    try:
        saved = referrals.save_referral(session, referral, personnummer_text, new_person, today)
    except ValidationError as exc:
        exc.problems.update({k: v for k, v in problems.items() if k not in exc.problems})
        raise
    if problems:
        raise ValidationError(problems)
    return saved


@dataclass(frozen=True)
class Waiting:
    """An aktualisering a beredning has still to decide."""

    referral_id: int
    case_number: str
    person_id: int
    arrived_on: date
    party_id: int | None
    dormant: bool
    version: int


@requires(Permission.CASEWORK)
def awaiting_beredning(session: Session, insats_id: int) -> list[Waiting]:
    """Aktualiseringar of the model not yet decided (new first by arrival, then avvaktan)."""
    require(session, Permission.CASEWORK)
    r = ReferralRow
    rows = session.execute(
        select(
            r.id,
            r.case_number,
            r.person_id,
            r.arrived_on,
            r.remittent_party_id,
            r.status,
            r.version,
        )
        .where(r.insats_id == insats_id, r.status.in_(UNDECIDED))
        .order_by(r.arrived_on, r.id)
    )
    return [
        Waiting(
            row.id,
            row.case_number,
            row.person_id,
            row.arrived_on,
            row.remittent_party_id,
            row.status == ReferralStatus.DORMANT.value,
            row.version,
        )
        for row in rows
    ]


@requires(Permission.CASEWORK)
def hold_beredning(session: Session, beredning: Beredning, today: date | None = None) -> Beredning:
    """Record a beredning meeting and its decision on each aktualisering, all or none.

    Problems are named per case (``decision.<referral id>.<field>``) so the form can show
    every one at once."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    _require_local(session, beredning.insats_id)
    problems: dict[str, str] = {}
    if beredning.held_on > today:
        problems["held_on"] = _("The date of the beredning cannot be in the future.")
    if not beredning.decisions:
        problems["decisions"] = _("Decide at least one aktualisering.")
    destinations = {
        o.id for o in local_options(session, beredning.insats_id, LocalListKind.DESTINATION)
    }
    rows: list[tuple[ReferralRow, object]] = []
    for decision in beredning.decisions:
        row = existing_row(session, ReferralRow, decision.referral_id)
        prefix = f"decision.{row.id}."
        if row.insats_id != beredning.insats_id:
            problems[prefix + "referral_id"] = _("The case belongs to another insats.")
        elif row.arrived_on > beredning.held_on:
            problems[prefix + "referral_id"] = _(
                "Case {case} was brought up after the beredning."
            ).format(case=row.case_number)
        for key, message in decision_problems(decision, destinations).items():
            problems[prefix + key] = message
        rows.append((row, decision))
    if problems:
        raise ValidationError(problems)
    meeting = row_to_save(session, BeredningRow, beredning.id)
    if beredning.id is not None:
        apply_version(meeting, beredning.version)
    meeting.insats_id, meeting.held_on, meeting.note = (
        beredning.insats_id,
        beredning.held_on,
        beredning.note.strip(),
    )
    session.flush()
    for row, decision in rows:
        apply_version(row, decision.version)
        kind = BeredningDecision(decision.decision)
        row.status = kind.value
        row.decided_on = beredning.held_on
        row.beredning_id = meeting.id
        row.destination_id = (
            decision.destination_id if kind is BeredningDecision.DESTINATION else None
        )
        row.decision_reason = decision.reason.strip()
    session.flush()
    beredning.id, beredning.version = meeting.id, meeting.version
    return beredning


@requires(Permission.CASEWORK)
def record_outcome(
    session: Session,
    referral_id: int,
    outcome_id: int | None,
    outcome_on: date | None,
    version: int = 0,
    today: date | None = None,
) -> None:
    """How a case that went to a destination ended (None, None: clear a mistaken one)."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    row = existing_row(session, ReferralRow, referral_id)
    apply_version(row, version)
    _store_outcome(session, row, outcome_id, outcome_on, today)


def _store_outcome(
    session: Session,
    row: ReferralRow,
    outcome_id: int | None,
    outcome_on: date | None,
    today: date,
    date_known: bool = True,
) -> None:
    """Check and write the outcome of one case. The historical import passes
    ``date_known=False`` for a list that gives the outcome but not the day it ended."""
    problems: dict[str, str] = {}
    if outcome_id is not None:
        option = session.get(LocalOptionRow, outcome_id)
        if (
            option is None
            or option.insats_id != row.insats_id
            or option.kind != LocalListKind.OUTCOME.value
        ):
            problems["outcome_id"] = _("The outcome is not in this local model's list.")
        if row.status != ReferralStatus.ACCEPTED.value:
            problems["outcome_id"] = _(
                "Only a case the beredning sent to a destination can have an outcome."
            )
        if outcome_on is None:
            if date_known:
                problems["outcome_on"] = _("Enter the date the case ended.")
        elif outcome_on > today:
            problems["outcome_on"] = _("The date cannot be in the future.")
        elif row.decided_on and outcome_on < row.decided_on:
            problems["outcome_on"] = _("The case cannot end before the beredning decided it.")
    if problems:
        raise ValidationError(problems)
    row.outcome_id = outcome_id
    row.outcome_on = outcome_on if outcome_id is not None else None
    session.flush()


@dataclass(frozen=True)
class MissingOutcome:
    """An aktualiserad case without an outcome after the model's reminder weeks."""

    referral_id: int
    case_number: str
    person_id: int
    insats_id: int
    arrived_on: date
    weeks: int
    due_on: date  # brought up + the model's reminder weeks
    person_name: str  # as Översikt shows it
    decided: bool = True  # False: no beredning has decided it yet ("ej beredd")


@requires(Permission.CASEWORK)
def outcomes_missing(session: Session, today: date, limit: int = 200) -> list[MissingOutcome]:
    """For Översikt: cases of a local model, not rejected, with no outcome recorded
    ``outcome_reminder_weeks`` after they were brought up (oldest first)."""
    require(session, Permission.CASEWORK)
    r, i = ReferralRow, InsatsRow
    weeks = dict(
        session.execute(
            select(i.id, i.outcome_reminder_weeks).where(
                i.process_profile == ProcessProfile.LOCAL.value
            )
        ).all()
    )
    if not weeks:
        return []
    # Each model has its own number of weeks: one arrival cut-off per model.
    due = or_(
        *(
            (r.insats_id == model_id) & (r.arrived_on <= today - timedelta(weeks=n))
            for model_id, n in weeks.items()
        )
    )
    # The few referrals of the local models come from the insats index; nearly every
    # referral has no outcome, so that index would read them all (40 ms at 100,000).
    p = PersonRow
    rows = session.execute(
        select(r.id, r.case_number, r.person_id, r.insats_id, r.arrived_on, r.status)
        .add_columns(p.first_name, p.last_name)
        .join(p, p.id == r.person_id)
        .where(due, unindexed(r.outcome_id).is_(None), r.status != ReferralStatus.REJECTED.value)
        .order_by(r.arrived_on, r.id)
        .limit(limit)
    )
    return [
        MissingOutcome(
            x.id,
            x.case_number,
            x.person_id,
            x.insats_id,
            x.arrived_on,
            (today - x.arrived_on).days // 7,
            due_on=x.arrived_on + timedelta(weeks=weeks[x.insats_id]),
            person_name=f"{x.first_name} {x.last_name}",
            decided=x.status != ReferralStatus.RECEIVED.value,
        )
        for x in rows
    ]


# --- the board's week table --------------------------------------------------------------


@dataclass
class ModelColumn:
    """One local model's figures for the period (and the year to date)."""

    insats_id: int
    name: str
    total: int = 0
    by_party: Counter = field(default_factory=Counter)  # party name -> count
    by_destination: Counter = field(default_factory=Counter)  # destination name -> count
    cross: Counter = field(default_factory=Counter)  # (party, destination) -> count
    avvaktan: int = 0
    avslag: int = 0
    not_decided: int = 0
    outcomes: Counter = field(default_factory=Counter)  # outcome name -> count
    outcome_missing: int = 0
    work_or_studies: int = 0
    year_to_date: int = 0
    expected_per_year: int | None = None
    expected_to_date: float | None = None


@dataclass
class WeekTable:
    start: date
    end: date
    columns: list[ModelColumn]
    parties: list[str]  # every party that occurs, in Swedish order
    destinations: list[str]  # every destination in the models' own order
    outcomes: list[str]

    @property
    def total(self) -> ModelColumn:
        """All models together (the column the board reads when there are several)."""
        whole = ModelColumn(0, _("Total"))
        expected = [c.expected_per_year for c in self.columns if c.expected_per_year]
        whole.expected_per_year = sum(expected) if expected else None
        to_date = [c.expected_to_date for c in self.columns if c.expected_to_date is not None]
        whole.expected_to_date = sum(to_date) if to_date else None
        for c in self.columns:
            for name in (
                "total",
                "avvaktan",
                "avslag",
                "not_decided",
                "outcome_missing",
                "work_or_studies",
                "year_to_date",
            ):
                setattr(whole, name, getattr(whole, name) + getattr(c, name))
            for name in ("by_party", "by_destination", "cross", "outcomes"):
                getattr(whole, name).update(getattr(c, name))
        return whole


@requires(Permission.STATISTICS)
def week_table(
    session: Session,
    start: date,
    end: date,
    insats_id: int | None = None,
    municipality_id: int | None = None,
) -> WeekTable:
    """Aktualiseringar brought up from ``start`` to ``end`` (both included), per local
    model: by party, by destination, party × destination, avvaktan, avslag, outcomes
    with the missing ones counted, and the year to date (1 January to ``end``) against
    the expected yearly volume, pro rata."""
    if end < start:
        raise ValidationError.single("period", _("The period ends before it starts."))
    models = _local_models(session, insats_id)
    columns = {m.id: ModelColumn(m.id, m.name) for m in models}
    expected = {m.id: m.expected_per_year for m in models}
    r, p, d, o = ReferralRow, PartyRow, LocalOptionRow, LocalOptionRow.__table__.alias("outcome")
    filters = [r.insats_id.in_(list(columns))]
    if municipality_id is not None:
        filters.append(r.municipality_id == municipality_id)
    stmt = (
        select(
            r.insats_id,
            r.status,
            p.name.label("party"),
            d.name.label("destination"),
            o.c.name.label("outcome"),
            o.c.work_or_studies.label("work"),
            func.count().label("n"),
        )
        .outerjoin(p, p.id == r.remittent_party_id)
        .outerjoin(d, d.id == r.destination_id)
        .outerjoin(o, o.c.id == r.outcome_id)
        .where(*filters, r.arrived_on >= start, r.arrived_on <= end)
        .group_by(r.insats_id, r.status, p.name, d.name, o.c.name, o.c.work_or_studies)
    )
    unknown_party = _("Party not given")
    for row in session.execute(stmt):
        c = columns[row.insats_id]
        party = row.party or unknown_party
        c.total += row.n
        c.by_party[party] += row.n
        if row.status == ReferralStatus.DORMANT.value:
            c.avvaktan += row.n
        elif row.status == ReferralStatus.REJECTED.value:
            c.avslag += row.n
        elif row.status == ReferralStatus.RECEIVED.value:
            c.not_decided += row.n
        elif row.destination:
            c.by_destination[row.destination] += row.n
            c.cross[(party, row.destination)] += row.n
            if row.outcome:
                c.outcomes[row.outcome] += row.n
                c.work_or_studies += row.n if row.work else 0
            else:
                c.outcome_missing += row.n
    year_start = date(end.year, 1, 1)
    to_date = select(r.insats_id, func.count()).where(
        *filters, r.arrived_on >= year_start, r.arrived_on <= end
    )
    for model_id, n in session.execute(to_date.group_by(r.insats_id)):
        columns[model_id].year_to_date = n
    for c in columns.values():
        c.expected_per_year = expected.get(c.insats_id)
        c.expected_to_date = pro_rata(c.expected_per_year, year_start, end)
    names = lambda kind: [  # noqa: E731
        row.name
        for row in session.execute(
            select(d.name)
            .where(d.insats_id.in_(list(columns)), d.kind == kind)
            .group_by(d.name)
            # name_key follows name: min() is the group's one key (standard SQL needs it)
            .order_by(func.min(d.position), func.min(d.name_key))
        )
    ]
    parties = sorted({k for c in columns.values() for k in c.by_party}, key=swedish_key)
    return WeekTable(
        start,
        end,
        list(columns.values()),
        parties,
        names(LocalListKind.DESTINATION.value),
        names(LocalListKind.OUTCOME.value),
    )


@pure
def iso_week_range(year: int, first_week: int, last_week: int, end_year: int | None = None):
    """Monday of ``first_week`` to Sunday of ``last_week`` (ISO weeks), e.g. 2016 v. 26–43."""
    return date.fromisocalendar(year, first_week, 1), date.fromisocalendar(
        end_year or year, last_week, 7
    )


# --- what the Lokal samverkan page reads ---------------------------------------------------

# Values of the list's "status" filter.
STATUS_NEW = "new"
STATUS_AVVAKTAN = "avvaktan"
STATUS_DESTINATION = "destination"
STATUS_AVSLAG = "avslag"
STATUS_OUTCOME_MISSING = "outcome_missing"
STATUS_FILTERS = (
    (STATUS_NEW, N_("New, not yet at a beredning")),
    (STATUS_AVVAKTAN, N_("Avvaktan")),
    (STATUS_DESTINATION, N_("Sent to a destination")),
    (STATUS_AVSLAG, N_("Avslag")),
    (STATUS_OUTCOME_MISSING, N_("Outcome missing")),
)
_STATUS_VALUES = {
    STATUS_NEW: ReferralStatus.RECEIVED.value,
    STATUS_AVVAKTAN: ReferralStatus.DORMANT.value,
    STATUS_DESTINATION: ReferralStatus.ACCEPTED.value,
    STATUS_AVSLAG: ReferralStatus.REJECTED.value,
}


@pure
def status_text(status: str, destination: str | None) -> str:
    """What the list says of a case: new, avvaktan, the destination's name or avslag."""
    if status == ReferralStatus.RECEIVED.value:
        return _("New")
    if status == ReferralStatus.DORMANT.value:
        return _("Avvaktan")
    if status == ReferralStatus.REJECTED.value:
        return _("Avslag")
    return destination or _("Sent to a destination")


@requires(Permission.CASEWORK)
def aktualisering_list(db: Database) -> ListQuery:
    """Every aktualisering of the local models, searchable by name, personnummer or case
    number, filtered by model and status."""
    r, p, i, m, pa = ReferralRow, PersonRow, InsatsRow, MunicipalityRow, PartyRow
    d = aliased(LocalOptionRow, name="destination")
    o = aliased(LocalOptionRow, name="outcome")

    search = person_search(p.personnummer, p.name_key, r.case_number)

    def status_filter(value: str):
        if value == STATUS_OUTCOME_MISSING:
            return (r.status == ReferralStatus.ACCEPTED.value) & r.outcome_id.is_(None)
        return r.status == _STATUS_VALUES[value]

    def row(x) -> ListRow:
        decided = x.status == ReferralStatus.ACCEPTED.value
        outcome = x.outcome or (_("missing") if decided else "")
        return ListRow(
            x.id,
            (
                format_date(x.arrived_on),
                x.case_number,
                f"{x.last_name}, {x.first_name}",
                PersonalNumber(x.personnummer).formatted(),
                x.insats,
                x.municipality or "",
                x.party or "",
                x.remittent_name,
                status_text(x.status, x.destination),
                outcome,
            ),
            muted=x.status == ReferralStatus.REJECTED.value,
        )

    base = (
        select(r.id, r.case_number, r.arrived_on, p.last_name, p.first_name, p.personnummer)
        .add_columns(
            i.name.label("insats"),
            m.name.label("municipality"),
            pa.name.label("party"),
            r.remittent_name,
            r.status,
            d.name.label("destination"),
            o.name.label("outcome"),
        )
        .join(p, p.id == r.person_id)
        .join(i, i.id == r.insats_id)
        .where(i.process_profile == ProcessProfile.LOCAL.value)
        .outerjoin(m, m.id == r.municipality_id)
        .outerjoin(pa, pa.id == r.remittent_party_id)
        .outerjoin(d, d.id == r.destination_id)
        .outerjoin(o, o.id == r.outcome_id)
    )
    return ListQuery(
        db=db,
        columns=[
            Column("arrived", N_("Brought up"), r.arrived_on),
            Column("case_number", N_("Case number"), r.case_number),
            Column("name", N_("Name"), p.name_key),
            Column("personnummer", N_("Personal identity number"), p.personnummer),
            Column("insats", N_("Local model"), i.name_key),
            Column("municipality", N_("Home municipality"), m.name_key),
            Column("party", N_("Referring party"), pa.name_key),
            Column("officer", N_("Officer"), r.remittent_name),
            Column("status", N_("Status"), r.status),
            Column("outcome", N_("Outcome"), o.name_key),
        ],
        base=base,
        to_row=row,
        id_column=r.id,
        search=search,
        filters={"insats_id": lambda v: r.insats_id == v, "status": status_filter},
    )


@dataclass(frozen=True)
class CaseState:
    """What the beredning decided of one aktualisering and how it ended."""

    referral_id: int
    insats_id: int
    status: str
    status_text: str
    destination_id: int | None
    decided_on: date | None
    reason: str
    outcome_id: int | None
    outcome_on: date | None
    version: int

    @property
    def sent_on(self) -> bool:
        """Sent to a destination: the case can have an outcome."""
        return self.status == ReferralStatus.ACCEPTED.value


@requires(Permission.CASEWORK)
def case_state(session: Session, referral_id: int) -> CaseState:
    require(session, Permission.CASEWORK)
    row = existing_row(session, ReferralRow, referral_id)
    destination = session.get(LocalOptionRow, row.destination_id) if row.destination_id else None
    return CaseState(
        row.id,
        row.insats_id,
        row.status,
        status_text(row.status, destination.name if destination else None),
        row.destination_id,
        row.decided_on,
        row.decision_reason,
        row.outcome_id,
        row.outcome_on,
        row.version,
    )


@dataclass(frozen=True)
class AgendaRow:
    """One case on a beredning's agenda, with what the meeting needs to see."""

    referral_id: int
    case_number: str
    arrived_on: date
    name: str
    personnummer: str
    party: str
    officer: str
    purpose: str
    dormant: bool
    version: int


@requires(Permission.CASEWORK)
def beredning_agenda(session: Session, insats_id: int) -> list[AgendaRow]:
    """``awaiting_beredning`` with names: the table the beredning decides from."""
    waiting = awaiting_beredning(session, insats_id)
    ids = [w.referral_id for w in waiting]
    r, p, pa = ReferralRow, PersonRow, PartyRow
    details = {
        x.id: x
        for x in session.execute(
            select(r.id, r.remittent_name, r.reason, p.first_name, p.last_name, p.personnummer)
            .add_columns(pa.name.label("party"))
            .join(p, p.id == r.person_id)
            .outerjoin(pa, pa.id == r.remittent_party_id)
            .where(r.id.in_(ids))
        )
    }
    out = []
    for w in waiting:
        x = details[w.referral_id]
        out.append(
            AgendaRow(
                w.referral_id,
                w.case_number,
                w.arrived_on,
                f"{x.last_name}, {x.first_name}",
                PersonalNumber(x.personnummer).formatted(),
                x.party or "",
                x.remittent_name,
                x.reason,
                w.dormant,
                w.version,
            )
        )
    return out


@dataclass(frozen=True)
class ModelSettings:
    insats_id: int
    profile: ProcessProfile
    outcome_reminder_weeks: int
    expected_per_year: int | None


@no_personal_data
def model_settings(session: Session, insats_id: int) -> ModelSettings:
    row = existing_row(session, InsatsRow, insats_id)
    return ModelSettings(
        row.id,
        ProcessProfile(row.process_profile),
        row.outcome_reminder_weeks,
        row.expected_per_year,
    )


@requires(Permission.CASEWORK)
def save_model_settings(
    session: Session, insats_id: int, outcome_reminder_weeks: int, expected_per_year: int | None
) -> None:
    """The local model's own figures: weeks before Översikt asks for an outcome, and the
    yearly volume the board holds the year to date against (None or 0: none)."""
    require(session, Permission.CASEWORK)
    _require_local(session, insats_id)
    problems: dict[str, str] = {}
    if not 1 <= outcome_reminder_weeks <= 104:
        problems["outcome_reminder_weeks"] = _(
            "The value must be between {low} and {high}."
        ).format(low=1, high=104)
    if expected_per_year is not None and not 0 <= expected_per_year <= 100_000:
        problems["expected_per_year"] = _("The value must be between {low} and {high}.").format(
            low=0, high=100_000
        )
    if problems:
        raise ValidationError(problems)
    row = existing_row(session, InsatsRow, insats_id)
    row.outcome_reminder_weeks = outcome_reminder_weeks
    row.expected_per_year = expected_per_year or None
    session.flush()


@requires(Permission.CASEWORK)
def outcome_reminders(session: Session, today: date) -> list[Reminder]:
    """Översikt's reminders for cases without an outcome, due when the model's weeks
    have passed since the case was brought up."""
    return [
        Reminder(
            ReminderKind.OUTCOME_MISSING,
            x.due_on,
            x.person_name,
            referral_id=x.referral_id,
            detail=x.case_number
            if x.decided
            else _("{case}, not decided at a beredning").format(case=x.case_number),
        )
        for x in outcomes_missing(session, today)
    ]
