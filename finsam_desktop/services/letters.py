"""The letters the team sends from a referral: kallelse and remissvar.

Each letter type has a template (services.letter_templates) the team edits in the
settings. A letter is composed from the case and its template, rendered
to PDF by reports.letters, and every letter that is printed or saved is recorded
on the case with its exact PDF bytes, so it re-opens exactly as it was sent.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.referral_models import (
    ReferralRow,
    SentLetterRow,
)
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.domain.letters import Letterhead, Signatory, contact_line
from finsam_desktop.domain.organisation import Federation, Insats, Staff
from finsam_desktop.domain.referrals import ReferralStatus, SentLetter
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import info_meetings, organisation, persons, referrals
from finsam_desktop.services import letter_templates as templates
from finsam_desktop.services.access import (
    Permission,
    current_user,
    no_personal_data,
    pure,
    require,
    requires,
)
from finsam_desktop.services.audit import log_output

# --- composing letters ----------------------------------------------------------------------


@dataclass
class ComposedLetter:
    """A letter ready to preview, print or save, and what to record when it is sent."""

    kind: str
    person_id: int
    letters: list  # reports.letters.Letter, one per recipient (participant, copy, ...)
    subject: str
    reference: str
    recipient: str  # who it goes to, for the case record
    referral_id: int | None = None
    info_meeting_id: int | None = None
    warnings: list[str] = field(default_factory=list)


@pure
def letterhead(federation: Federation, insats: Insats) -> Letterhead:
    address = insats.address if insats.address.lines() else federation.address
    return Letterhead(
        organisation=federation.name or insats.name,
        unit=insats.name if federation.name else "",
        address_lines=address.lines(),
        phone=insats.phone or federation.phone,
        email=insats.email or federation.email,
        website=federation.website,
        org_number=federation.org_number,
        logo_png=federation.logo_png,
    )


def _signatory(staff: Staff) -> Signatory:
    return Signatory(staff.name, staff.title, staff.phone, staff.email)


def _contact_line(staff: Staff) -> str:
    return contact_line(staff.name, staff.title, staff.phone, staff.email)


def _paragraphs(body: str) -> list[str]:
    return [p.strip("\n") for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _participant_address(person) -> list[str] | None:
    """Name and postal address; none at all for protected identity, never a personnummer."""
    address = person.postal_address()
    if address is None:
        return None
    return [person.full_name, *address.lines()]


def _remittent_label(session: Session, remittent) -> str:
    party = referrals.party_name(session, remittent.party_id)
    return ", ".join(v for v in (remittent.name, party) if v)


def _remittent_address(session: Session, remittent) -> list[str]:
    """Name, party and postal address; the party is left out when the address
    already starts with it (as "Arbetsförmedlingen Åkerby" does)."""
    party = referrals.party_name(session, remittent.party_id)
    lines = remittent.address_lines()
    head = [remittent.name]
    if party and not (lines and lines[0].lower().startswith(party.lower())):
        head.append(party)
    return [line for line in head + lines if line]


@requires(Permission.CASEWORK)
def compose_kallelse(session: Session, meeting_id: int, today: date) -> ComposedLetter:
    """The kallelse to the participant, with a copy to the remittent on its own page."""
    from finsam_desktop.reports.letters import Letter

    require(session, Permission.CASEWORK)
    meeting = info_meetings.get_meeting(session, meeting_id)
    person = persons.get_person(session, meeting.person_id)
    insats = organisation.get_insats(session, meeting.insats_id)
    federation = organisation.get_federation(session)
    staff = [organisation.get_staff(session, s) for s in (meeting.staff1_id, meeting.staff2_id)]
    template = templates.get_template(session, templates.KALLELSE)
    remittent = _remittent_label(session, meeting.remittent)
    values = {
        **_person_values(person),
        "datum": format_date(meeting.meeting_date),
        "veckodag": templates.weekday(meeting.meeting_date),
        "tid": meeting.meeting_time,
        "plats": meeting.place_description(),
        "deltagare": _("{a} and {b}").format(a=_with_title(staff[0]), b=_with_title(staff[1])),
        "remittent": remittent,
        **_insats_values(insats, federation),
    }
    referral_case = session.scalar(
        select(ReferralRow.case_number).where(ReferralRow.info_meeting_id == meeting_id).limit(1)
    )
    reference = referral_case or f"IM{meeting.meeting_date.year}-{meeting_id:05d}"
    head = letterhead(federation, insats)
    subject = templates.fill(template.subject, values)
    paragraphs = _paragraphs(templates.fill(template.body, values))
    signatories = [_signatory(s) for s in staff]
    to_person = Letter(
        head,
        _participant_address(person),
        today,
        reference,
        subject,
        paragraphs,
        signatories,
        document_type=_("Kallelse"),
        cc=[remittent] if remittent else [],
    )
    letters = [to_person]
    warnings = []
    if person.protected_identity:
        warnings.append(
            _(
                "The person has protected identity: the letter has no address. "
                "Send it through Skatteverket."
            )
        )
    elif not person.address.lines():
        warnings.append(_("The person has no postal address registered."))
    if remittent:
        copy_address = _remittent_address(session, meeting.remittent)
        # The remittent's copy: the same letter to another address, marked as a copy.
        letters.append(
            replace(to_person, recipient=copy_address, cc=[], copy_label=_("Copy to remittent"))
        )
    return ComposedLetter(
        templates.KALLELSE,
        person.id,
        letters,
        subject,
        reference,
        _("Participant, copy to remittent") if remittent else _("Participant"),
        info_meeting_id=meeting_id,
        warnings=warnings,
    )


@pure
def remissvar_kind(status: ReferralStatus) -> str:
    return {
        ReferralStatus.ACCEPTED: templates.REMISSVAR_ACCEPTED,
        ReferralStatus.ENROLLED: templates.REMISSVAR_ACCEPTED,
        ReferralStatus.REJECTED: templates.REMISSVAR_REJECTED,
        ReferralStatus.DORMANT: templates.REMISSVAR_DORMANT,
    }[status]


@requires(Permission.CASEWORK)
def compose_remissvar(session: Session, referral_id: int, today: date) -> ComposedLetter:
    """The answer to the remittent: decision, reason when it is a no, the two contact
    persons and how to reach them, and the next step."""
    from finsam_desktop.reports.letters import Letter

    require(session, Permission.CASEWORK)
    referral = referrals.get_referral(session, referral_id)
    if referral.status is ReferralStatus.RECEIVED:
        raise ValidationError.single(
            "decision", _("Record the team's decision before writing the answer.")
        )
    kind = remissvar_kind(referral.status)
    person = persons.get_person(session, referral.person_id)
    insats = organisation.get_insats(session, referral.insats_id)
    federation = organisation.get_federation(session)
    contacts = _answer_contacts(session, referral)
    template = templates.get_template(session, kind)
    values = {
        **_person_values(person),
        "remittent": _remittent_label(session, referral.remittent),
        **_insats_values(insats, federation),
        "diarienummer": referral.case_number,
        "ankomstdatum": format_date(referral.arrived_on),
        "beslutsdatum": format_date(referral.decided_on),
        "beslut": ReferralStatus.ACCEPTED.label
        if kind == templates.REMISSVAR_ACCEPTED
        else referral.status.label,
        "motivering": referral.decision_reason or "–",
        "kontaktpersoner": "\n".join(_contact_line(s) for s in contacts)
        or contact_line(insats.name, phone=insats.phone or federation.phone),
        "nasta_steg": referral.next_step or _(templates.DEFAULT_NEXT_STEPS[kind]),
    }
    recipient = _remittent_address(session, referral.remittent)
    subject = templates.fill(template.subject, values)
    letter = Letter(
        letterhead(federation, insats),
        [line for line in recipient if line],
        today,
        referral.case_number,
        subject,
        _paragraphs(templates.fill(template.body, values)),
        [_signatory(s) for s in contacts],
        document_type=_("Remissvar"),
    )
    warnings = []
    if not referral.remittent.address_lines():
        warnings.append(_("No postal address is registered for the remittent."))
    if not contacts:
        warnings.append(_("No contact persons are chosen for the answer."))
    return ComposedLetter(
        kind,
        person.id,
        [letter],
        subject,
        referral.case_number,
        _("Remittent"),
        referral_id=referral_id,
        warnings=warnings,
    )


def _answer_contacts(session: Session, referral) -> list[Staff]:
    ids = [referral.answer_contact1_id, referral.answer_contact2_id]
    if not any(ids):
        participation = referrals.participation_for_referral(session, referral.id)
        if participation is not None:
            ids = [participation.contact_person_id, participation.second_contact_person_id]
    return [organisation.get_staff(session, i) for i in ids if i]


def _person_values(person) -> dict[str, str]:
    return {"fornamn": person.first_name, "efternamn": person.last_name, "namn": person.full_name}


def _insats_values(insats: Insats, federation: Federation) -> dict[str, str]:
    return {
        "insats": insats.name,
        "forbund": federation.name,
        "telefon": insats.phone or federation.phone,
    }


def _with_title(staff: Staff) -> str:
    return f"{staff.name} ({staff.title})" if staff.title else staff.name


@pure
def render(composed: ComposedLetter) -> bytes:
    from finsam_desktop.reports.letters import render_letters

    return render_letters(composed.letters)


@no_personal_data
def preview_template(session: Session, template: templates.Template) -> bytes:
    """A PDF of the template filled with invented values (settings preview)."""
    from finsam_desktop.reports.letters import Letter

    federation = organisation.get_federation(session)
    insatser = organisation.list_insatser(session)
    insats = insatser[0] if insatser else Insats(None, "Samverkansteamet")
    values = templates.sample_values(template.kind)
    letter = Letter(
        letterhead(federation, insats),
        ["Åsa Exempelsson", "Påhittsgatan 1", "999 99 Exempelstad"],
        clock.today(),
        values["diarienummer"],
        templates.fill(template.subject, values),
        _paragraphs(templates.fill(template.body, values)),
        [Signatory("Karin Exempeldotter", "Arbetsspecialist", "0999-100 10")],
        document_type=_("Kallelse") if template.kind == templates.KALLELSE else _("Remissvar"),
    )
    from finsam_desktop.reports.letters import render_letter

    return render_letter(letter)


# --- the record of letters sent -------------------------------------------------------------


def _sender_name(session: Session) -> str:
    user = current_user(session)
    if user is not None:
        return user.display_name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


@requires(Permission.CASEWORK)
def record_sent(session: Session, composed: ComposedLetter, pdf: bytes) -> SentLetter:
    """Keep the letter exactly as sent (the PDF bytes), with what, when and by whom."""
    require(session, Permission.CASEWORK)
    if session.get(PersonRow, composed.person_id) is None:
        raise NotFound(composed.person_id)
    row = SentLetterRow(
        person_id=composed.person_id,
        referral_id=composed.referral_id,
        info_meeting_id=composed.info_meeting_id,
        kind=composed.kind,
        recipient=composed.recipient,
        subject=composed.subject,
        reference=composed.reference,
        sent_at=clock.now().replace(microsecond=0),
        sent_by=_sender_name(session),
        pdf=pdf,
    )
    session.add(row)
    session.flush()
    log_output(session, "letter:" + composed.kind, composed.person_id)
    return _sent(row)


def _sent(row: SentLetterRow) -> SentLetter:
    return SentLetter(
        row.id, row.kind, row.recipient, row.subject, row.reference, row.sent_at, row.sent_by
    )
