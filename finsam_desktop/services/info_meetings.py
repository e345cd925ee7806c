"""Information meetings (informationsmöte, seed 002 Bilaga I step 1) and what the
meeting and the referral forms share: the person found by personnummer or created,
and the remittent.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.referral_models import InfoMeetingRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import MeetingPlace, PostalAddress
from finsam_desktop.domain.personnummer import InvalidPersonnummer, parse_personnummer
from finsam_desktop.domain.persons import Person
from finsam_desktop.domain.referrals import InfoMeeting, MeetingOutcome, Remittent
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation, persons
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.audit import shows_person
from finsam_desktop.services.records import apply_version, existing_row

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


# --- persons: found by personnummer or created ------------------------------------------


@requires(Permission.CASEWORK)
def resolve_person(
    session: Session, personnummer_text: str, new_person: Person | None, today: date
) -> tuple[Person | None, dict[str, str]]:
    """The person with this number, else ``new_person`` created; problems per field."""
    try:
        number = parse_personnummer(personnummer_text, today)
    except InvalidPersonnummer as exc:
        return None, {"personnummer": str(exc)}
    found = persons.find_by_personnummer(session, number.digits)
    if found is not None:
        return found, {}
    if new_person is None:
        return None, {
            "personnummer": _("No person has this number. Enter the name to register the person.")
        }
    try:
        created = persons.save_person(session, new_person, number.digits)
    except ValidationError as exc:
        return None, exc.problems
    return created, {}


# --- remittent ------------------------------------------------------------------------------


@pure
def remittent_problems(remittent: Remittent) -> dict[str, str]:
    problems = {}
    if not remittent.name.strip():
        problems["remittent_name"] = _("Enter the remittent's name.")
    if remittent.party_id is None:
        problems["remittent_party_id"] = _("Choose the remittent's party.")
    if remittent.email.strip() and "@" not in remittent.email:
        problems["remittent_email"] = _("The e-mail address must contain @.")
    return problems


@pure
def store_remittent(row, remittent: Remittent) -> None:
    row.remittent_party_id = remittent.party_id
    row.remittent_name = remittent.name.strip()
    row.remittent_phone = remittent.phone.strip()
    row.remittent_email = remittent.email.strip()
    row.remittent_address = "\n".join(remittent.address_lines())


@pure
def remittent_of(row) -> Remittent:
    return Remittent(
        row.remittent_party_id,
        row.remittent_name,
        row.remittent_phone,
        row.remittent_email,
        row.remittent_address,
    )


# --- information meetings ----------------------------------------------------------------


def _meeting(row: InfoMeetingRow) -> InfoMeeting:
    return InfoMeeting(
        id=row.id,
        person_id=row.person_id,
        insats_id=row.insats_id,
        meeting_date=row.meeting_date,
        meeting_time=row.meeting_time,
        staff1_id=row.staff1_id,
        staff2_id=row.staff2_id,
        place_name=row.place_name,
        place_address=PostalAddress(row.place_street, row.place_postcode, row.place_city),
        remittent=remittent_of(row),
        outcome=MeetingOutcome(row.outcome or ""),
        notes=row.notes,
        version=row.version,
    )


@requires(Permission.CASEWORK)
@shows_person("info-meeting")
def get_meeting(session: Session, meeting_id: int) -> InfoMeeting:
    require(session, Permission.CASEWORK)
    row = existing_row(session, InfoMeetingRow, meeting_id)
    return _meeting(row)


@requires(Permission.CASEWORK)
@shows_person("info-meetings")
def meetings_for_person(session: Session, person_id: int) -> list[InfoMeeting]:
    require(session, Permission.CASEWORK)
    stmt = (
        select(InfoMeetingRow)
        .where(InfoMeetingRow.person_id == person_id)
        .order_by(InfoMeetingRow.meeting_date.desc(), InfoMeetingRow.id.desc())
    )
    return [_meeting(r) for r in session.scalars(stmt)]


@requires(Permission.CASEWORK)
def proposed_place(
    session: Session, insats_id: int, municipality_id: int | None
) -> MeetingPlace | None:
    """The meeting place the insats's rule gives for this home municipality, or None."""
    require(session, Permission.CASEWORK)
    insats = organisation.get_insats(session, insats_id)
    return insats.meeting_place_for(municipality_id)


@requires(Permission.CASEWORK)
def save_meeting(
    session: Session,
    meeting: InfoMeeting,
    personnummer_text: str | None = None,
    new_person: Person | None = None,
    today: date | None = None,
) -> InfoMeeting:
    """Book or change an information meeting. The person is found by personnummer
    (or created) when ``personnummer_text`` is given."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    problems: dict[str, str] = {}
    person_id = meeting.person_id
    if personnummer_text is not None:
        person, person_problems = resolve_person(session, personnummer_text, new_person, today)
        problems.update(person_problems)
        person_id = person.id if person else None
    if meeting.insats_id is None:
        problems["insats_id"] = _("Choose the insats.")
    if not _TIME.match((meeting.meeting_time or "").strip()):
        problems["meeting_time"] = _("Enter the time as HH:MM, for example 09:30.")
    if meeting.staff1_id is None:
        problems["staff1_id"] = _("Choose the first staff member who will attend.")
    if meeting.staff2_id is None:
        problems["staff2_id"] = _(
            "Two staff members attend an information meeting: choose the second."
        )
    elif meeting.staff1_id == meeting.staff2_id:
        problems["staff2_id"] = _("The two attending staff members must be different people.")
    if not (meeting.place_name.strip() or meeting.place_address.street.strip()):
        problems["place_name"] = _("Enter where the meeting is held.")
    problems.update(
        {
            k: v
            for k, v in remittent_problems(meeting.remittent).items()
            if k != "remittent_party_id"
        }
    )
    if problems:
        raise ValidationError(problems)
    if meeting.id is None:
        row = InfoMeetingRow()
        session.add(row)
    else:
        row = existing_row(session, InfoMeetingRow, meeting.id)
        apply_version(row, meeting.version)
    hours, minutes = _TIME.match(meeting.meeting_time.strip()).groups()
    row.person_id = person_id
    row.insats_id = meeting.insats_id
    row.meeting_date = meeting.meeting_date
    row.meeting_time = f"{int(hours):02d}:{minutes}"
    row.staff1_id, row.staff2_id = meeting.staff1_id, meeting.staff2_id
    row.place_name = meeting.place_name.strip()
    row.place_street = meeting.place_address.street.strip()
    row.place_postcode = meeting.place_address.postcode.strip()
    row.place_city = meeting.place_address.city.strip()
    store_remittent(row, meeting.remittent)
    row.outcome = MeetingOutcome(meeting.outcome).value
    row.notes = meeting.notes.strip()
    session.flush()
    return _meeting(row)


@requires(Permission.CASEWORK)
def record_meeting_outcome(
    session: Session, meeting_id: int, outcome: MeetingOutcome, version: int = 0
) -> InfoMeeting:
    require(session, Permission.CASEWORK)
    row = existing_row(session, InfoMeetingRow, meeting_id)
    apply_version(row, version)
    row.outcome = MeetingOutcome(outcome).value
    session.flush()
    return _meeting(row)
