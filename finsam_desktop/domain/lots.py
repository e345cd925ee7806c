"""Lotsärenden: an officer asks the samverkanskoordinator for help steering a case.

Privacy by design: a lotsärende describes the individual only by what the yearly
summary counts (gender, birth year, foreign background, ...). It has no field for a
name or a personnummer, and its short free-text reference is refused if it looks
like one. The summary shapes follow the Långsiktig samverkan reports (seed 003).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.domain.gender import Gender

# The answers, the category kinds and the summary's figures and shapes are in
# domain/lots_summary.py (without dataclasses, for the command line's summary).
from finsam_desktop.domain.lots_summary import (
    Answer,
    CategoryKind,
)
from finsam_desktop.i18n import N_, _

REFERENCE_MAX = 40
OFFICER_MAX = 100


@dataclass
class LotsCategory:
    """One value of a configurable list. Renamed or retired, never deleted while used."""

    id: int | None
    kind: CategoryKind
    name: str
    active: bool = True
    position: int = 0
    work_or_studies: bool = False  # outcomes only: counts towards 'arbete eller studier'
    version: int = 0


# Defaults every förbund starts with, drawn from the seed's reports. A förbund renames,
# retires or adds to them; the ids stay, so years remain comparable.
DEFAULT_CATEGORIES: dict[CategoryKind, tuple[tuple[str, bool], ...]] = {
    CategoryKind.QUESTION: (
        (N_("Information and advice on insatser and individual planning"), False),
        (N_("Unclear roles and responsibilities between agencies"), False),
        (N_("Coordinating planning or meetings between parties"), False),
        (N_("The individual is stuck in or not moving on from an insats"), False),
        (N_("Income support and benefits"), False),
        (N_("An insats that ordinary services lack"), False),
        (N_("Other question"), False),
    ),
    CategoryKind.ACTION: (
        (N_("Information and advice to the officer"), False),
        (N_("Put the officer in contact with another party"), False),
        (N_("Coordinating meeting (e.g. SIP or three-party meeting)"), False),
        (N_("Raised in the local group (Lokus)"), False),
        (N_("Other action"), False),
    ),
    CategoryKind.OUTCOME: (
        (N_("Work"), True),
        (N_("Studies"), True),
        (N_("From försörjningsstöd to another benefit"), False),
        (N_("RITA – the right insats at the right time from the right actor"), False),
        (N_("Offered a social arbetscoach"), False),
        (N_("Handled in ordinary services"), False),
        (N_("Other outcome"), False),
    ),
}


@dataclass
class LotsCase:
    """One lotsärende. Ids refer to the foundation's municipality and party tables."""

    id: int | None
    received: date | None
    municipality_id: int | None
    party_id: int | None = None
    officer: str = ""  # a pseudonymous code or the name of the handläggare/vårdgivare
    gender: Gender = Gender.UNKNOWN
    birth_year: int | None = None
    foreign_background: Answer = Answer.UNKNOWN
    sick_leave_fs: Answer = Answer.UNKNOWN  # on sick leave and receiving försörjningsstöd
    individual_case: bool = False
    question_id: int | None = None
    coordination_need: Answer = Answer.UNKNOWN
    action_id: int | None = None
    # Several outcomes may apply (e.g. "from försörjningsstöd to another benefit" and
    # "RITA"); in the list's order, no repeats.
    outcome_ids: list[int] = field(default_factory=list)
    closed: date | None = None
    reference: str = ""
    survey_sent: bool = False
    survey_score: int | None = None
    version: int = 0


# 6 or 8 digits of a date, optional - or +, 4 digits: what a personnummer or a
# samordningsnummer looks like anywhere inside a short text.
_PNR_LIKE = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})\s?[-+]?\s?\d{4}(?!\d)")


def looks_like_personnummer(text: str) -> bool:
    """True when ``text`` contains something shaped like a personnummer.

    Deliberately wider than validation (no check digit needed): a mistyped number is
    still personal data and has no place in a lotsärende.
    """
    for match in _PNR_LIKE.finditer(text or ""):
        month, day = int(match.group(3)), int(match.group(4))
        if 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91):
            return True
    return False


def normalise_officer(text: str) -> str:
    """The key that makes 'AF-12', 'af-12 ' and 'Af-12' one officer when counting."""
    return " ".join((text or "").split()).casefold()


def validate_case(case: LotsCase, today: date) -> dict[str, str]:
    """Problems with ``case`` as {field: translated message}; empty when it may be saved."""
    problems: dict[str, str] = {}
    if case.received is None:
        problems["received"] = _("Enter the date the lotsärende was received.")
    elif case.received > today:
        problems["received"] = _("The date received lies in the future.")
    if case.municipality_id is None:
        problems["municipality"] = _("Choose the municipality.")
    if case.birth_year is not None:
        if not 1900 <= case.birth_year <= today.year:
            problems["birth_year"] = _("Enter a birth year between 1900 and {year}.").format(
                year=today.year
            )
        elif case.received is not None and case.birth_year > case.received.year:
            problems["birth_year"] = _("The birth year is after the date received.")
    if case.closed is not None:
        if case.closed > today:
            problems["closed"] = _("The closing date lies in the future.")
        elif case.received is not None and case.closed < case.received:
            problems["closed"] = _("The case cannot be closed before it was received.")
    if len(case.officer.strip()) > OFFICER_MAX:
        problems["officer"] = _("At most {n} characters.").format(n=OFFICER_MAX)
    reference = case.reference.strip()
    if len(reference) > REFERENCE_MAX:
        problems["reference"] = _("At most {n} characters.").format(n=REFERENCE_MAX)
    elif looks_like_personnummer(reference):
        problems["reference"] = _(
            "This looks like a personnummer. A lotsärende must not identify the individual: "
            "use a short code of your own."
        )
    if case.survey_sent and case.closed is None:
        problems["survey_sent"] = _("The questionnaire is sent when the case is closed.")
    if case.survey_score is not None:
        if not 1 <= case.survey_score <= 5:
            problems["survey_score"] = _("The score is a whole number from 1 to 5.")
        elif not case.survey_sent:
            problems["survey_score"] = _("A score needs a questionnaire that was sent.")
    return problems
