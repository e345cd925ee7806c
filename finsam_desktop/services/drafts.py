"""Half-filled forms kept in the database, so closing the window never loses them.

A form saves what is typed under its kind ("referral", ...) and the record it edits
("" for a new one); opening the form again offers to continue, and saving or
discarding the form removes the draft.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from finsam_desktop.db.referral_models import DraftRow
from finsam_desktop.services.access import Permission, require, requires


@requires(Permission.CASEWORK)
def save_draft(session: Session, kind: str, record_key: str, payload: dict) -> None:
    require(session, Permission.CASEWORK)
    row = session.scalar(
        select(DraftRow).where(DraftRow.kind == kind, DraftRow.record_key == record_key)
    )
    if row is None:
        row = DraftRow(kind=kind, record_key=record_key)
        session.add(row)
    row.payload = dict(payload)
    row.saved_at = datetime.now().replace(microsecond=0)
    session.flush()


@requires(Permission.CASEWORK)
def load_draft(session: Session, kind: str, record_key: str) -> tuple[dict, datetime] | None:
    require(session, Permission.CASEWORK)
    row = session.scalar(
        select(DraftRow).where(DraftRow.kind == kind, DraftRow.record_key == record_key)
    )
    return (dict(row.payload or {}), row.saved_at) if row is not None else None


@requires(Permission.CASEWORK)
def discard_draft(session: Session, kind: str, record_key: str) -> None:
    require(session, Permission.CASEWORK)
    session.execute(
        delete(DraftRow).where(DraftRow.kind == kind, DraftRow.record_key == record_key)
    )
