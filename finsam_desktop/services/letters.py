"""The letters the team sends from a referral: kallelse and remissvar.

Each letter type has a template (subject and body) the team edits in the settings,
with named placeholders such as {fornamn}, {datum}, {tid}, {plats}; Swedish
default texts ship with the program. A letter is composed from the case, rendered
to PDF by reports.letters, and every letter that is printed or saved is recorded
on the case with its exact PDF bytes, so it re-opens exactly as it was sent.
"""

from __future__ import annotations

import getpass
import string
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.referral_models import (
    LetterTemplateRow,
    ReferralRow,
    SentLetterRow,
)
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.domain.organisation import Federation, Insats, Staff
from finsam_desktop.domain.referrals import ReferralStatus, SentLetter
from finsam_desktop.i18n import N_, _, format_date, locale_name
from finsam_desktop.services import organisation, persons, referrals
from finsam_desktop.services.access import Permission, current_user, log_output, require
from finsam_desktop.services.records import apply_version

KALLELSE = "kallelse"
REMISSVAR_ACCEPTED = "remissvar_antagen"
REMISSVAR_REJECTED = "remissvar_avslag"
REMISSVAR_DORMANT = "remissvar_vilande"
KINDS = (KALLELSE, REMISSVAR_ACCEPTED, REMISSVAR_REJECTED, REMISSVAR_DORMANT)

KIND_LABELS = {
    KALLELSE: N_("Invitation to information meeting (kallelse)"),
    REMISSVAR_ACCEPTED: N_("Answer to remittent: accepted"),
    REMISSVAR_REJECTED: N_("Answer to remittent: rejected"),
    REMISSVAR_DORMANT: N_("Answer to remittent: dormant"),
}

# Placeholders every template may use, with what they become (shown in the settings).
PLACEHOLDERS: dict[str, str] = {
    "fornamn": N_("the participant's first name"),
    "efternamn": N_("the participant's last name"),
    "namn": N_("the participant's full name"),
    "datum": N_("the meeting date"),
    "veckodag": N_("the weekday of the meeting"),
    "tid": N_("the meeting time"),
    "plats": N_("the meeting place with address"),
    "deltagare": N_("the staff who attend the meeting"),
    "remittent": N_("the remittent's name and party"),
    "insats": N_("the name of the insats"),
    "forbund": N_("the name of the förbund"),
    "telefon": N_("the insats's phone number"),
    "diarienummer": N_("the case number of the referral"),
    "ankomstdatum": N_("the day the referral arrived"),
    "beslutsdatum": N_("the day of the team's decision"),
    "beslut": N_("the decision (accepted, rejected, dormant)"),
    "motivering": N_("the reason given for the decision"),
    "kontaktpersoner": N_("the two contact persons and how to reach them"),
    "nasta_steg": N_("the next step"),
}

_DEFAULT_SUBJECTS = {
    KALLELSE: N_("Invitation to an information meeting about {insats}"),
    REMISSVAR_ACCEPTED: N_("Answer to referral {diarienummer}: {namn}"),
    REMISSVAR_REJECTED: N_("Answer to referral {diarienummer}: {namn}"),
    REMISSVAR_DORMANT: N_("Answer to referral {diarienummer}: {namn}"),
}

_DEFAULT_BODIES = {
    KALLELSE: N_(
        "Hello {fornamn}!\n\n"
        "You are invited to an information meeting with {insats} on {veckodag} {datum} "
        "at {tid}.\n\n"
        "Place: {plats}\n\n"
        "At the meeting you will meet {deltagare}. Your remittent {remittent} is welcome "
        "too. We will tell you about the support {insats} can give you on the way to work "
        "or studies, and how enrolment works. After the meeting you decide for yourself "
        "whether you want to take part.\n\n"
        "If you cannot come, please call us on {telefon} and we will book another time."
    ),
    REMISSVAR_ACCEPTED: N_(
        "Thank you for your referral of {namn}, which reached us on {ankomstdatum}.\n\n"
        "Decision: {beslut}. At the team meeting on {beslutsdatum}, {insats} decided to "
        "accept the referral.\n\n"
        "Contact persons:\n{kontaktpersoner}\n\n"
        "Next step: {nasta_steg}\n\n"
        "Please get in touch if you have any questions."
    ),
    REMISSVAR_REJECTED: N_(
        "Thank you for your referral of {namn}, which reached us on {ankomstdatum}.\n\n"
        "Decision: {beslut}. At the team meeting on {beslutsdatum}, {insats} decided not "
        "to accept the referral.\n\n"
        "Reason: {motivering}\n\n"
        "Next step: {nasta_steg}\n\n"
        "You are welcome to contact us to talk about other ways forward:\n{kontaktpersoner}"
    ),
    REMISSVAR_DORMANT: N_(
        "Thank you for your referral of {namn}, which reached us on {ankomstdatum}.\n\n"
        "Decision: {beslut}. At the team meeting on {beslutsdatum}, {insats} decided to "
        "let the referral rest until we have more information.\n\n"
        "What we need: {motivering}\n\n"
        "Next step: {nasta_steg}\n\n"
        "Contact persons:\n{kontaktpersoner}"
    ),
}

