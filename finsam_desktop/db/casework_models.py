"""Tables of case work on a participation: kartläggning, handlingsplan, insatser in
detail, the contacts journal, limits (extension) and avslut.

``case_file`` is a one-to-one companion of ``participation`` (owned by the
referral workflow). It also keeps a few dates that Översikt filters on
(last remittent contact, last plan event, effective end), updated by the services,
so that reminders over 100,000 participations are indexed range scans.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from finsam_desktop.db.models import Base, Versioned


def option_ref():
    """A nullable link to a value of one of the configurable lists (case_option)."""
    return mapped_column(ForeignKey("case_option.id"), nullable=True)


class CaseOptionRow(Versioned, Base):
    """A value of one of the team's configurable lists (exit routes, benefits, ...)."""

    __tablename__ = "case_option"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (Index("ix_case_option_list", "list_key", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_key: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_option.id"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Exit routes only: counted as "ute i aktivitet", and as work or studies.
    in_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    work_or_studies: Mapped[bool] = mapped_column(Boolean, default=False)


class MappingTemplateRow(Base):
    """One version of the kartläggning template; never changed once a case uses it."""

    __tablename__ = "mapping_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    sections: Mapped[list] = mapped_column(JSON, default=list)
    created_on: Mapped[date] = mapped_column(Date)


class CaseFileRow(Versioned, Base):
    __tablename__ = "case_file"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("extension_months BETWEEN 0 AND 24", name="extension_months"),
    )

    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), primary_key=True
    )
    mapping_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_template.id"), nullable=True
    )
    advice_offered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    advice_offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    advice_benefit_ids: Mapped[list] = mapped_column(JSON, default=list)
    advice_note: Mapped[str] = mapped_column(Text, default="")
    # limits
    extension_requested_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    extension_decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_months: Mapped[int] = mapped_column(Integer, default=0)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # dates Översikt filters on
    last_remittent_contact_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    last_plan_event_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # situation at entry (recorded at enrolment) and at exit (at avslut)
    entry_recorded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    entry_income_source_id: Mapped[int | None] = option_ref()
    entry_occupation_id: Mapped[int | None] = option_ref()
    entry_education_level_id: Mapped[int | None] = option_ref()
    entry_support_time_id: Mapped[int | None] = option_ref()
    exit_income_source_id: Mapped[int | None] = option_ref()
    exit_occupation_id: Mapped[int | None] = option_ref()
    exit_education_level_id: Mapped[int | None] = option_ref()
    # avslut
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    exit_route_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_option.id"), nullable=True, index=True
    )
    exit_sub_route_id: Mapped[int | None] = option_ref()
    summary: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    # Indexed: Kommande reads one week's closing meetings (services/coming_week.py).
    meeting_offered_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    meeting_held_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    meeting_attendees: Mapped[str] = mapped_column(Text, default="")


class MappingSessionRow(Base):
    __tablename__ = "mapping_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)  # Kommande reads one week
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class MappingAnswerRow(Base):
    __tablename__ = "mapping_answer"
    __table_args__ = (UniqueConstraint("participation_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    question_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text, default="")


class PlanRevisionRow(Base):
    """One complete version of a handlingsplan. Rows are only ever added."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("participation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    made_on: Mapped[date] = mapped_column(Date)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    is_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class PlanGoalRow(Base):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("plan_revision.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))


class PlanInsatsRow(Base):
    __tablename__ = "plan_insats"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("plan_revision.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int] = mapped_column(ForeignKey("case_option.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class WorkTrainingRow(Versioned, Base):
    __tablename__ = "work_training"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )
    workplace: Mapped[str] = mapped_column(String(200))
    employer_contact: Mapped[str] = mapped_column(String(200), default="")
    employer_phone: Mapped[str] = mapped_column(String(50), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    hours_per_week: Mapped[float] = mapped_column(Float, default=0)


class WorkVisitRow(Base):
    """A follow-up visit at the workplace."""

    __tablename__ = "work_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_training_id: Mapped[int] = mapped_column(
        ForeignKey("work_training.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class StudySupportRow(Versioned, Base):
    __tablename__ = "study_support"
    __mapper_args__ = {"version_id_col": Versioned.version}
    # The seed's limit, held by the database too: one month, extendable to at most three.
    __table_args__ = (CheckConstraint("months BETWEEN 1 AND 3", name="months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )
    study_start: Mapped[date] = mapped_column(Date)
    school: Mapped[str] = mapped_column(String(200), default="")
    months: Mapped[int] = mapped_column(Integer, default=1)
    ends_on: Mapped[date] = mapped_column(Date, index=True)


class CaseContactRow(Versioned, Base):
    """A line in the contacts journal. Editable only on ``written_on``; see domain."""

    __tablename__ = "case_contact"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (Index("ix_case_contact_participation", "participation_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    counterparts: Mapped[list] = mapped_column(JSON, default=list)
    counterpart_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    written_on: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_contact.id"), nullable=True, index=True
    )
    # Who wrote the note: the signed-in account, its name kept as it was when written.
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author_name: Mapped[str] = mapped_column(String(200), default="", server_default="")


class CaseEventRow(Base):
    """Things that happened to a case besides contacts: extension, avslut, reopening,
    letters printed. Shown on the timeline; the reason for a reopening lives here."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_participation", "participation_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    happened_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class ParticipantSurveyRow(Versioned, Base):
    """The deltagarenkät of one participation: sent, answered, score 1–5 and a free
    comment (the comment is never part of any statistics)."""

    __tablename__ = "participant_survey"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="survey_score"),)

    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), primary_key=True
    )
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
