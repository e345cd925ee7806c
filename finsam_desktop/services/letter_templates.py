"""Letter templates: the subject and body of each letter type, with named placeholders
({fornamn}, {datum}, {tid}, {plats}, ...) that the team edits in the settings. Swedish
default texts ship with the program (English source text, translated)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from finsam_desktop.db.referral_models import LetterTemplateRow
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.domain.referrals import ReferralStatus
from finsam_desktop.i18n import N_, _, locale_name
from finsam_desktop.services.access import Permission, no_personal_data, pure, require, requires
from finsam_desktop.services.records import ConcurrentChange, apply_version

KALLELSE = "kallelse"
REMISSVAR_ACCEPTED = "remissvar_antagen"
REMISSVAR_REJECTED = "remissvar_avslag"
REMISSVAR_DORMANT = "remissvar_vilande"
KINDS = (KALLELSE, REMISSVAR_ACCEPTED, REMISSVAR_REJECTED, REMISSVAR_DORMANT)
# Letters with no editable template: the closing summary to the remittent.
CLOSING_SUMMARY = "closing_summary"

KIND_LABELS = {
    KALLELSE: N_("Invitation to information meeting (kallelse)"),
    REMISSVAR_ACCEPTED: N_("Answer to remittent: accepted"),
    REMISSVAR_REJECTED: N_("Answer to remittent: rejected"),
    REMISSVAR_DORMANT: N_("Answer to remittent: dormant"),
    CLOSING_SUMMARY: N_("Closing summary to the remittent"),
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

DEFAULT_NEXT_STEPS = {
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


@pure
def default_template(kind: str) -> Template:
    return Template(kind, _(_DEFAULT_SUBJECTS[kind]), _(_DEFAULT_BODIES[kind]), 0, True)


@no_personal_data
def get_template(session: Session, kind: str) -> Template:
    if kind not in KINDS:
        raise NotFound(kind)
    row = session.get(LetterTemplateRow, kind)
    if row is None:
        return default_template(kind)
    return Template(kind, row.subject, row.body, row.version)


@pure
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


@requires(Permission.ADMINISTER)
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
    elif not template.version:
        # The form showed the shipped text, but someone has saved the template since.
        raise ConcurrentChange()
    else:
        apply_version(row, template.version)
    row.subject, row.body = template.subject.strip(), template.body.rstrip()
    session.flush()
    return get_template(session, template.kind)


@requires(Permission.ADMINISTER)
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


@pure
def fill(text: str, values: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(text, (), _Keep(values))
    except (ValueError, IndexError):
        # A broken template still prints, unfilled, rather than losing the letter.
        return text


@pure
def sample_values(kind: str = REMISSVAR_ACCEPTED) -> dict[str, str]:
    """Invented values for the template preview in the settings; the decision and the
    next steps are those of ``kind`` (an avslag letter is previewed as an avslag)."""
    decision = {
        REMISSVAR_REJECTED: ReferralStatus.REJECTED,
        REMISSVAR_DORMANT: ReferralStatus.DORMANT,
    }.get(kind, ReferralStatus.ACCEPTED)
    return {
        "fornamn": "Åsa",
        "efternamn": "Exempelsson",
        "namn": "Åsa Exempelsson",
        "datum": "2026-12-03",
        "veckodag": weekday(date(2026, 12, 3)),
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
        "beslut": decision.label,
        "motivering": _("The person is not in contact with two parties."),
        "kontaktpersoner": "Karin Exempeldotter, tel. 0999-100 10\nJonas Påhittsson, tel. 0999-100 11",
        "nasta_steg": _(DEFAULT_NEXT_STEPS.get(kind, DEFAULT_NEXT_STEPS[REMISSVAR_ACCEPTED])),
    }


@pure
def weekday(day: date) -> str:
    from babel.dates import format_date as babel_date

    return babel_date(day, "EEEE", locale=locale_name())


@pure
def kind_label(kind: str) -> str:
    """What a letter kind is called, wherever a person reads it (the list of sent
    letters, a window title, the registerutdrag); never the stored code."""
    if kind in KIND_LABELS:
        return _(KIND_LABELS[kind])
    return _("Letter")
