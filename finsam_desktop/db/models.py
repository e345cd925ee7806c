"""The tables. Every table a user edits carries a ``version`` column so that a second
copy of the program cannot silently overwrite a change (optimistic locking), and
every name column that lists sort by has a ``*_key`` companion (see domain.sorting).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def sort_key(length: int) -> String:
    """The type of a column holding ``domain.sorting.swedish_key`` (``name_key``…):
    compared byte by byte on both engines, which is what makes the key sort in Swedish
    order. SQLite's default collation already does; a PostgreSQL database's default is
    the server's language (sv_SE, en_US…), which would sort the key's stand-ins for
    å ä ö ("{", "|", "}") before "a", and compares more slowly. There the column
    collates "C" (migration 0015)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp(), onupdate=func.now()
    )


class AddressColumns:
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")


class FederationRow(Versioned, AddressColumns, Base):
    __tablename__ = "federation"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    org_number: Mapped[str] = mapped_column(String(20), default="")
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class MunicipalityRow(Versioned, Base):
    __tablename__ = "municipality"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_key: Mapped[str] = mapped_column(sort_key(100), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PartyRow(Versioned, Base):
    __tablename__ = "party"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_key: Mapped[str] = mapped_column(sort_key(100), index=True)
    short_name: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A party only one insats's local model knows (a school, KAA, a hälsocentral);
    # None: a party every insats offers (AF, FK, socialtjänsten, the region).
    insats_id: Mapped[int | None] = mapped_column(
        ForeignKey("insats.id", ondelete="CASCADE"), nullable=True, index=True
    )


class InsatsRow(Versioned, AddressColumns, Base):
    __tablename__ = "insats"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = mapped_column(sort_key(200), index=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    answer_days: Mapped[int] = mapped_column(Integer, default=14)
    enrolment_months: Mapped[int] = mapped_column(Integer, default=12)
    extension_months: Mapped[int] = mapped_column(Integer, default=6)
    age_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_parties_in_contact: Mapped[int] = mapped_column(Integer, default=2)
    exclusion_criteria: Mapped[list] = mapped_column(JSON, default=list)
    caseload_cap: Mapped[int] = mapped_column(Integer, default=25)
    plan_follow_up_months: Mapped[int] = mapped_column(Integer, default=3)
    remittent_contact_days: Mapped[int] = mapped_column(Integer, default=30)
    # Targets the statistics hold the actuals against (None: no target set).
    expected_per_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_work_studies_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # "full": meeting, referral, decision, enrolment, case work, avslut (Samverkansteamet);
    # "local": aktualisering, beredning, destination, outcome (a krans municipality).
    process_profile: Mapped[str] = mapped_column(String(10), default="full")
    # Local model: Översikt reminds when an aktualiserad case has no outcome after this.
    outcome_reminder_weeks: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    meeting_places: Mapped[list[MeetingPlaceRow]] = relationship(
        back_populates="insats", cascade="all, delete-orphan", order_by="MeetingPlaceRow.id"
    )


class MeetingPlaceRow(Base):
    """A municipality an insats serves, and where it holds information meetings there."""

    __tablename__ = "meeting_place"
    __table_args__ = (UniqueConstraint("insats_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")

    insats: Mapped[InsatsRow] = relationship(back_populates="meeting_places")


class StaffRow(Versioned, Base):
    __tablename__ = "staff"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(sort_key(200), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), nullable=True)
    insats_id: Mapped[int | None] = mapped_column(ForeignKey("insats.id"), nullable=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonRow(Versioned, AddressColumns, Base):
    __tablename__ = "person"
    __mapper_args__ = {"version_id_col": Versioned.version}
    # Ends in the id, the lists' last sort key (SQLite's rowid; migrations 0015, 0021).
    __table_args__ = (
        Index("ix_person_name_key", "name_key", "id"),
        Index("ix_person_municipality_id", "municipality_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    personnummer: Mapped[str] = mapped_column(String(12), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(sort_key(210))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id"), nullable=True
    )
    gender: Mapped[str] = mapped_column(String(10), default="okant")
    # Utländsk bakgrund (born abroad, or both parents born abroad): ja / nej / okant.
    foreign_background: Mapped[str] = mapped_column(String(6), default="okant")
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class SettingRow(Base):
    """Program-wide settings that belong to the database, not to one PC (key → JSON)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict | list | str | int | None] = mapped_column(JSON, nullable=True)
