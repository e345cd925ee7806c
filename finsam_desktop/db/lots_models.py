"""Tables for lotsärenden and their configurable category lists.

A lotsärende row holds no name or personnummer of the individual (see domain.lots).
Small enum values are stored as short text ('ja', 'nej', 'okant', 'kvinna', ...)
so that summaries group on them directly.

A lotsärende carries any number of outcomes (seed 003's Heby counts 64 outcome marks
on 57 individärenden): they are rows of ``lots_case_outcome``, not a column.

The summary index starts with ``received`` and holds every column the summary
counts, so a year's summary reads only the index (a covering index): at a million
lotsärenden this takes the yearly summary from about 1.3 s to about 0.3 s.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from finsam_desktop.db.models import Base, Versioned, sort_key

SUMMARY_COLUMNS = (
    "received",
    "municipality_id",
    "party_id",
    "officer_key",
    "gender",
    "birth_year",
    "foreign_background",
    "sick_leave_fs",
    "individual_case",
    "coordination_need",
    "question_id",
    "action_id",
    "closed",
    "survey_sent",
    "survey_score",
)


class LotsCategoryRow(Versioned, Base):
    __tablename__ = "lots_category"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (UniqueConstraint("kind", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(sort_key(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    work_or_studies: Mapped[bool] = mapped_column(Boolean, default=False)


class LotsCaseRow(Versioned, Base):
    __tablename__ = "lots_case"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        Index("ix_lots_case_municipality_received", "municipality_id", "received"),
        Index("ix_lots_case_summary", *SUMMARY_COLUMNS),
        # How many lotsärenden use a category (the lists show it; delete refuses it).
        Index("ix_lots_case_question_id", "question_id"),
        Index("ix_lots_case_action_id", "action_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received: Mapped[date] = mapped_column(Date)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    officer: Mapped[str] = mapped_column(String(100), default="")
    officer_key: Mapped[str] = mapped_column(String(100), default="")
    gender: Mapped[str] = mapped_column(String(10), default="okant")
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    foreign_background: Mapped[str] = mapped_column(String(6), default="okant")
    sick_leave_fs: Mapped[str] = mapped_column(String(6), default="okant")
    individual_case: Mapped[bool] = mapped_column(Boolean, default=False)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("lots_category.id"), nullable=True)
    coordination_need: Mapped[str] = mapped_column(String(6), default="okant")
    action_id: Mapped[int | None] = mapped_column(ForeignKey("lots_category.id"), nullable=True)
    closed: Mapped[date | None] = mapped_column(Date, nullable=True)
    reference: Mapped[str] = mapped_column(String(40), default="")
    survey_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    survey_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # sha256 of an imported spreadsheet row: importing the same file twice adds nothing.
    import_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class LotsCaseOutcomeRow(Base):
    """One outcome mark of a lotsärende (a case has none, one or several).

    The case's date received, municipality and individärende flag are copied here
    (kept equal by services.lots), so that counting a period's marks reads this
    table's summary index alone instead of looking up every case.
    """

    __tablename__ = "lots_case_outcome"
    __table_args__ = (
        Index(
            "ix_lots_case_outcome_summary",
            "received",
            "municipality_id",
            "individual_case",
            "category_id",
            "lots_case_id",
        ),
    )

    lots_case_id: Mapped[int] = mapped_column(
        ForeignKey("lots_case.id", ondelete="CASCADE"), primary_key=True
    )
    # The second column of the key: counting a category's uses reads this index.
    category_id: Mapped[int] = mapped_column(
        ForeignKey("lots_category.id"), primary_key=True, index=True
    )
    received: Mapped[date] = mapped_column(Date)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    individual_case: Mapped[bool] = mapped_column(Boolean, default=False)