_DEFAULT_NEXT_STEPS = {
    REMISSVAR_ACCEPTED: N_(
        "The contact person calls the participant to book the first mapping conversation. "
        "The team also arranges registration at Arbetsförmedlingen."
    ),
    REMISSVAR_REJECTED: N_("The case stays with you as remittent."),
    REMISSVAR_DORMANT: N_(
        "Send us the missing information; the team then takes up the referral again."
    ),
}


@dataclass
class Template:
    kind: str
    subject: str
    body: str
    version: int = 0
    is_default: bool = False

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self.kind])


def default_template(kind: str) -> Template:
    return Template(kind, _(_DEFAULT_SUBJECTS[kind]), _(_DEFAULT_BODIES[kind]), 0, True)


def get_template(session: Session, kind: str) -> Template:
    if kind not in KINDS:
        raise NotFound(kind)
    row = session.get(LetterTemplateRow, kind)
    if row is None:
        return default_template(kind)
    return Template(kind, row.subject, row.body, row.version)


def list_templates(session: Session) -> list[Template]:
    return [get_template(session, kind) for kind in KINDS]


def template_problems(text: str) -> str | None:
    """What is wrong with a template text, or None: unknown placeholders, stray braces."""
    try:
        names = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return _("A { or } is not closed. Write placeholders as {fornamn}.")
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        return _("Unknown placeholder: {names}. Available: {available}.").format(
            names=", ".join("{" + n + "}" for n in unknown),
            available=", ".join("{" + n + "}" for n in PLACEHOLDERS),
        )
    return None


def save_template(session: Session, template: Template) -> Template:
    require(session, Permission.ADMINISTER)
    problems = {}
    if not template.subject.strip():
        problems["subject"] = _("Enter the subject line.")
    if not template.body.strip():
        problems["body"] = _("Enter the text of the letter.")
    for key in ("subject", "body"):
        if key not in problems and (problem := template_problems(getattr(template, key))):
            problems[key] = problem
    if problems:
        raise ValidationError(problems)
    row = session.get(LetterTemplateRow, template.kind)
    if row is None:
        row = LetterTemplateRow(kind=template.kind)
        session.add(row)
    else:
        apply_version(row, template.version)
    row.subject, row.body = template.subject.strip(), template.body.rstrip()
    session.flush()
    return get_template(session, template.kind)


def reset_template(session: Session, kind: str) -> Template:
    """Go back to the text shipped with the program."""
    require(session, Permission.ADMINISTER)
    row = session.get(LetterTemplateRow, kind)
    if row is not None:
        session.delete(row)
        session.flush()
    return default_template(kind)


