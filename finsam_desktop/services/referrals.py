"""The front door after the information meeting (services.info_meetings): referrals,
the team's decision, the answer to the remittent and enrolment (seed 002, Bilaga I,
steps 2–3).

Every function takes the Session first and checks the CASEWORK permission; the UI
calls them through the operation runner. ``today`` is a parameter wherever the
answer deadline matters, so tests and the Översikt page agree on what "today" is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import (
    ParticipationRow,
    ReferralPartyContactRow,
    ReferralRow,
)
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.krans import FULL_PROCESS
from finsam_desktop.domain.persons import Person
from finsam_desktop.domain.referrals import (
    DUE_SOON_DAYS,
    Decision,
    DecisionInput,
    DueAnswer,
    InfoMeeting,
    Participation,
    ParticipationStatus,
    Referral,
    ReferralStatus,
    RuleCheck,
    SentLetter,
    answer_due_date,
    check_eligibility,
    planned_end,
    unmet,
)
from finsam_desktop.i18n import _
from finsam_desktop.services import letter_archive, organisation, persons
from finsam_desktop.services.access import (
    Permission,
    no_personal_data,
    pure,
    require,
    requires,
)
from finsam_desktop.services.audit import log_view, shows_person
from finsam_desktop.services.info_meetings import (
    get_meeting,
    remittent_of,
    remittent_problems,
    resolve_person,
    store_remittent,
)
from finsam_desktop.services.records import apply_version, existing_row

OPEN_STATUSES = tuple(s.value for s in ReferralStatus if s.is_open)


# --- referrals ------------------------------------------------------------------------------


def _referral(session: Session, row: ReferralRow) -> Referral:
    parties = session.scalars(
        select(ReferralPartyContactRow.party_id)
        .where(ReferralPartyContactRow.referral_id == row.id)
        .order_by(ReferralPartyContactRow.party_id)
    ).all()
    return Referral(
        id=row.id,
        person_id=row.person_id,
        insats_id=row.insats_id,
        arrived_on=row.arrived_on,
        remittent=remittent_of(row),
        parties_in_contact=list(parties),
        reason=row.reason,
        consent=row.consent,
        consent_on=row.consent_on,
        info_meeting_id=row.info_meeting_id,
        municipality_id=row.municipality_id,
        case_number=row.case_number,
        answer_due=row.answer_due,
        status=ReferralStatus(row.status),
        decided_on=row.decided_on,
        decision_reason=row.decision_reason,
        next_step=row.next_step,
        exclusions_applying=list(row.exclusions_applying or []),
        override_motivation=row.override_motivation,
        answer_sent_on=row.answer_sent_on,
        answer_contact1_id=row.answer_contact1_id,
        answer_contact2_id=row.answer_contact2_id,
        version=row.version,
    )


def _referral_row(session: Session, referral_id: int) -> ReferralRow:
    row = existing_row(session, ReferralRow, referral_id)
    return row


@requires(Permission.CASEWORK)
def get_referral(session: Session, referral_id: int) -> Referral:
    require(session, Permission.CASEWORK)
    return _referral(session, _referral_row(session, referral_id))


@requires(Permission.CASEWORK)
@shows_person("referrals")
def referrals_for_person(session: Session, person_id: int) -> list[Referral]:
    require(session, Permission.CASEWORK)
    stmt = (
        select(ReferralRow)
        .where(ReferralRow.person_id == person_id)
        .order_by(ReferralRow.arrived_on.desc(), ReferralRow.id.desc())
    )
    return [_referral(session, r) for r in session.scalars(stmt)]


@no_personal_data
def next_case_number(session: Session, year: int) -> str:
    """R2026-00001, R2026-00002, ... one series per year."""
    from finsam_desktop.db.server_roles import last_case_number

    prefix = f"R{year}-"
    last = last_case_number(session, prefix)
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:05d}"


@requires(Permission.CASEWORK)
def open_referral_for(
    session: Session, person_id: int, insats_id: int, except_id: int | None = None
) -> str | None:
    """The case number of the person's open referral to the insats, or of the open
    referral whose participation is still running; None if there is none."""
    r = ReferralRow
    stmt = select(r.case_number).where(
        r.person_id == person_id,
        r.insats_id == insats_id,
        r.id != (except_id or 0),
        r.status.in_(OPEN_STATUSES),
    )
    found = session.scalar(stmt.limit(1))
    if found:
        return found
    enrolled = session.scalar(
        select(r.case_number)
        .join(ParticipationRow, ParticipationRow.referral_id == r.id)
        .where(
            r.person_id == person_id,
            r.insats_id == insats_id,
            r.id != (except_id or 0),
            ParticipationRow.status == ParticipationStatus.ENROLLED.value,
        )
        .limit(1)
    )
    return enrolled


@requires(Permission.CASEWORK)
def save_referral(
    session: Session,
    referral: Referral,
    personnummer_text: str | None = None,
    new_person: Person | None = None,
    today: date | None = None,
) -> Referral:
    """Register or correct a referral. A new one gets its case number and answer due
    date (``answer_days`` after it arrived); the home municipality defaults to the
    person's."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    problems: dict[str, str] = {}
    person_id = referral.person_id
    if personnummer_text is not None:
        person, person_problems = resolve_person(session, personnummer_text, new_person, today)
        problems.update(person_problems)
        person_id = person.id if person else None
    elif person_id is None:
        problems["personnummer"] = _("Enter a personal identity number.")
    insats_row = session.get(InsatsRow, referral.insats_id) if referral.insats_id else None
    if insats_row is None:
        problems["insats_id"] = _("Choose the insats.")
    if referral.arrived_on > today:
        problems["arrived_on"] = _("The day the referral arrived cannot be in the future.")
    problems.update(remittent_problems(referral.remittent))
    if referral.consent and referral.consent_on is None:
        problems["consent_on"] = _("Enter the date the written consent was given.")
    if referral.consent_on is not None and referral.consent_on > today:
        problems["consent_on"] = _("The date of consent cannot be in the future.")
    if person_id is not None and insats_row is not None and "personnummer" not in problems:
        clash = open_referral_for(session, person_id, insats_row.id, referral.id)
        if clash:
            problems["personnummer"] = _(
                "The person already has an open referral to this insats ({case}). "
                "Open that one instead."
            ).format(case=clash)
    if problems:
        raise ValidationError(problems)
    municipality_id = referral.municipality_id
    if municipality_id is None:
        municipality_id = session.scalar(
            select(PersonRow.municipality_id).where(PersonRow.id == person_id)
        )
    if referral.id is None:
        row = ReferralRow(
            case_number=next_case_number(session, referral.arrived_on.year),
            status=ReferralStatus.RECEIVED.value,
        )
        session.add(row)
    else:
        row = _referral_row(session, referral.id)
        apply_version(row, referral.version)
    row.person_id = person_id
    row.insats_id = insats_row.id
    row.info_meeting_id = referral.info_meeting_id
    row.municipality_id = municipality_id
    row.arrived_on = referral.arrived_on
    row.answer_due = answer_due_date(referral.arrived_on, insats_row.answer_days)
    store_remittent(row, referral.remittent)
    row.reason = referral.reason.strip()
    row.consent = referral.consent
    row.consent_on = referral.consent_on if referral.consent else None
    session.flush()
    session.execute(
        delete(ReferralPartyContactRow).where(ReferralPartyContactRow.referral_id == row.id)
    )
    for party_id in sorted(set(referral.parties_in_contact)):
        session.add(ReferralPartyContactRow(referral_id=row.id, party_id=party_id))
    session.flush()
    return _referral(session, row)


# --- bedömning ------------------------------------------------------------------------------


@requires(Permission.CASEWORK)
def eligibility(
    session: Session,
    referral_id: int,
    exclusions_applying: list[str] | None = None,
    on_day: date | None = None,
) -> list[RuleCheck]:
    """The insats's eligibility checklist for this referral (age on the day it arrived)."""
    require(session, Permission.CASEWORK)
    row = _referral_row(session, referral_id)
    insats = organisation.get_insats(session, row.insats_id)
    person = persons.get_person(session, row.person_id)
    parties = session.scalar(
        select(func.count())
        .select_from(ReferralPartyContactRow)
        .where(ReferralPartyContactRow.referral_id == referral_id)
    )
    chosen = row.exclusions_applying if exclusions_applying is None else exclusions_applying
    age = person.personnummer.age_on(on_day or row.arrived_on)
    return check_eligibility(insats, age, parties or 0, list(chosen or []))


@requires(Permission.CASEWORK)
def decide(
    session: Session, referral_id: int, decision: DecisionInput, version: int = 0, today=None
) -> Referral:
    """Record the team's decision. An unmet eligibility rule does not block acceptance
    but needs a written motivation; a rejection needs its reason."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    # Combo boxes hand back the plain string value of the enum.
    decision.decision = Decision(decision.decision)
    row = _referral_row(session, referral_id)
    apply_version(row, version)
    problems: dict[str, str] = {}
    if row.status == ReferralStatus.ENROLLED.value:
        problems["decision"] = _("The person is already enrolled; the decision cannot change.")
    if decision.decided_on > today:
        problems["decided_on"] = _("The date of the decision cannot be in the future.")
    if decision.decided_on < row.arrived_on:
        problems["decided_on"] = _("The decision cannot be made before the referral arrived.")
    if decision.decision == Decision.REJECT and not decision.reason.strip():
        problems["reason"] = _("Write the reason for the rejection; it goes in the answer.")
    if decision.decision == Decision.ACCEPT:
        failing = unmet(eligibility(session, referral_id, decision.exclusions_applying))
        if failing and not decision.override_motivation.strip():
            problems["override_motivation"] = _(
                "Not every eligibility rule is met ({rules}). Write why the team accepts "
                "the referral anyway."
            ).format(rules="; ".join(c.text for c in failing))
    c1, c2 = decision.answer_contact1_id, decision.answer_contact2_id
    if c1 is not None and c1 == c2:
        problems["answer_contact2_id"] = _("The two contact persons must be different people.")
    if problems:
        raise ValidationError(problems)
    row.status = ReferralStatus(decision.decision.value).value
    row.decided_on = decision.decided_on
    row.decision_reason = decision.reason.strip()
    row.next_step = decision.next_step.strip()
    row.exclusions_applying = list(decision.exclusions_applying)
    row.override_motivation = decision.override_motivation.strip()
    row.answer_contact1_id, row.answer_contact2_id = c1, c2
    session.flush()
    return _referral(session, row)


@requires(Permission.CASEWORK)
def record_answer_sent(
    session: Session, referral_id: int, sent_on: date, today: date | None = None
) -> Referral:
    """The day the remissvar went to the remittent; the referral leaves the due list."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    row = _referral_row(session, referral_id)
    if sent_on > today:
        raise ValidationError.single("answer_sent_on", _("The day cannot be in the future."))
    if sent_on < row.arrived_on:
        raise ValidationError.single(
            "answer_sent_on", _("The answer cannot be sent before the referral arrived.")
        )
    if row.status == ReferralStatus.RECEIVED.value:
        raise ValidationError.single(
            "answer_sent_on", _("Record the team's decision before the answer is sent.")
        )
    row.answer_sent_on = sent_on
    session.flush()
    return _referral(session, row)


@pure
def due_answers_select(today: date, within_days: int = DUE_SOON_DAYS) -> Select:
    """Referrals whose remissvar is not sent and is overdue or due within ``within_days``
    (most urgent first): ``due_answers`` lists them, Översikt counts them and lists the
    first few (``reminders``)."""
    from datetime import timedelta

    return due_answers_until(today + timedelta(days=within_days))


@pure
def due_answers_until(until: Any) -> Select:
    """``due_answers_select`` for the remissvar due by ``until`` (a date, or a bound
    parameter for a statement built once: ``reminders``)."""
    r, p, i = ReferralRow, PersonRow, InsatsRow
    return (
        due_answer_ids(until)
        .add_columns(r.case_number, r.arrived_on, r.answer_due, p.first_name, p.last_name)
        .add_columns(i.name.label("insats"))
        .join(p, p.id == r.person_id)
        .order_by(r.answer_due, r.id)
    )


@pure
def due_answer_ids(until: Any) -> Select:
    """The ids of ``due_answers_until``'s referrals, without their persons: what counts
    them. Every referral has its person (a foreign key), and an account under row-level
    security sees the person of every referral it sees (the person policy follows the
    person's links), so the same rows without a look-up of each one's person."""
    r, i = ReferralRow, InsatsRow
    return (
        select(r.id)
        .join(i, i.id == r.insats_id)
        .where(
            r.answer_sent_on.is_(None),
            r.answer_due <= until,
            i.process_profile == FULL_PROCESS,  # a local model sends no remissvar
        )
    )


@requires(Permission.CASEWORK)
def due_answers(session: Session, today: date, within_days: int = DUE_SOON_DAYS) -> list[DueAnswer]:
    """Referrals whose remissvar is not sent and is overdue or due within
    ``within_days``; most urgent first."""
    require(session, Permission.CASEWORK)
    return [
        DueAnswer(
            referral_id=x.id,
            person_name=f"{x.first_name} {x.last_name}",
            insats_name=x.insats,
            arrived_on=x.arrived_on,
            due=x.answer_due,
            days_left=(x.answer_due - today).days,
            case_number=x.case_number,
        )
        for x in session.execute(due_answers_select(today, within_days))
    ]


# --- inskrivning ----------------------------------------------------------------------------


def _participation(row: ParticipationRow) -> Participation:
    return Participation(
        id=row.id,
        person_id=row.person_id,
        insats_id=row.insats_id,
        referral_id=row.referral_id,
        status=ParticipationStatus(row.status),
        enrolled_on=row.enrolled_on,
        planned_end=row.planned_end,
        contact_person_id=row.contact_person_id,
        second_contact_person_id=row.second_contact_person_id,
        af_registered=row.af_registered,
        version=row.version,
    )


@requires(Permission.CASEWORK)
def participation_for_referral(session: Session, referral_id: int) -> Participation | None:
    require(session, Permission.CASEWORK)
    row = session.scalar(
        select(ParticipationRow).where(ParticipationRow.referral_id == referral_id)
    )
    return _participation(row) if row else None


