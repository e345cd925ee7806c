"""Accounts and the access log (see services/accounts.py and services/audit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from finsam_desktop.db.models import Base, Versioned, sort_key


class UserRow(Versioned, Base):
    """A person who signs in. Never deleted (the access log names them); deactivated."""

    __tablename__ = "users"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(String(200), default="")
    display_name_key: Mapped[str] = mapped_column(sort_key(200), index=True, default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A reset password is temporary: the user chooses a new one at the next login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    wait_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class AuditRow(Base):
    """One entry of the access log. Append-only: each row carries the hash of the row
    before it and of its own content (services.log_review.verify_chain checks the chain)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_person_at", "person_id", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # no FK: kept forever
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(20), index=True)
    table_name: Mapped[str] = mapped_column(String(64), default="")
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    what: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AccountInsatsRow(Base):
    """An insats an account works in. On a PostgreSQL server with per-account roles
    (``db/server_roles.py``) a coordinator reaches only the persons and cases of the
    insatser listed here; in a database file the whole team sees everything."""

    __tablename__ = "account_insats"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    insats_id: Mapped[int] = mapped_column(
        ForeignKey("insats.id", ondelete="CASCADE"), primary_key=True, index=True
    )
