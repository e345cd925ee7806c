"""Handlingsplan and insatser in detail.

A plan is revised, never overwritten: each save stores a complete new revision
(goals and planned insatser), and any two revisions can be compared.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.domain.casework import (
    STUDY_SUPPORT_MONTHS,
    check_study_support_months,
    study_support_end,
)
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import N_, _


class GoalStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return _(_GOAL_LABELS[self])


_GOAL_LABELS = {
    GoalStatus.NOT_STARTED: N_("Not started"),
    GoalStatus.IN_PROGRESS: N_("In progress"),
    GoalStatus.ACHIEVED: N_("Achieved"),
    GoalStatus.DROPPED: N_("Dropped"),
}


@dataclass
class Goal:
    text: str
    status: GoalStatus = GoalStatus.NOT_STARTED


@dataclass
class PlannedInsats:
    type_id: int | None
    description: str = ""
    responsible_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    type_name: str = ""
    responsible_name: str = ""


@dataclass
class PlanRevision:
    id: int | None
    participation_id: int
    number: int
    made_on: date
    goals: list[Goal] = field(default_factory=list)
    insatser: list[PlannedInsats] = field(default_factory=list)
    note: str = ""
    is_follow_up: bool = False
    made_by_id: int | None = None
    made_by_name: str = ""


def check_plan(goals: list[Goal], insatser: list[PlannedInsats], made_on: date, today: date):
    problems: dict[str, str] = {}
    if not any(g.text.strip() for g in goals):
        problems["goals"] = _("Write at least one goal.")
    for item in insatser:
        if item.type_id is None:
            problems["insatser"] = _("Choose a type for every planned insats.")
        elif item.starts_on and item.ends_on and item.ends_on < item.starts_on:
            problems["insatser"] = _("A planned insats ends before it starts.")
    if made_on > today:
        problems["made_on"] = _("The date must not lie in the future.")
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True)
class PlanChange:
    """One line of a comparison: what an earlier revision had and what the current has."""

    part: str  # "goal" or "insats"
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed" if self.before != self.after else "same"


def _goal_line(goal: Goal) -> str:
    return f"{goal.text} ({goal.status.label})"


def _insats_line(item: PlannedInsats) -> str:
    dates = " – ".join(d.isoformat() for d in (item.starts_on, item.ends_on) if d)
    parts = [item.type_name, item.description, item.responsible_name, dates]
    return " · ".join(p for p in parts if p)


def compare_revisions(old: PlanRevision, new: PlanRevision) -> list[PlanChange]:
    """Line up goals and insatser by position and say what differs."""
    changes: list[PlanChange] = []
    for part, a, b, fmt in (
        ("goal", old.goals, new.goals, _goal_line),
        ("insats", old.insatser, new.insatser, _insats_line),
    ):
        for i in range(max(len(a), len(b))):
            before = fmt(a[i]) if i < len(a) else ""
            after = fmt(b[i]) if i < len(b) else ""
            changes.append(PlanChange(part, before, after))
    return changes


# --- insatser in detail -----------------------------------------------------------------


@dataclass
class WorkVisit:
    id: int | None
    visited_on: date
    staff_id: int | None = None
    staff_name: str = ""
    note: str = ""


@dataclass
class WorkTraining:
    """Arbetsträning on the open labour market (Supported Employment style)."""

    id: int | None
    participation_id: int
    workplace: str
    employer_contact: str = ""
    employer_phone: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    hours_per_week: float = 0
    visits: list[WorkVisit] = field(default_factory=list)
    version: int = 0


def check_work_training(item: WorkTraining) -> None:
    problems: dict[str, str] = {}
    if not item.workplace.strip():
        problems["workplace"] = _("Enter the workplace.")
    if item.starts_on is None:
        problems["starts_on"] = _("Enter the start date.")
    elif item.ends_on is not None and item.ends_on < item.starts_on:
        problems["ends_on"] = _("The end date lies before the start date.")
    if not 0 <= item.hours_per_week <= 60:
        problems["hours_per_week"] = _("Hours per week must be between 0 and 60.")
    if problems:
        raise ValidationError(problems)


@dataclass
class StudySupport:
    """Stöd vid studier: one month from study start, extendable to at most three."""

    id: int | None
    participation_id: int
    study_start: date
    school: str = ""
    months: int = STUDY_SUPPORT_MONTHS
    version: int = 0

    @property
    def ends_on(self) -> date:
        return study_support_end(self.study_start, self.months)


def check_study_support(item: StudySupport, previous_months: int = 0) -> None:
    if not item.school.strip():
        raise ValidationError.single("school", _("Enter the school or programme."))
    check_study_support_months(item.months, previous_months)
