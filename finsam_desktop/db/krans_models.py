"""Tables of the krans municipalities' local models (seed 004).

An aktualisering is a ``referral`` row of an insats whose process profile is "local":
the intake is the same as Samverkansteamet's. What a local model adds is its own
lists (where a case can go, how it can end) and the beredning meeting where several
aktualiseringar are decided together.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from finsam_desktop.db.models import Base, Versioned, sort_key


class LocalOptionRow(Versioned, Base):
    """A value of one local model's own list: a destination (lokal samverkan unga,
    Ungdomstorget, ...) or an outcome (arbete, studier, annan lösning, ...)."""

    __tablename__ = "local_option"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("insats_id", "kind", "name_key"),
        Index("ix_local_option_list", "insats_id", "kind", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "destination" or "outcome"
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(sort_key(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Outcomes: counted as work or studies in the board's table.
    work_or_studies: Mapped[bool] = mapped_column(Boolean, default=False)


class BeredningRow(Versioned, Base):
    """One beredning meeting of a local model, where aktualiseringar are decided."""

    __tablename__ = "beredning"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
