"""Avslut: situation at entry and exit, the closing summary and letter to the remittent,
the closing meeting, and reopening with a recorded reason."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import (
    CaseContactRow,
    CaseEventRow,
    CaseFileRow,
    CaseOptionRow,
    MappingSessionRow,
)
from finsam_desktop.db.models import FederationRow, InsatsRow, StaffRow
from finsam_desktop.db.referral_models import SentLetterRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.casework import CaseStatus, Counterpart, TimelineKind
from finsam_desktop.domain.closing import (
    Closing,
    ClosingLetterData,
    Situation,
    check_closing,
    check_reopen,
    check_situation,
)
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import letter_templates
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.audit import shows_person
from finsam_desktop.services.casework import (
    case_file,
    get_participation,
    participation_row,
    record_printout,
    require_open,
)
from finsam_desktop.services.plans import current_plan, list_study_support, list_work_training
from finsam_desktop.services.records import check_unchanged

CLOSING_LETTER_KIND = letter_templates.CLOSING_SUMMARY


def _names(session: Session, *ids) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(
        select(CaseOptionRow.id, CaseOptionRow.name).where(CaseOptionRow.id.in_(wanted))
    )
    return dict(rows.all())


@requires(Permission.CASEWORK)
@shows_person("entry-situation")
def entry_situation(session: Session, participation_id: int) -> Situation:
    require(session, Permission.CASEWORK)
    file = case_file(session, participation_id)
    return Situation(
        file.entry_income_source_id,
        file.entry_occupation_id,
        file.entry_education_level_id,
        file.entry_support_time_id,
        file.entry_recorded_on,
    )


@pure
def situation_values(situation: Situation | None) -> tuple:
    """What a situation form edits, comparable (see ``records.check_unchanged``)."""
    s = situation or Situation()
    return (s.income_source_id, s.occupation_id, s.education_level_id, s.support_time_id)


@pure
def closing_values(closing: Closing | None) -> tuple:
    """What the avslut form edits, comparable (see ``records.check_unchanged``)."""
    c = closing or Closing(None, None)
    return (
        c.closed_on,
        c.exit_route_id,
        c.exit_sub_route_id,
        c.summary.strip(),
        c.recommendations.strip(),
        situation_values(c.exit_situation)[:3],
        c.meeting_offered_on,
        c.meeting_held_on,
        c.meeting_attendees.strip(),
    )


@requires(Permission.CASEWORK)
def save_entry_situation(
    session: Session,
    participation_id: int,
    situation: Situation,
    today: date,
    expected: Situation | None = None,
) -> Situation:
    """The situation at entry, recorded at enrolment (and correctable while open).
    ``expected``: the situation as the form loaded it (None: none was recorded)."""
    require(session, Permission.CASEWORK)
    require_open(session, participation_id)
    check_unchanged(
        situation_values(entry_situation(session, participation_id)), situation_values(expected)
    )
    check_situation(situation, at_entry=True)
    file = case_file(session, participation_id)
    file.entry_income_source_id = situation.income_source_id
    file.entry_occupation_id = situation.occupation_id
    file.entry_education_level_id = situation.education_level_id
    file.entry_support_time_id = situation.support_time_id
    file.entry_recorded_on = file.entry_recorded_on or today
    session.flush()
    return entry_situation(session, participation_id)


@requires(Permission.CASEWORK)
def enrol_with_entry_situation(
    session: Session,
    referral_id: int,
    contact_person_id: int | None,
    second_contact_person_id: int | None,
    enrolled_on: date,
    af_registered: bool,
    situation: Situation,
    today: date | None = None,
):
    """Inskrivning and the situation at entry in one transaction. The situation may be
    left empty (the case screen then asks for it); given at all, it must be whole."""
    from finsam_desktop.services.referrals import enrol

    participation = enrol(
        session,
        referral_id,
        contact_person_id,
        second_contact_person_id,
        enrolled_on,
        af_registered,
        today,
    )
    if not situation.empty:
        save_entry_situation(session, participation.id, situation, today or clock.today())
    return participation


@requires(Permission.CASEWORK)
@shows_person("closing")
def get_closing(session: Session, participation_id: int) -> Closing:
    require(session, Permission.CASEWORK)
    file = case_file(session, participation_id)
    names = _names(session, file.exit_route_id, file.exit_sub_route_id)
    return Closing(
        closed_on=file.closed_on,
        exit_route_id=file.exit_route_id,
        exit_sub_route_id=file.exit_sub_route_id,
        summary=file.summary,
        recommendations=file.recommendations,
        exit_situation=Situation(
            file.exit_income_source_id, file.exit_occupation_id, file.exit_education_level_id
        ),
        meeting_offered_on=file.meeting_offered_on,
        meeting_held_on=file.meeting_held_on,
        meeting_attendees=file.meeting_attendees,
        exit_route_name=names.get(file.exit_route_id, ""),
        exit_sub_route_name=names.get(file.exit_sub_route_id, ""),
    )


def _store(file: CaseFileRow, closing: Closing) -> None:
    file.exit_route_id = closing.exit_route_id
    file.exit_sub_route_id = closing.exit_sub_route_id
    file.summary = closing.summary.strip()
    file.recommendations = closing.recommendations.strip()
    file.exit_income_source_id = closing.exit_situation.income_source_id
    file.exit_occupation_id = closing.exit_situation.occupation_id
    file.exit_education_level_id = closing.exit_situation.education_level_id
    file.meeting_offered_on = closing.meeting_offered_on
    file.meeting_held_on = closing.meeting_held_on
    file.meeting_attendees = closing.meeting_attendees.strip()


@requires(Permission.CASEWORK)
def save_closing_draft(
    session: Session,
    participation_id: int,
    closing: Closing,
    today: date,
    expected: Closing | None = None,
) -> Closing:
    """Keep the summary and meeting while they are being written (before or after avslut).
    ``expected``: the avslut as the form loaded it (None: nothing was saved then);
    ConcurrentChange when someone else has saved it since."""
    require(session, Permission.CASEWORK)
    participation_row(session, participation_id)
    check_unchanged(
        closing_values(get_closing(session, participation_id)), closing_values(expected)
    )
    if closing.meeting_held_on is not None and closing.meeting_held_on > today:
        raise ValidationError.single(
            "meeting_held_on", _("The meeting cannot have been held in the future.")
        )
    file = case_file(session, participation_id)
    _store(file, closing)
    session.flush()
    return get_closing(session, participation_id)


@requires(Permission.CASEWORK)
def close_case(
    session: Session,
    participation_id: int,
    closing: Closing,
    today: date,
    expected: Closing | None = None,
) -> Closing:
    """Avslut: every required part is checked, then the participation is closed.
    ``expected`` as for ``save_closing_draft``."""
    require(session, Permission.CASEWORK)
    p = require_open(session, participation_id)
    check_unchanged(
        closing_values(get_closing(session, participation_id)), closing_values(expected)
    )
    parent = None
    if closing.exit_sub_route_id is not None:
        sub = session.get(CaseOptionRow, closing.exit_sub_route_id)
        parent = sub.parent_id if sub else None
    check_closing(closing, p.enrolled_on, today, parent)
    file = case_file(session, participation_id)
    _store(file, closing)
    file.closed_on = closing.closed_on
    p.status = CaseStatus.CLOSED.value
    names = _names(session, closing.exit_route_id, closing.exit_sub_route_id)
    route = names.get(closing.exit_route_id, "")
    if closing.exit_sub_route_id:
        route += " – " + names.get(closing.exit_sub_route_id, "")
    session.add(
        CaseEventRow(
            participation_id=p.id,
            happened_on=closing.closed_on,
            kind=TimelineKind.CLOSED.value,
            text=_("Closed. Exit route: {route}.").format(route=route),
        )
    )
    session.flush()
    return get_closing(session, participation_id)


@requires(Permission.CASEWORK)
def reopen_case(session: Session, participation_id: int, reason: str, today: date) -> None:
    """A closed case is reopened only with a reason, which stays on the timeline."""
    require(session, Permission.CASEWORK)
    p = participation_row(session, participation_id)
    if p.status != CaseStatus.CLOSED.value:
        raise ValidationError.single("reason", _("The participation is not closed."))
    check_reopen(reason)
    file = case_file(session, participation_id)
    closed_on = file.closed_on
    file.closed_on = None
    p.status = CaseStatus.ENROLLED.value
    session.add(
        CaseEventRow(
            participation_id=p.id,
            happened_on=today,
            kind=TimelineKind.REOPENED.value,
            text=_("Reopened (closed {date}). Reason: {reason}").format(
                date=format_date(closed_on), reason=reason.strip()
            ),
        )
    )
    session.flush()


@requires(Permission.CASEWORK)
def draft_summary(session: Session, participation_id: int, closed_on: date) -> str:
    """A first text for the closing summary, drawn from the plan, insatser and journal;
    the coordinator rewrites it in their own words."""
    require(session, Permission.CASEWORK)
    case = get_participation(session, participation_id)
    # The period, the insats and the planned insatser are not repeated here: the closing
    # letter states them in its own words (reports.closing_letter).
    lines = [_("In brief, about {name}:").format(name=case.person_name)]
    sessions = session.scalar(
        select(func.count())
        .select_from(MappingSessionRow)
        .where(MappingSessionRow.participation_id == participation_id)
    )
    if sessions:
        lines.append(
            ngettext(
                "The mapping was done in {n} conversation.",
                "The mapping was done in {n} conversations.",
                sessions,
            ).format(n=format_number(sessions))
        )
    plan = current_plan(session, participation_id)
    if plan is not None:
        lines.append("")
        lines.append(_("Goals in the action plan (version {n}):").format(n=plan.number))
        lines += [f"– {g.text} ({g.status.label})" for g in plan.goals]
    for training in list_work_training(session, participation_id):
        lines.append(
            ngettext(
                "Work training at {place} from {start}, {hours} hours a week, {n} follow-up visit.",
                "Work training at {place} from {start}, {hours} hours a week, "
                "{n} follow-up visits.",
                len(training.visits),
            ).format(
                place=training.workplace,
                start=format_date(training.starts_on),
                hours=f"{training.hours_per_week:g}",
                n=format_number(len(training.visits)),
            )
        )
    for support in list_study_support(session, participation_id):
        lines.append(
            _("Support during studies at {school} from {start} to {end}.").format(
                school=support.school,
                start=format_date(support.study_start),
                end=format_date(support.ends_on),
            )
        )
    contacts = list(
        session.execute(
            select(CaseContactRow.counterparts).where(
                CaseContactRow.participation_id == participation_id
            )
        ).scalars()
    )
    with_remittent = sum(1 for c in contacts if Counterpart.REMITTENT.value in (c or []))
    if contacts:
        lines.append("")
        lines.append(
            ngettext(
                "{n} contact is recorded in the journal, {r} of them with the remittent.",
                "{n} contacts are recorded in the journal, {r} of them with the remittent.",
                len(contacts),
            ).format(n=format_number(len(contacts)), r=with_remittent)
        )
    return "\n".join(lines)


@requires(Permission.CASEWORK)
@shows_person("closing-letter")
def closing_letter_data(
    session: Session, participation_id: int, signatory_id: int | None, today: date
) -> ClosingLetterData:
    """What the closing letter to the remittent prints."""
    require(session, Permission.CASEWORK)
    case = get_participation(session, participation_id)
    closing = get_closing(session, participation_id)
    if not closing.summary.strip():
        raise ValidationError.single("summary", _("Write the closing summary before printing."))
    insats = session.get(InsatsRow, case.insats_id)
    federation = session.get(FederationRow, 1)
    signatory = session.get(StaffRow, signatory_id or case.contact_person_id or 0)
    remittent = [v for v in (case.remittent_name, case.remittent_party) if v]
    remittent += [line.strip() for line in case.remittent_address.splitlines() if line.strip()]
    remittent = list(dict.fromkeys(remittent))  # the party often opens the address too
    plan = current_plan(session, participation_id)
    planned = []
    for item in plan.insatser if plan else []:
        planned.append(item.type_name + (f": {item.description}" if item.description else ""))
    return ClosingLetterData(
        participation_id=participation_id,
        person_name=case.person_name,
        personnummer=case.personnummer,
        insats_name=insats.name,
        enrolled_on=case.limits.enrolled_on,
        closing=closing,
        remittent_lines=remittent,
        letterhead=Letterhead(
            organisation=(federation.name if federation else "") or insats.name,
            unit=insats.name,
            address_lines=[
                v
                for v in (insats.street, " ".join(x for x in (insats.postcode, insats.city) if x))
                if v
            ],
            phone=insats.phone,
            email=insats.email,
            website=federation.website if federation else "",
            org_number=federation.org_number if federation else "",
            logo_png=federation.logo_png if federation else None,
        ),
        case_number=case.case_number,
        planned_insatser=planned,
        signatory=(
            Signatory(signatory.name, signatory.title, signatory.phone, signatory.email)
            if signatory and signatory.name
            else None
        ),
        letter_date=today,
    )


@requires(Permission.CASEWORK)
def record_letter(
    session: Session,
    participation_id: int,
    pdf: bytes,
    subject: str,
    sent_by: str,
    now: datetime,
) -> int:
    """Keep the exact PDF sent to the remittent; it shows on the case's timeline."""
    require(session, Permission.CASEWORK)
    p = participation_row(session, participation_id)
    row = SentLetterRow(
        person_id=p.person_id,
        referral_id=p.referral_id,
        participation_id=p.id,
        kind=CLOSING_LETTER_KIND,
        recipient=_("Remittent"),
        subject=subject,
        reference=session.get(InsatsRow, p.insats_id).name[:60],
        sent_at=now,
        sent_by=sent_by,
        pdf=pdf,
    )
    session.add(row)
    session.flush()
    record_printout(session, participation_id, CLOSING_LETTER_KIND)
    return row.id
