"""The lots summary's figures: the answers and category kinds a lotsärende is counted
by, the rules of the counting (birth decade, under 30, whole percents, the survey's
goal) and the shapes of the summary (``LotsSummary`` of ``Breakdown`` tables of
``Count`` rows, and the ``SurveyResult``).

The lotsärende itself (``LotsCase``, ``LotsCategory``, its validation) is in
``domain/lots.py``, which takes the enums from here. The shapes are named tuples, not
dataclasses: ``finsam lots summary`` builds them in a process that must stay within 2x
of a bare python + sqlite3 one (issue 13), and importing dataclasses (and inspect with
it) and building the classes took more than its queries. They are immutable and
compared and printed field by field, as frozen dataclasses are.
"""

from __future__ import annotations

import enum
from collections import namedtuple
from datetime import date

from finsam_desktop.i18n import N_, _

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


class Count(namedtuple("Count", "label count")):
    """One row of a breakdown: ``label`` (str) and ``count`` (int)."""

    __slots__ = ()


class Breakdown(
    namedtuple(
        "Breakdown",
        "key title base total rows extra_title extra marks",
        defaults=("", (), None),
    )
):
    """One table of the summary: counts with their share of ``total`` (the base).

    ``key`` (str), ``title`` (str), ``base`` (str: e.g. "lotsärenden",
    "individärenden", "besvarade enkäter"), ``total`` (int), ``rows`` (a tuple of
    ``Count``), ``extra_title`` and ``extra`` (an optional third column, e.g. distinct
    officers per party: a str and a tuple of ints), ``marks`` (int or None).

    The seed's reports state a share together with what it is a share of ("15 av dessa
    (60 %)"), so every breakdown names its base and carries its total; the rows add up
    to the total because unknowns are a row of their own, never dropped. Outcomes are
    the exception: a case may carry several, so their rows count *marks* ("64
    utfallsmarkeringar på 57 individärenden"), shares are still of the cases, and
    ``marks`` says how many marks there are (None for an ordinary breakdown).
    """

    __slots__ = ()

    def share(self, count: int) -> float | None:
        return count / self.total if self.total else None


class SurveyResult(
    namedtuple("SurveyResult", "closed sent answered satisfied goal_percent scores")
):
    """The questionnaire in the period: ``closed`` lotsärenden, questionnaires ``sent``
    and ``answered``, ``satisfied`` (answered 4 or 5), ``goal_percent`` (int) and
    ``scores`` (five ints: the answers with score 1..5)."""

    __slots__ = ()

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


class LotsSummary(
    namedtuple(
        "LotsSummary",
        "start end municipality municipality_id cases individual_cases distinct_officers "
        "work_or_studies survey breakdowns",
        defaults=((),),
    )
):
    """The summary of a period: ``start`` and ``end`` (dates, inclusive),
    ``municipality`` (a name, or the translated "all municipalities"),
    ``municipality_id`` (None for all), ``cases``, ``individual_cases``,
    ``distinct_officers``, ``work_or_studies`` (individärenden with at least one
    outcome marked work or studies), ``survey`` (``SurveyResult``) and ``breakdowns``
    (a tuple of ``Breakdown``)."""

    __slots__ = ()

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
