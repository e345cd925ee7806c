"""Lotsärenden: an officer asks the samverkanskoordinator for help steering a case.

Privacy by design: a lotsärende describes the individual only by what the yearly
summary counts (gender, birth year, foreign background, ...). It has no field for a
name or a personnummer, and its short free-text reference is refused if it looks
like one. The summary shapes follow the Långsiktig samverkan reports (seed 003).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.domain.gender import Gender
from finsam_desktop.i18n import N_, _

REFERENCE_MAX = 40
OFFICER_MAX = 100
DEFAULT_SATISFACTION_GOAL = 75  # percent answering 4 or 5 (seed 003, Älvkarleby)
SATISFACTION_GOAL_SETTING = "lots.satisfaction_goal"  # the setting that changes it
UNDER_AGE = 30  # "individer under 30 år" (seed 003, Håbo)
SATISFIED_MIN_SCORE = 4


def satisfaction_goal_of(stored: object) -> int:
    """The goal for the share satisfied from its stored setting (None: never saved)."""
    return int(stored) if isinstance(stored, int | float) else DEFAULT_SATISFACTION_GOAL


class Answer(enum.StrEnum):
    """Yes, no or not known: the seed reports count 'okänt' rather than drop it."""

    YES = "ja"  # the stored values stay Swedish (the database and old exports hold them)
    NO = "nej"
    UNKNOWN = "okant"

    @property
    def label(self) -> str:
        return _(_ANSWER_LABELS[self])


_ANSWER_LABELS = {Answer.YES: N_("Yes"), Answer.NO: N_("No"), Answer.UNKNOWN: N_("Unknown")}


class CategoryKind(enum.StrEnum):
    QUESTION = "question"  # the question the officer asked
    ACTION = "action"  # what the coordinator did
    OUTCOME = "outcome"  # where the case ended

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    CategoryKind.QUESTION: N_("Question"),
    CategoryKind.ACTION: N_("What was done"),
    CategoryKind.OUTCOME: N_("Outcome"),
}


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


def age_group(received_year: int, birth_year: int | None) -> str:
    """'under', 'over' or 'unknown': under 30 on the year the case came in."""
    if birth_year is None:
        return "unknown"
    return "under" if received_year - birth_year < UNDER_AGE else "over"


def birth_decade(birth_year: int | None) -> int | None:
    return None if birth_year is None else birth_year // 10 * 10


# --- the summary --------------------------------------------------------------------


def whole_percent(count: int, total: int) -> int | None:
    """count/total as a whole percent, halves rounded up (15 of 25 -> 60), as the seed
    reports write them; None when there is nothing to take a share of."""
    if total <= 0:
        return None
    return (200 * count + total) // (2 * total)


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    """One table of the summary: counts with their share of ``total`` (the base).

    The seed's reports state a share together with what it is a share of ("15 av dessa
    (60 %)"), so every breakdown names its base and carries its total; the rows add up
    to the total because unknowns are a row of their own, never dropped. Outcomes are
    the exception: a case may carry several, so their rows count *marks* ("64
    utfallsmarkeringar på 57 individärenden"), shares are still of the cases, and
    ``marks`` says how many marks there are.
    """

    key: str
    title: str
    base: str  # e.g. "lotsärenden", "individärenden", "besvarade enkäter"
    total: int
    rows: tuple[Count, ...]
    extra_title: str = ""  # an optional third column, e.g. distinct officers per party
    extra: tuple[int, ...] = ()
    # When a case may count in several rows (outcomes): how many marks the rows hold
    # besides the cases counted in no row; None for an ordinary breakdown.
    marks: int | None = None

    def share(self, count: int) -> float | None:
        return count / self.total if self.total else None


@dataclass(frozen=True)
class SurveyResult:
    closed: int  # closed lotsärenden in the period
    sent: int
    answered: int
    satisfied: int  # answered 4 or 5
    goal_percent: int
    scores: tuple[int, int, int, int, int]  # answers with score 1..5

    @property
    def sent_share(self) -> float | None:
        return self.sent / self.closed if self.closed else None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.answered if self.answered else None

    @property
    def goal_met(self) -> bool | None:
        share = self.satisfied_share
        return None if share is None else share * 100 >= self.goal_percent


@dataclass(frozen=True)
class LotsSummary:
    start: date
    end: date  # inclusive
    municipality: str  # a name, or the translated "all municipalities"
    municipality_id: int | None
    cases: int
    individual_cases: int
    distinct_officers: int
    work_or_studies: int  # individärenden with at least one outcome marked work or studies
    survey: SurveyResult
    breakdowns: tuple[Breakdown, ...] = field(default_factory=tuple)

    def breakdown(self, key: str) -> Breakdown:
        for b in self.breakdowns:
            if b.key == key:
                return b
        raise KeyError(key)

    @property
    def period_label(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
