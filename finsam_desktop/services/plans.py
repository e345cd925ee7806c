"""Handlingsplan revisions and insatser in detail (arbetsträning, stöd vid studier)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import (
    CaseOptionRow,
    PlanGoalRow,
    PlanInsatsRow,
    PlanRevisionRow,
    StudySupportRow,
    WorkTrainingRow,
    WorkVisitRow,
)
from finsam_desktop.db.models import StaffRow
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.domain.plans import (
    Goal,
    GoalStatus,
    PlanChange,
    PlannedInsats,
    PlanRevision,
    StudySupport,
    WorkTraining,
    WorkVisit,
    check_plan,
    check_study_support,
    check_work_training,
    compare_revisions,
)
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, require, requires
from finsam_desktop.services.audit import shows_person
from finsam_desktop.services.casework import case_file, require_open
from finsam_desktop.services.records import apply_version, existing_row

T = TypeVar("T")

# --- handlingsplan ----------------------------------------------------------------------


def _staff_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(StaffRow.id, StaffRow.name)).all())


def _revision(session: Session, row: PlanRevisionRow, names: dict[int, str]) -> PlanRevision:
    goals = [
        Goal(g.text, GoalStatus(g.status))
        for g in session.scalars(
            select(PlanGoalRow)
            .where(PlanGoalRow.revision_id == row.id)
            .order_by(PlanGoalRow.position)
        )
    ]
    types = dict(session.execute(select(CaseOptionRow.id, CaseOptionRow.name)).all())
    insatser = [
        PlannedInsats(
            i.type_id,
            i.description,
            i.responsible_id,
            i.starts_on,
            i.ends_on,
            types.get(i.type_id, ""),
            names.get(i.responsible_id, ""),
        )
        for i in session.scalars(
            select(PlanInsatsRow)
            .where(PlanInsatsRow.revision_id == row.id)
            .order_by(PlanInsatsRow.position)
        )
    ]
    return PlanRevision(
        row.id,
        row.participation_id,
        row.number,
        row.made_on,
        goals,
        insatser,
        row.note,
        row.is_follow_up,
        row.made_by_id,
        names.get(row.made_by_id, ""),
    )


@requires(Permission.CASEWORK)
@shows_person("plan-history")
def list_revisions(session: Session, participation_id: int) -> list[PlanRevision]:
    """Every version of the plan, newest first (complete, so any can be opened)."""
    require(session, Permission.CASEWORK)
    names = _staff_names(session)
    rows = session.scalars(
        select(PlanRevisionRow)
        .where(PlanRevisionRow.participation_id == participation_id)
        .order_by(PlanRevisionRow.number.desc())
    )
    return [_revision(session, r, names) for r in rows]


@requires(Permission.CASEWORK)
@shows_person("plan")
def current_plan(session: Session, participation_id: int) -> PlanRevision | None:
    require(session, Permission.CASEWORK)
    row = session.scalar(
        select(PlanRevisionRow)
        .where(PlanRevisionRow.participation_id == participation_id)
        .order_by(PlanRevisionRow.number.desc())
        .limit(1)
    )
    return _revision(session, row, _staff_names(session)) if row else None


@requires(Permission.CASEWORK)
@shows_person("plan")
def get_revision(session: Session, revision_id: int) -> PlanRevision:
    require(session, Permission.CASEWORK)
    row = existing_row(session, PlanRevisionRow, revision_id)
    return _revision(session, row, _staff_names(session))


@requires(Permission.CASEWORK)
def save_revision(
    session: Session, revision: PlanRevision, today: date, based_on: int | None = None
) -> PlanRevision:
    """Store the plan as a new version. ``based_on``: the version number the user edited;
    if someone else has saved a newer one meanwhile, refuse rather than hide their change."""
    require(session, Permission.CASEWORK)
    require_open(session, revision.participation_id)
    goals = [g for g in revision.goals if g.text.strip()]
    check_plan(goals, revision.insatser, revision.made_on, today)
    latest = (
        session.scalar(
            select(func.max(PlanRevisionRow.number)).where(
                PlanRevisionRow.participation_id == revision.participation_id
            )
        )
        or 0
    )
    if based_on is not None and based_on != latest:
        raise ValidationError.single(
            "goals",
            _(
                "Someone else saved a newer version of the plan (version {n}) while you were "
                "editing. Open it, then make your change again."
            ).format(n=latest),
        )
    row = PlanRevisionRow(
        participation_id=revision.participation_id,
        number=latest + 1,
        made_on=revision.made_on,
        made_by_id=revision.made_by_id,
        is_follow_up=revision.is_follow_up,
        note=revision.note.strip(),
    )
    session.add(row)
    session.flush()
    for position, goal in enumerate(goals):
        session.add(
            PlanGoalRow(
                revision_id=row.id,
                position=position,
                text=goal.text.strip(),
                status=goal.status.value,
            )
        )
    for position, item in enumerate(revision.insatser):
        session.add(
            PlanInsatsRow(
                revision_id=row.id,
                position=position,
                type_id=item.type_id,
                description=item.description.strip(),
                responsible_id=item.responsible_id,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
            )
        )
    file = case_file(session, revision.participation_id)
    if file.last_plan_event_on is None or revision.made_on >= file.last_plan_event_on:
        file.last_plan_event_on = revision.made_on
    session.flush()
    return _revision(session, row, _staff_names(session))


@requires(Permission.CASEWORK)
def compare(session: Session, old_id: int, new_id: int) -> list[PlanChange]:
    return compare_revisions(get_revision(session, old_id), get_revision(session, new_id))


# --- arbetsträning ----------------------------------------------------------------------


@requires(Permission.CASEWORK)
@shows_person("work-training")
def list_work_training(session: Session, participation_id: int) -> list[WorkTraining]:
    require(session, Permission.CASEWORK)
    names = _staff_names(session)
    out = []
    for row in session.scalars(
        select(WorkTrainingRow)
        .where(WorkTrainingRow.participation_id == participation_id)
        .order_by(WorkTrainingRow.starts_on.desc())
    ):
        visits = [
            WorkVisit(v.id, v.visited_on, v.staff_id, names.get(v.staff_id, ""), v.note)
            for v in session.scalars(
                select(WorkVisitRow)
                .where(WorkVisitRow.work_training_id == row.id)
                .order_by(WorkVisitRow.visited_on)
            )
        ]
        out.append(
            WorkTraining(
                row.id,
                row.participation_id,
                row.workplace,
                row.employer_contact,
                row.employer_phone,
                row.starts_on,
                row.ends_on,
                row.hours_per_week,
                visits,
                row.version,
            )
        )
    return out


@requires(Permission.CASEWORK)
def save_work_training(session: Session, item: WorkTraining) -> WorkTraining:
    require(session, Permission.CASEWORK)
    require_open(session, item.participation_id)
    check_work_training(item)
    row = _item_row(session, WorkTrainingRow, item)
    row.workplace = item.workplace.strip()
    row.employer_contact = item.employer_contact.strip()
    row.employer_phone = item.employer_phone.strip()
    row.starts_on, row.ends_on = item.starts_on, item.ends_on
    row.hours_per_week = item.hours_per_week
    session.flush()
    item.id, item.version = row.id, row.version
    return item


def _item_row(session: Session, model: type[T], item) -> T:
    """A new row for the case, or the saved one: NotFound when it belongs to another case."""
    if item.id is None:
        row = model(participation_id=item.participation_id)
        session.add(row)
        return row
    row = session.get(model, item.id)
    if row is None or row.participation_id != item.participation_id:
        raise NotFound(item.id)
    apply_version(row, item.version)
    return row


@requires(Permission.CASEWORK)
def add_work_visit(
    session: Session, work_training_id: int, visit: WorkVisit, today: date
) -> WorkVisit:
    require(session, Permission.CASEWORK)
    training = existing_row(session, WorkTrainingRow, work_training_id)
    require_open(session, training.participation_id)
    if visit.visited_on > today:
        raise ValidationError.single(
            "visited_on", _("A visit cannot be recorded for a day in the future.")
        )
    row = WorkVisitRow(
        work_training_id=work_training_id,
        visited_on=visit.visited_on,
        staff_id=visit.staff_id,
        note=visit.note.strip(),
    )
    session.add(row)
    session.flush()
    visit.id = row.id
    return visit


# --- stöd vid studier ---------------------------------------------------------------------


@requires(Permission.CASEWORK)
@shows_person("study-support")
def list_study_support(session: Session, participation_id: int) -> list[StudySupport]:
    require(session, Permission.CASEWORK)
    return [
        StudySupport(r.id, r.participation_id, r.study_start, r.school, r.months, r.version)
        for r in session.scalars(
            select(StudySupportRow)
            .where(StudySupportRow.participation_id == participation_id)
            .order_by(StudySupportRow.study_start.desc())
        )
    ]


@requires(Permission.CASEWORK)
def save_study_support(session: Session, item: StudySupport) -> StudySupport:
    """Start support (one month from study start) or extend it, never past three months."""
    require(session, Permission.CASEWORK)
    require_open(session, item.participation_id)
    previous = 0
    row = _item_row(session, StudySupportRow, item)
    if item.id is not None:
        # A mistyped study start can be corrected: the end follows, and the change log
        # (services/audit.py) records the old and the new date.
        previous = row.months
    check_study_support(item, previous)
    row.study_start, row.school, row.months = item.study_start, item.school.strip(), item.months
    row.ends_on = item.ends_on
    session.flush()
    return StudySupport(
        row.id, row.participation_id, row.study_start, row.school, row.months, row.version
    )
