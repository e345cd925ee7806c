"""The letters the program has sent, kept on the case exactly as they went out: the list
on a person, referral or information meeting, the stored PDF, and a reprint (logged as
an output, not as a new letter). Composing and sending is ``letters.py``.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.referral_models import ReferralRow, SentLetterRow
from finsam_desktop.domain.errors import NotFound
from finsam_desktop.domain.referrals import SentLetter
from finsam_desktop.services.access import Permission, require, requires
from finsam_desktop.services.audit import log_output, shows_person
from finsam_desktop.services.records import existing_row


@requires(Permission.CASEWORK)
@shows_person("letters")
def sent_letters(
    session: Session,
    person_id: int | None = None,
    referral_id: int | None = None,
    info_meeting_id: int | None = None,
) -> list[SentLetter]:
    """Letters sent on a case, newest first (without the PDF bytes)."""
    require(session, Permission.CASEWORK)
    s = SentLetterRow
    stmt = select(s.id, s.kind, s.recipient, s.subject, s.reference, s.sent_at, s.sent_by)
    if person_id is not None:
        stmt = stmt.where(s.person_id == person_id)
    if referral_id is not None or info_meeting_id is not None:
        conditions = []
        if referral_id is not None:
            conditions.append(s.referral_id == referral_id)
            meeting = session.scalar(
                select(ReferralRow.info_meeting_id).where(ReferralRow.id == referral_id)
            )
            if meeting is not None:
                conditions.append(s.info_meeting_id == meeting)
        if info_meeting_id is not None:
            conditions.append(s.info_meeting_id == info_meeting_id)
        stmt = stmt.where(or_(*conditions))
    stmt = stmt.order_by(s.sent_at.desc(), s.id.desc())
    return [SentLetter(*r) for r in session.execute(stmt)]


@requires(Permission.CASEWORK)
@shows_person("letter")
def sent_letter_pdf(session: Session, letter_id: int) -> bytes:
    require(session, Permission.CASEWORK)
    pdf = session.scalar(select(SentLetterRow.pdf).where(SentLetterRow.id == letter_id))
    if pdf is None:
        raise NotFound(letter_id)
    return pdf


@requires(Permission.CASEWORK)
def log_reprint(session: Session, letter_id: int) -> None:
    """A sent letter printed or saved again: logged as an output, not a new letter."""
    require(session, Permission.CASEWORK)
    row = existing_row(session, SentLetterRow, letter_id)
    log_output(session, "letter-copy:" + row.kind, row.person_id)
