"""Tables of the front door: information meetings, referrals, the team's decision,
enrolment (participation), the letters sent and the letter templates, and drafts of
half-filled forms.

A referral keeps its own copy of the home municipality and the referring party as
they were when it arrived, so that counts of cases *aktualiserade* per party and
municipality do not change when a person moves later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from finsam_desktop.db.models import Base, Versioned
from finsam_desktop.domain.referrals import answer_sort_due


class RemittentColumns:
    """The referring officer (remittent): party, name and how to reach them."""

    remittent_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id"), nullable=True, index=True
    )
    remittent_name: Mapped[str] = mapped_column(String(200), default="")
    remittent_phone: Mapped[str] = mapped_column(String(50), default="")
    remittent_email: Mapped[str] = mapped_column(String(200), default="")
    # Postal address for the copy of a letter, one line per row (may be empty).
    remittent_address: Mapped[str] = mapped_column(String(400), default="")


class InfoMeetingRow(Versioned, RemittentColumns, Base):
    """An information meeting (informationsmöte) with a prospective participant."""

    __tablename__ = "info_meeting"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    meeting_time: Mapped[str] = mapped_column(String(5))  # HH:MM
    staff1_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff2_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    place_name: Mapped[str] = mapped_column(String(200), default="")
    place_street: Mapped[str] = mapped_column(String(200), default="")
    place_postcode: Mapped[str] = mapped_column(String(20), default="")
    place_city: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "", yes, no, thinking
    notes: Mapped[str] = mapped_column(Text, default="")


class ReferralRow(Versioned, RemittentColumns, Base):
    """A referral (remiss) to one insats, and the team's decision on it."""

    __tablename__ = "referral"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        Index("ix_referral_person_insats", "person_id", "insats_id"),
        # Ends in the insats: a coordinator's count under row-level security reads the
        # index alone (migration 0024).
        Index("ix_referral_open_due", "answer_sent_on", "answer_due", "insats_id"),
        # Ends in the id, the list's last sort key (SQLite's rowid; migration 0015).
        Index("ix_referral_answer_sort_due", "answer_sort_due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(30), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    info_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id"), nullable=True, index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id"), nullable=True, index=True
    )
    arrived_on: Mapped[date] = mapped_column(Date, index=True)
    answer_due: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # received, dormant (vilande), accepted (antagen), rejected (avslag), enrolled
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    exclusions_applying: Mapped[list] = mapped_column(JSON, default=list)
    override_motivation: Mapped[str] = mapped_column(Text, default="")
    answer_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # answer_due while the remissvar is not sent, 9999-12-31 once it is: the Remisser list
    # sorts on it through its index (a CASE over every match took half a second at 100k).
    # Set on every insert (ORM or Core) and every ORM update below; never set it by hand.
    answer_sort_due: Mapped[date | None] = mapped_column(
        Date, nullable=True, default=lambda ctx: _sort_due_of_insert(ctx)
    )
    # The two contact persons named in the remissvar (often the future kontaktpersoner).
    answer_contact1_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    answer_contact2_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    # Local model (an insats with the "local" process profile): the beredning that
    # decided the aktualisering, where the case went, and how it ended.
    beredning_id: Mapped[int | None] = mapped_column(
        ForeignKey("beredning.id"), nullable=True, index=True
    )
    destination_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_option.id"), nullable=True, index=True
    )
    outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_option.id"), nullable=True, index=True
    )
    outcome_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class ReferralPartyContactRow(Base):
    """A party the person is in contact with when referred (for the two-party rule)."""

    __tablename__ = "referral_party_contact"

    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True, index=True)


class ParticipationRow(Versioned, Base):
    """An enrolment (inskrivning) in an insats. Case work extends this table."""

    __tablename__ = "participation"
    __mapper_args__ = {"version_id_col": Versioned.version}
    # Översikt's caseload counts the open participations per coordinator and insats
    # from this index alone (services/casework.caseload), and its participant list a
    # coordinator's (either contact person) by status.
    __table_args__ = (
        Index(
            "ix_participation_caseload",
            "status",
            "contact_person_id",
            "insats_id",
            "second_contact_person_id",
        ),
        # Översikt counts and lists each kind of reminder due by a range of its day,
        # for the team or one coordinator (either contact person), from the index alone;
        # the insats too for a coordinator under row-level security (migration 0024).
        *(
            Index(
                f"ix_participation_{due}",
                due,
                "contact_person_id",
                "second_contact_person_id",
                "insats_id",
            )
            for due in (
                "due_plan_follow_up",
                "due_remittent_contact",
                "due_end",
                "due_extension_decision",
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    insats_id: Mapped[int] = mapped_column(ForeignKey("insats.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id"), nullable=True, unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="enrolled", index=True)
    enrolled_on: Mapped[date] = mapped_column(Date, index=True)
    planned_end: Mapped[date] = mapped_column(Date, index=True)
    contact_person_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    second_contact_person_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    af_registered: Mapped[bool] = mapped_column(Boolean, default=False)
    # The day each kind of reminder is due while enrolled (NULL: closed, or nothing of
    # that kind), worked out from the participation, its case file and its insats and
    # kept in the transaction of every change of them by db/due_dates.py.
    due_plan_follow_up: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_remittent_contact: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_extension_decision: Mapped[date | None] = mapped_column(Date, nullable=True)


class LetterTemplateRow(Versioned, Base):
    """The editable subject and body of one kind of letter (kallelse, remissvar, ...)."""

    __tablename__ = "letter_template"
    __mapper_args__ = {"version_id_col": Versioned.version}

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")


class SentLetterRow(Base):
    """A letter as it was sent: the exact PDF bytes, what, when and by whom."""

    __tablename__ = "sent_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id"), nullable=True, index=True
    )
    info_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id"), nullable=True, index=True
    )
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Deltagare"
    subject: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(60), default="")
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    sent_by: Mapped[str] = mapped_column(String(200), default="")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class DraftRow(Base):
    """A half-filled form kept when the window closed before it was saved."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("kind", "record_key", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose draft it is: on a shared PC a draft comes back to its owner only. No foreign
    # key (like the log): a draft never stops an account from being removed.
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(40))  # the form, e.g. "referral"
    record_key: Mapped[str] = mapped_column(String(60), default="")  # "" for a new record
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


def _sort_due_of_insert(context) -> date | None:
    """The default of ``answer_sort_due`` for a Core insert, from the row's own values."""
    values = context.get_current_parameters()
    return answer_sort_due(values.get("answer_due"), values.get("answer_sent_on"))


@event.listens_for(ReferralRow, "before_insert")
@event.listens_for(ReferralRow, "before_update")
def _keep_answer_sort_due(_mapper, _connection, target: ReferralRow) -> None:
    target.answer_sort_due = answer_sort_due(target.answer_due, target.answer_sent_on)
