"""Deltagarenkäter: one per participation, saved with the same optimistic check as
every other record, and the goal for the share satisfied (a database-wide setting)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import ParticipantSurveyRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.surveys import DEFAULT_GOAL_PERCENT, ParticipantSurvey, check_survey
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, no_personal_data, require, requires
from finsam_desktop.services.records import (
    ConcurrentChange,
    apply_version,
    existing_row,
    setting_value,
    store_setting,
)

GOAL_SETTING = "statistics.survey_goal_percent"


def _survey(row: ParticipantSurveyRow) -> ParticipantSurvey:
    return ParticipantSurvey(
        participation_id=row.participation_id,
        sent_on=row.sent_on,
        answered_on=row.answered_on,
        score=row.score,
        comment=row.comment,
        version=row.version,
    )


@requires(Permission.CASEWORK)
def get_survey(session: Session, participation_id: int) -> ParticipantSurvey:
    """The participation's survey; an empty one (version 0) when none is recorded."""
    require(session, Permission.CASEWORK)
    existing_row(session, ParticipationRow, participation_id)
    row = session.get(ParticipantSurveyRow, participation_id)
    return _survey(row) if row is not None else ParticipantSurvey(participation_id)


@requires(Permission.CASEWORK)
def save_survey(
    session: Session, survey: ParticipantSurvey, today: date | None = None
) -> ParticipantSurvey:
    """Record what is known of the survey. ``version`` is the one the user started
    from: 0 for a survey not saved before (refused if someone saved one meanwhile)."""
    require(session, Permission.CASEWORK)
    existing_row(session, ParticipationRow, survey.participation_id)
    problems = check_survey(survey, today or clock.today())
    if problems:
        raise ValidationError(problems)
    row = session.get(ParticipantSurveyRow, survey.participation_id)
    if row is None:
        if survey.version:
            raise ConcurrentChange()  # it was removed since it was read
        row = ParticipantSurveyRow(participation_id=survey.participation_id)
        session.add(row)
    else:
        if not survey.version:
            raise ConcurrentChange()  # someone else recorded it first
        apply_version(row, survey.version)
    row.sent_on = survey.sent_on
    row.answered_on = survey.answered_on
    row.score = survey.score
    row.comment = survey.comment.strip()
    session.flush()
    return _survey(row)


@no_personal_data
def survey_goal(session: Session) -> int:
    """The goal for the share satisfied (score 4–5) among those who answered, percent."""
    value = setting_value(session, GOAL_SETTING)
    return int(value) if isinstance(value, int | float) else DEFAULT_GOAL_PERCENT


@requires(Permission.CASEWORK)
def set_survey_goal(session: Session, percent: int) -> int:
    require(session, Permission.CASEWORK)
    if not 1 <= percent <= 100:
        raise ValidationError.single("goal", _("The goal is a percentage from 1 to 100."))
    store_setting(session, GOAL_SETTING, percent)
    return percent
