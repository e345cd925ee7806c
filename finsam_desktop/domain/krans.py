"""The krans municipalities' local models (seed 004, DOMAIN.md "Krans municipalities").

An insats follows one of two process profiles. Samverkansteamet's **full** process has
an information meeting, a referral, the team's decision, enrolment, case work and
avslut. A krans municipality's **local** model is lighter: an officer *aktualiserar* a
person, a **beredning** decides where the case goes (a destination from the model's
own list), waits (avvaktan) or says no (avslag), and when the case ends its
**outcome** is recorded (arbete, studier, annan lösning, ...). The board reads the
result as a table per municipality over ISO week ranges.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.i18n import N_, _


class ProcessProfile(enum.StrEnum):
    FULL = "full"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return _(_PROFILE_LABELS[self])

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps of the process this profile uses (the window shows only these)."""
        return _PROFILE_STEPS[self]


FULL_PROCESS = ProcessProfile.FULL.value

_PROFILE_LABELS = {
    ProcessProfile.FULL: N_("Full process (meeting, referral, enrolment, case work)"),
    ProcessProfile.LOCAL: N_("Local model (aktualisering, beredning, outcome)"),
}

_PROFILE_STEPS = {
    ProcessProfile.FULL: (
        "info_meeting",
        "referral",
        "decision",
        "enrolment",
        "casework",
        "avslut",
    ),
    ProcessProfile.LOCAL: ("aktualisering", "beredning", "outcome"),
}


class LocalListKind(enum.StrEnum):
    DESTINATION = "destination"
    OUTCOME = "outcome"

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    LocalListKind.DESTINATION: N_("Destinations"),
    LocalListKind.OUTCOME: N_("Outcomes"),
}

# The lists a new local model starts with (seed 004); the team renames and extends them.
DEFAULT_DESTINATIONS = (
    N_("Local cooperation, young people"),
    N_("Local cooperation, adults"),
    "Ungdomstorget",
    "Steget vidare",
    N_("Work experience through KAA"),
    "Mellansteget",
)
DEFAULT_OUTCOMES = ((N_("Work"), True), (N_("Studies"), True), (N_("Other solution"), False))


class BeredningDecision(enum.StrEnum):
    """What a beredning decides for one aktualisering; stored as the referral status."""

    DESTINATION = "accepted"  # to a destination of the model's list
    AVVAKTAN = "dormant"  # wait: decided again at a later beredning
    AVSLAG = "rejected"  # no, with a reason

    @property
    def label(self) -> str:
        return _(_DECISION_LABELS[self])


_DECISION_LABELS = {
    BeredningDecision.DESTINATION: N_("To a destination"),
    BeredningDecision.AVVAKTAN: N_("Wait (avvaktan)"),
    BeredningDecision.AVSLAG: N_("Rejected (avslag)"),
}


@dataclass
class LocalOption:
    id: int | None
    insats_id: int
    kind: LocalListKind
    name: str
    position: int = 0
    active: bool = True
    work_or_studies: bool = False
    version: int = 0


@dataclass
class CaseDecision:
    """One aktualisering's decision at a beredning."""

    referral_id: int
    decision: BeredningDecision
    destination_id: int | None = None
    reason: str = ""
    version: int = 0


@dataclass
class Beredning:
    id: int | None
    insats_id: int
    held_on: date
    note: str = ""
    decisions: list[CaseDecision] = field(default_factory=list)
    version: int = 0


def decision_problems(decision: CaseDecision, destination_ids: set[int]) -> dict[str, str]:
    """What is wrong with one decision (empty: nothing)."""
    kind = BeredningDecision(decision.decision)
    if kind is BeredningDecision.DESTINATION:
        if decision.destination_id is None:
            return {"destination_id": _("Choose where the case goes.")}
        if decision.destination_id not in destination_ids:
            return {"destination_id": _("The destination is not in this local model's list.")}
    if kind is BeredningDecision.AVSLAG and not decision.reason.strip():
        return {"reason": _("Write the reason for the rejection.")}
    return {}


def pro_rata(expected_per_year: int | None, start: date, end: date) -> float | None:
    """The expected volume for the days from ``start`` to ``end`` (both included) of a
    year with ``expected_per_year``: the part-year's share of the yearly volume."""
    if not expected_per_year:
        return None
    days = (end - start).days + 1
    year_days = 366 if _leap(start.year) else 365
    return expected_per_year * days / year_days


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
