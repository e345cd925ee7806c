"""Half-filled forms kept in the database, so closing the window never loses them.

A form saves what is typed under its kind ("referral", ...) and the record it edits
("" for a new one); opening the form again offers to continue, and saving or
discarding the form removes the draft. A draft belongs to the signed-in account that
typed it: on a shared PC, after "Byt användare", it comes back to its owner only.
Drafts from before owners were kept (no owner) are seen by everyone, as they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.referral_models import DraftRow
from finsam_desktop.services.access import Permission, current_user, require, requires


def _owner(session: Session) -> int | None:
    user = current_user(session)
    return user.id if user is not None else None


def _mine(session: Session):
    """Drafts of the signed-in account (and the ownerless ones from before)."""
    owner = _owner(session)
    if owner is None:
        return DraftRow.user_id.is_(None)
    return or_(DraftRow.user_id == owner, DraftRow.user_id.is_(None))


@requires(Permission.CASEWORK)
def save_draft(session: Session, kind: str, record_key: str, payload: dict) -> None:
    require(session, Permission.CASEWORK)
    owner = _owner(session)
    mine = DraftRow.user_id.is_(None) if owner is None else DraftRow.user_id == owner
    row = session.scalar(
        select(DraftRow).where(DraftRow.kind == kind, DraftRow.record_key == record_key, mine)
    )
    if row is None:
        row = DraftRow(kind=kind, record_key=record_key, user_id=owner)
        session.add(row)
    row.payload = dict(payload)
    row.saved_at = datetime.now().replace(microsecond=0)
    session.flush()


@requires(Permission.CASEWORK)
def load_draft(session: Session, kind: str, record_key: str) -> tuple[dict, datetime] | None:
    require(session, Permission.CASEWORK)
    row = session.scalar(
        select(DraftRow)
        .where(DraftRow.kind == kind, DraftRow.record_key == record_key, _mine(session))
        .order_by(DraftRow.user_id.is_(None), DraftRow.saved_at.desc())
        .limit(1)
    )
    return (dict(row.payload or {}), row.saved_at) if row is not None else None


@requires(Permission.CASEWORK)
def my_drafts(session: Session) -> list[tuple[str, str, datetime]]:
    """(kind, record key, saved at) of the signed-in account's drafts, newest first."""
    require(session, Permission.CASEWORK)
    rows = session.execute(
        select(DraftRow.kind, DraftRow.record_key, DraftRow.saved_at)
        .where(_mine(session))
        .order_by(DraftRow.saved_at.desc())
    )
    return [(r.kind, r.record_key, r.saved_at) for r in rows]


@requires(Permission.CASEWORK)
def discard_draft(session: Session, kind: str, record_key: str) -> None:
    require(session, Permission.CASEWORK)
    session.execute(
        delete(DraftRow).where(
            DraftRow.kind == kind, DraftRow.record_key == record_key, _mine(session)
        )
    )