class _Keep(dict):
    """Leaves an unknown placeholder as it was instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(text, (), _Keep(values))
    except (ValueError, IndexError):
        # A broken template still prints, unfilled, rather than losing the letter.
        return text


def sample_values() -> dict[str, str]:
    """Invented values for the template preview in the settings."""
    return {
        "fornamn": "Åsa",
        "efternamn": "Exempelsson",
        "namn": "Åsa Exempelsson",
        "datum": "2026-12-03",
        "veckodag": _weekday(date(2026, 12, 3)),
        "tid": "10:00",
        "plats": "Samverkansteamets lokaler, Påhittsgatan 6, 999 30 Älvsnäs",
        "deltagare": "Karin Exempeldotter och Jonas Påhittsson",
        "remittent": "Rut Remissdotter, Arbetsförmedlingen",
        "insats": "Samverkansteamet",
        "forbund": "Samordningsförbundet Exempelbygden",
        "telefon": "0999-100 00",
        "diarienummer": "R2026-00012",
        "ankomstdatum": "2026-11-16",
        "beslutsdatum": "2026-11-24",
        "beslut": ReferralStatus.ACCEPTED.label,
        "motivering": _("The person is not in contact with two parties."),
        "kontaktpersoner": "Karin Exempeldotter, tel. 0999-100 10\nJonas Påhittsson, tel. 0999-100 11",
        "nasta_steg": _(_DEFAULT_NEXT_STEPS[REMISSVAR_ACCEPTED]),
    }


def _weekday(day: date) -> str:
    from babel.dates import format_date as babel_date

    return babel_date(day, "EEEE", locale=locale_name())


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


def letterhead(federation: Federation, insats: Insats):
    from finsam_desktop.reports.letters import Letterhead

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


def _signatory(staff: Staff):
    from finsam_desktop.reports.letters import Signatory

    return Signatory(staff.name, staff.title, staff.phone, staff.email)


def _contact_line(staff: Staff) -> str:
    parts = [staff.name]
    if staff.title:
        parts.append(staff.title)
    if staff.phone:
        parts.append(_("phone {phone}").format(phone=staff.phone))
    if staff.email:
        parts.append(staff.email)
    return ", ".join(parts)


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


def compose_kallelse(session: Session, meeting_id: int, today: date) -> ComposedLetter:
    """The kallelse to the participant, with a copy to the remittent on its own page."""
    from finsam_desktop.reports.letters import Letter

    require(session, Permission.CASEWORK)
    meeting = referrals.get_meeting(session, meeting_id)
    person = persons.get_person(session, meeting.person_id)
    insats = organisation.get_insats(session, meeting.insats_id)
    federation = organisation.get_federation(session)
    staff = [organisation.get_staff(session, s) for s in (meeting.staff1_id, meeting.staff2_id)]
    template = get_template(session, KALLELSE)
    remittent = _remittent_label(session, meeting.remittent)
    values = {
        **_person_values(person),
        "datum": format_date(meeting.meeting_date),
        "veckodag": _weekday(meeting.meeting_date),
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
    subject = fill(template.subject, values)
    paragraphs = _paragraphs(fill(template.body, values))
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
        letters.append(
            Letter(
                head,
                copy_address,
                today,
                reference,
                subject,
                paragraphs,
                signatories,
                document_type=_("Kallelse"),
                copy_label=_("Copy to remittent"),
            )
        )
    return ComposedLetter(
        KALLELSE,
        person.id,
        letters,
        subject,
        reference,
        _("Participant, copy to remittent") if remittent else _("Participant"),
        info_meeting_id=meeting_id,
        warnings=warnings,
    )


def remissvar_kind(status: ReferralStatus) -> str:
    return {
        ReferralStatus.ACCEPTED: REMISSVAR_ACCEPTED,
        ReferralStatus.ENROLLED: REMISSVAR_ACCEPTED,
        ReferralStatus.REJECTED: REMISSVAR_REJECTED,
        ReferralStatus.DORMANT: REMISSVAR_DORMANT,
    }[status]


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
    template = get_template(session, kind)
    values = {
        **_person_values(person),
        "remittent": _remittent_label(session, referral.remittent),
        **_insats_values(insats, federation),
        "diarienummer": referral.case_number,
        "ankomstdatum": format_date(referral.arrived_on),
        "beslutsdatum": format_date(referral.decided_on),
        "beslut": ReferralStatus.ACCEPTED.label
        if kind == REMISSVAR_ACCEPTED
        else referral.status.label,
        "motivering": referral.decision_reason or "–",
        "kontaktpersoner": "\n".join(_contact_line(s) for s in contacts)
        or _("{insats}, phone {phone}").format(insats=insats.name, phone=insats.phone),
        "nasta_steg": referral.next_step or _(_DEFAULT_NEXT_STEPS[kind]),
    }
    recipient = _remittent_address(session, referral.remittent)
    subject = fill(template.subject, values)
    letter = Letter(
        letterhead(federation, insats),
        [line for line in recipient if line],
        today,
        referral.case_number,
        subject,
        _paragraphs(fill(template.body, values)),
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


def render(composed: ComposedLetter) -> bytes:
    from finsam_desktop.reports.letters import render_letters

    return render_letters(composed.letters)


def preview_template(session: Session, template: Template) -> bytes:
    """A PDF of the template filled with invented values (settings preview)."""
    from finsam_desktop.reports.letters import Letter, Signatory

    federation = organisation.get_federation(session)
    insatser = organisation.list_insatser(session)
    insats = insatser[0] if insatser else Insats(None, "Samverkansteamet")
    values = sample_values()
    letter = Letter(
        letterhead(federation, insats),
        ["Åsa Exempelsson", "Påhittsgatan 1", "999 99 Exempelstad"],
        date.today(),
        values["diarienummer"],
        fill(template.subject, values),
        _paragraphs(fill(template.body, values)),
        [Signatory("Karin Exempeldotter", "Arbetsspecialist", "0999-100 10")],
        document_type=_("Kallelse") if template.kind == KALLELSE else _("Remissvar"),
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
        sent_at=datetime.now().replace(microsecond=0),
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
        from sqlalchemy import or_

        stmt = stmt.where(or_(*conditions))
    stmt = stmt.order_by(s.sent_at.desc(), s.id.desc())
    return [SentLetter(*r) for r in session.execute(stmt)]


def sent_letter_pdf(session: Session, letter_id: int) -> bytes:
    require(session, Permission.CASEWORK)
    pdf = session.scalar(select(SentLetterRow.pdf).where(SentLetterRow.id == letter_id))
    if pdf is None:
        raise NotFound(letter_id)
    return pdf


def log_reprint(session: Session, letter_id: int) -> None:
    """A sent letter printed or saved again: logged as an output, not a new letter."""
    require(session, Permission.CASEWORK)
    row = session.get(SentLetterRow, letter_id)
    if row is None:
        raise NotFound(letter_id)
    log_output(session, "letter-copy:" + row.kind, row.person_id)


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind
