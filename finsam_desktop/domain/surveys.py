"""The deltagarenkät: a participation's questionnaire, sent, answered, scored 1–5.

The free comment is for the team; it is never part of any statistics (the reports
count sent, answered and the scores only). The goal is the share satisfied, those
who answered 4 or 5, set in percent in the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from finsam_desktop.i18n import _

SATISFIED_MIN_SCORE = 4
DEFAULT_GOAL_PERCENT = 80
COMMENT_MAX = 4000


@dataclass
class ParticipantSurvey:
    participation_id: int
    sent_on: date | None = None
    answered_on: date | None = None
    score: int | None = None  # 1–5; None when not answered or answered without a score
    comment: str = ""
    version: int = 0  # 0: nothing saved yet

    @property
    def empty(self) -> bool:
        return (
            self.sent_on is None
            and self.answered_on is None
            and self.score is None
            and not self.comment.strip()
        )

    @property
    def satisfied(self) -> bool | None:
        return None if self.score is None else self.score >= SATISFIED_MIN_SCORE


def check_survey(survey: ParticipantSurvey, today: date) -> dict[str, str]:
    """Problems as {field: message}; empty when the survey may be saved."""
    problems: dict[str, str] = {}
    if survey.sent_on is not None and survey.sent_on > today:
        problems["sent_on"] = _("The date sent lies in the future.")
    if survey.answered_on is not None:
        if survey.sent_on is None:
            problems["sent_on"] = _("An answer needs the date the survey was sent.")
        elif survey.answered_on < survey.sent_on:
            problems["answered_on"] = _("The answer cannot come before the survey was sent.")
        if survey.answered_on > today:
            problems["answered_on"] = _("The date answered lies in the future.")
    if survey.score is not None:
        if not 1 <= survey.score <= 5:
            problems["score"] = _("The score is a whole number from 1 to 5.")
        elif survey.answered_on is None:
            problems["answered_on"] = _("A score needs the date the answer came.")
    if survey.comment.strip() and survey.answered_on is None:
        problems["answered_on"] = _("A comment needs the date the answer came.")
    if len(survey.comment) > COMMENT_MAX:
        problems["comment"] = _("At most {n} characters.").format(n=COMMENT_MAX)
    return problems