@requires(Permission.CASEWORK)
def enrol(
    session: Session,
    referral_id: int,
    contact_person_id: int | None,
    second_contact_person_id: int | None,
    enrolled_on: date,
    af_registered: bool = False,
    today: date | None = None,
) -> Participation:
    """Enrol the person of an accepted referral. The planned end date follows from the
    insats's ``enrolment_months`` (one year for Samverkansteamet)."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    row = _referral_row(session, referral_id)
    problems: dict[str, str] = {}
    if row.status != ReferralStatus.ACCEPTED.value:
        problems["referral"] = (
            _("The person is already enrolled.")
            if row.status == ReferralStatus.ENROLLED.value
            else _("Only an accepted referral can lead to enrolment.")
        )
    if contact_person_id is None:
        problems["contact_person_id"] = _("Choose the contact person.")
    if second_contact_person_id is None:
        problems["second_contact_person_id"] = _("Choose the second contact person.")
    elif contact_person_id == second_contact_person_id:
        problems["second_contact_person_id"] = _(
            "The contact person and the second contact person must be different people."
        )
    for key, staff_id in (
        ("contact_person_id", contact_person_id),
        ("second_contact_person_id", second_contact_person_id),
    ):
        if staff_id is not None and key not in problems:
            staff = session.get(StaffRow, staff_id)
            if staff is None or not staff.active:
                problems[key] = _("Choose a staff member who is still active.")
    if enrolled_on > today:
        problems["enrolled_on"] = _("The enrolment date cannot be in the future.")
    elif enrolled_on < row.arrived_on:
        problems["enrolled_on"] = _("The enrolment cannot be before the referral arrived.")
    if problems:
        raise ValidationError(problems)
    insats = organisation.get_insats(session, row.insats_id)
    participation = ParticipationRow(
        person_id=row.person_id,
        insats_id=row.insats_id,
        referral_id=row.id,
        status=ParticipationStatus.ENROLLED.value,
        enrolled_on=enrolled_on,
        planned_end=planned_end(enrolled_on, insats),
        contact_person_id=contact_person_id,
        second_contact_person_id=second_contact_person_id,
        af_registered=af_registered,
    )
    session.add(participation)
    row.status = ReferralStatus.ENROLLED.value
    session.flush()
    return _participation(participation)


@requires(Permission.CASEWORK)
def update_participation_start(
    session: Session, participation: Participation, today: date | None = None
) -> Participation:
    """Correct the contact persons, AF registration or enrolment date after enrolment."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    row = existing_row(session, ParticipationRow, participation.id)
    apply_version(row, participation.version)
    problems = {}
    if participation.contact_person_id == participation.second_contact_person_id:
        problems["second_contact_person_id"] = _(
            "The contact person and the second contact person must be different people."
        )
    if participation.enrolled_on > today:
        problems["enrolled_on"] = _("The enrolment date cannot be in the future.")
    if problems:
        raise ValidationError(problems)
    insats = organisation.get_insats(session, row.insats_id)
    if participation.enrolled_on != row.enrolled_on:
        row.planned_end = planned_end(participation.enrolled_on, insats)
    row.enrolled_on = participation.enrolled_on
    row.contact_person_id = participation.contact_person_id
    row.second_contact_person_id = participation.second_contact_person_id
    row.af_registered = participation.af_registered
    session.flush()
    return _participation(row)


# --- names for screens and letters -----------------------------------------------------------


@no_personal_data
def party_name(session: Session, party_id: int | None) -> str:
    if party_id is None:
        return ""
    row = session.get(PartyRow, party_id)
    return row.name if row else ""


@no_personal_data
def municipality_name(session: Session, municipality_id: int | None) -> str:
    if municipality_id is None:
        return ""
    row = session.get(MunicipalityRow, municipality_id)
    return row.name if row else ""


# --- the referral screen ----------------------------------------------------------------------


@dataclass
class ReferralCase:
    """Everything the referral screen shows, read in one go."""

    referral: Referral
    person: Person
    insats_name: str
    municipality: str
    remittent_party: str
    parties_in_contact: list[str]
    meeting: InfoMeeting | None
    meeting_staff: list[str]
    participation: Participation | None
    staff_names: dict[int, str]
    checks: list[RuleCheck]
    letters: list[SentLetter]


@requires(Permission.CASEWORK)
def get_referral_case(session: Session, referral_id: int) -> ReferralCase:
    """Read the referral screen's content and log that the case was opened."""
    require(session, Permission.CASEWORK)
    referral = get_referral(session, referral_id)
    person = persons.get_person(session, referral.person_id)
    log_view(session, person.id, "referral")
    meeting = get_meeting(session, referral.info_meeting_id) if referral.info_meeting_id else None
    participation = participation_for_referral(session, referral_id)
    staff_names = {s.id: s.name for s in organisation.list_staff(session, include_retired=True)}
    party_names = {p.id: p.name for p in organisation.list_parties(session, include_retired=True)}
    return ReferralCase(
        referral=referral,
        person=person,
        insats_name=organisation.get_insats(session, referral.insats_id).name,
        municipality=municipality_name(session, referral.municipality_id),
        remittent_party=party_names.get(referral.remittent.party_id, ""),
        parties_in_contact=[party_names.get(p, "") for p in referral.parties_in_contact],
        meeting=meeting,
        meeting_staff=[
            staff_names.get(meeting.staff1_id, ""),
            staff_names.get(meeting.staff2_id, ""),
        ]
        if meeting
        else [],
        participation=participation,
        staff_names=staff_names,
        checks=eligibility(session, referral_id),
        letters=letter_archive.sent_letters(session, referral_id=referral_id),
    )
