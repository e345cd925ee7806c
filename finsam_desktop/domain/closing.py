"""Avslut, the person's situation at entry and exit, and the team's configurable lists.

The lists (exit routes with sub-routes, benefits discussed in ekonomisk rådgivning,
types of planned insatser, and the follow-up terms for the situation at entry and
exit) ship with the defaults from the seeds and can be extended by the team. A value
is retired, never deleted, so old cases keep what they recorded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.i18n import N_, _


class OptionList(enum.StrEnum):
    EXIT_ROUTE = "exit_route"
    BENEFIT = "benefit"
    INSATS_TYPE = "insats_type"
    INCOME_SOURCE = "income_source"
    OCCUPATION = "occupation"
    EDUCATION_LEVEL = "education_level"
    SUPPORT_TIME = "support_time"

    @property
    def label(self) -> str:
        return _(_LIST_LABELS[self])


_LIST_LABELS = {
    OptionList.EXIT_ROUTE: N_("Exit routes"),
    OptionList.BENEFIT: N_("Benefits discussed in financial counselling"),
    OptionList.INSATS_TYPE: N_("Types of planned insatser"),
    OptionList.INCOME_SOURCE: N_("Main source of income"),
    OptionList.OCCUPATION: N_("Occupation"),
    OptionList.EDUCATION_LEVEL: N_("Highest education level"),
    OptionList.SUPPORT_TIME: N_("Time on public support before entry"),
}


@dataclass
class Option:
    id: int | None
    list_key: OptionList
    name: str
    parent_id: int | None = None  # a sub-route's exit route
    position: int = 0
    active: bool = True
    version: int = 0
    # Exit routes only (False elsewhere): counted as "ute i aktivitet", and as work or
    # studies. A sub-route carries its own flags; chosen, they apply instead of its route's.
    in_activity: bool = False
    work_or_studies: bool = False


# (name, sub-options) per list; names are English source text, stored translated.
DEFAULT_OPTIONS: dict[OptionList, tuple[tuple[str, tuple[str, ...]], ...]] = {
    OptionList.EXIT_ROUTE: (
        (
            N_("Work"),
            (
                N_("Employment without support"),
                N_("Subsidised employment"),
                N_("Work training / work placement"),
            ),
        ),
        (N_("Studies"), (N_("Regular studies"), N_("Folk high school"))),
        (N_("Back to the remittent with medical/social planning"), ()),
        (N_("Job seeker at Arbetsförmedlingen"), ()),
        (N_("Another actor takes over"), ()),
        (N_("Discontinued"), (N_("At own request"), N_("Not ready"), N_("Moved"))),
    ),
    OptionList.BENEFIT: tuple(
        (n, ())
        for n in (
            N_("Sickness benefit (sjukpenning)"),
            N_("Financial assistance (försörjningsstöd)"),
            N_("Activity support (aktivitetsstöd)"),
            N_("Activity compensation (aktivitetsersättning)"),
            N_("Sickness compensation (sjukersättning)"),
            N_("Housing allowance (bostadsbidrag)"),
            N_("Housing supplement (bostadstillägg)"),
        )
    ),
    OptionList.INSATS_TYPE: tuple(
        (n, ())
        for n in (
            N_("Work training"),
            N_("Study visit"),
            N_("Group meeting / lecture"),
            N_("Support during studies"),
            N_("Motivational conversations"),
            N_("Financial counselling"),
            N_("Introduction and follow-up at the workplace"),
        )
    ),
    OptionList.INCOME_SOURCE: tuple(
        (n, ())
        for n in (
            N_("Financial assistance (försörjningsstöd)"),
            N_("Sickness benefit (sjukpenning)"),
            N_("Activity compensation (aktivitetsersättning)"),
            N_("Sickness compensation (sjukersättning)"),
            N_("Unemployment insurance (a-kassa)"),
            N_("Activity support (aktivitetsstöd)"),
            N_("Salary"),
            N_("Student finance"),
            N_("No public support"),
            N_("Other"),
        )
    ),
    OptionList.OCCUPATION: tuple(
        (n, ())
        for n in (
            N_("Unemployed"),
            N_("On sick leave"),
            N_("In work"),
            N_("In subsidised work"),
            N_("Studying"),
            N_("In work training or placement"),
            N_("No occupation"),
        )
    ),
    OptionList.EDUCATION_LEVEL: tuple(
        (n, ())
        for n in (
            N_("Compulsory school not completed"),
            N_("Compulsory school"),
            N_("Upper secondary school"),
            N_("Post-secondary education, less than 3 years"),
            N_("Post-secondary education, 3 years or more"),
            N_("Unknown"),
        )
    ),
    OptionList.SUPPORT_TIME: tuple(
        (n, ())
        for n in (
            N_("None"),
            N_("Less than 1 year"),
            N_("1–2 years"),
            N_("3–5 years"),
            N_("More than 5 years"),
            N_("Unknown"),
        )
    ),
}


# The flags the default exit routes start with (in_activity, work_or_studies), by their
# source names: out in activity means work of any kind, work training or placement, or
# studies, as seed 000's "ute i" table counts it; work training is not work or studies.
DEFAULT_EXIT_FLAGS: dict[str, tuple[bool, bool]] = {
    "Work": (True, True),
    "Employment without support": (True, True),
    "Subsidised employment": (True, True),
    "Work training / work placement": (True, False),
    "Studies": (True, True),
    "Regular studies": (True, True),
    "Folk high school": (True, True),
}


@dataclass
class Situation:
    """The person's situation in the national follow-up's terms (option ids)."""

    income_source_id: int | None = None
    occupation_id: int | None = None
    education_level_id: int | None = None
    support_time_id: int | None = None  # only at entry: time on public support before it
    recorded_on: date | None = None

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.income_source_id,
                self.occupation_id,
                self.education_level_id,
                self.support_time_id,
            )
        )


def check_situation(situation: Situation, at_entry: bool) -> None:
    problems: dict[str, str] = {}
    if situation.income_source_id is None:
        problems["income_source_id"] = _("Choose the main source of income.")
    if situation.occupation_id is None:
        problems["occupation_id"] = _("Choose the occupation.")
    if situation.education_level_id is None:
        problems["education_level_id"] = _("Choose the highest education level.")
    if at_entry and situation.support_time_id is None:
        problems["support_time_id"] = _("Choose the time on public support before entry.")
    if problems:
        raise ValidationError(problems)


@dataclass
class Closing:
    """What the coordinator records at avslut."""

    closed_on: date | None
    exit_route_id: int | None
    exit_sub_route_id: int | None = None
    summary: str = ""
    recommendations: str = ""
    exit_situation: Situation = field(default_factory=Situation)
    meeting_offered_on: date | None = None
    meeting_held_on: date | None = None
    meeting_attendees: str = ""
    exit_route_name: str = ""
    exit_sub_route_name: str = ""


def check_closing(
    closing: Closing, enrolled_on: date, today: date, sub_route_parent: int | None
) -> None:
    """``sub_route_parent``: the exit route the chosen sub-route belongs to, if one is chosen."""
    problems: dict[str, str] = {}
    if closing.closed_on is None:
        problems["closed_on"] = _("Enter the closing date.")
    elif closing.closed_on > today:
        problems["closed_on"] = _("The closing date must not lie in the future.")
    elif closing.closed_on < enrolled_on:
        problems["closed_on"] = _("The closing date lies before the enrolment.")
    if closing.exit_route_id is None:
        problems["exit_route_id"] = _("Choose the exit route.")
    elif closing.exit_sub_route_id is not None and sub_route_parent != closing.exit_route_id:
        problems["exit_sub_route_id"] = _("The sub-route does not belong to the chosen exit route.")
    if not closing.summary.strip():
        problems["summary"] = _("Write the closing summary for the remittent.")
    if closing.meeting_held_on and closing.meeting_held_on > today:
        problems["meeting_held_on"] = _("The meeting cannot have been held in the future.")
    try:
        check_situation(closing.exit_situation, at_entry=False)
    except ValidationError as exc:
        problems.update({f"exit_{k}": v for k, v in exc.problems.items()})
    if problems:
        raise ValidationError(problems)


def check_reopen(reason: str) -> None:
    if not reason.strip():
        raise ValidationError.single("reason", _("Write why the participation is reopened."))


@dataclass
class ClosingLetterData:
    """Everything the closing letter to the remittent prints (see reports.closing_letter)."""

    participation_id: int
    person_name: str
    personnummer: str
    insats_name: str
    enrolled_on: date
    closing: Closing
    remittent_lines: list[str]  # name, party, postal address; empty when unknown
    letterhead: Letterhead
    case_number: str = ""
    planned_insatser: list[str] = field(default_factory=list)
    signatory: Signatory | None = None  # None: nobody signs (no contact person)
    letter_date: date | None = None
