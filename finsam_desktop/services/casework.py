"""One participant's case: the overview, the contacts journal, limits and extension,
the timeline, the list of cases and each coordinator's caseload.

Every function that depends on the date takes ``today`` from its caller, so that
reminders and locks are judged on an explicit calendar (a test clock in tests).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from finsam_desktop.db.casework_models import (
    CaseContactRow,
    CaseEventRow,
    CaseFileRow,
    CaseOptionRow,
    MappingSessionRow,
    PlanRevisionRow,
    StudySupportRow,
    WorkTrainingRow,
    WorkVisitRow,
)
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import (
    InfoMeetingRow,
    ParticipationRow,
    ReferralRow,
    SentLetterRow,
)
from finsam_desktop.domain.casework import (
    CaseOverview,
    CaseStatus,
    ContactEntry,
    ContactKind,
    Counterpart,
    Extension,
    ParticipationLimits,
    TimelineEntry,
    TimelineKind,
    check_contact,
    check_extension_decision,
    check_extension_request,
    plan_follow_up_due,
    remittent_contact_due,
)
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.i18n import N_, _, format_date, format_number, ngettext
from finsam_desktop.services.access import Permission, current_user, require, requires
from finsam_desktop.services.audit import shows_person
from finsam_desktop.services.listing import (
    Column,
    ListQuery,
    ListRow,
    SearchLog,
    person_search,
)
from finsam_desktop.services.records import apply_version, existing_row

# --- the case file: the one-to-one companion of a participation ---------------------


@requires(Permission.CASEWORK)
def participation_row(session: Session, participation_id: int) -> ParticipationRow:
    row = existing_row(session, ParticipationRow, participation_id)
    return row


@requires(Permission.CASEWORK)
def case_file(session: Session, participation_id: int) -> CaseFileRow:
    """The case file, created on first use (enrolment creates only the participation)."""
    row = session.get(CaseFileRow, participation_id)
    if row is None:
        participation = participation_row(session, participation_id)
        row = CaseFileRow(participation_id=participation.id, ends_on=participation.planned_end)
        session.add(row)
        session.flush()
    return row


@requires(Permission.CASEWORK)
def require_open(session: Session, participation_id: int) -> ParticipationRow:
    row = participation_row(session, participation_id)
    if row.status != CaseStatus.ENROLLED.value:
        raise ValidationError.single(
            "status", _("The participation is closed. Reopen it first to change it.")
        )
    return row


def _limits(participation: ParticipationRow, file: CaseFileRow | None) -> ParticipationLimits:
    extension = Extension()
    if file is not None:
        extension = Extension(
            file.extension_requested_on, file.extension_decided_on, file.extension_months
        )
    return ParticipationLimits(participation.enrolled_on, participation.planned_end, extension)


def _staff_name(session: Session, staff_id: int | None) -> str:
    if not staff_id:
        return ""
    row = session.get(StaffRow, staff_id)
    return row.name if row else ""


@requires(Permission.CASEWORK)
def find_participation_of_person(session: Session, person_id: int) -> int | None:
    """The person's open participation, else the latest one; None when there is none."""
    require(session, Permission.CASEWORK)
    return session.scalar(
        select(ParticipationRow.id)
        .where(ParticipationRow.person_id == person_id)
        .order_by((ParticipationRow.status == CaseStatus.ENROLLED.value).desc())
        .order_by(ParticipationRow.enrolled_on.desc(), ParticipationRow.id.desc())
        .limit(1)
    )


@requires(Permission.CASEWORK)
@shows_person("case-overview")
def get_participation(session: Session, participation_id: int) -> CaseOverview:
    require(session, Permission.CASEWORK)
    p = participation_row(session, participation_id)
    file = session.get(CaseFileRow, participation_id)
    person = session.get(PersonRow, p.person_id)
    insats = session.get(InsatsRow, p.insats_id)
    referral = session.get(ReferralRow, p.referral_id) if p.referral_id else None
    party = session.get(PartyRow, referral.remittent_party_id) if referral else None
    last_contact = file.last_remittent_contact_on if file else None
    exit_route = ""
    if file and file.exit_route_id:
        exit_route = session.get(CaseOptionRow, file.exit_route_id).name
    return CaseOverview(
        participation_id=p.id,
        person_id=p.person_id,
        person_name=f"{person.first_name} {person.last_name}",
        personnummer=PersonalNumber(person.personnummer).formatted(),
        insats_id=p.insats_id,
        insats_name=insats.name,
        status=CaseStatus(p.status),
        contact_person_id=p.contact_person_id,
        contact_person_name=_staff_name(session, p.contact_person_id),
        second_contact_person_id=p.second_contact_person_id,
        second_contact_person_name=_staff_name(session, p.second_contact_person_id),
        limits=_limits(p, file),
        next_follow_up=plan_follow_up_due(
            file.last_plan_event_on if file else None, p.enrolled_on, insats.plan_follow_up_months
        ),
        remittent_contact_due=remittent_contact_due(
            last_contact, p.enrolled_on, insats.remittent_contact_days
        ),
        last_remittent_contact=last_contact,
        remittent_name=referral.remittent_name if referral else "",
        remittent_party=party.name if party else "",
        remittent_phone=referral.remittent_phone if referral else "",
        remittent_email=referral.remittent_email if referral else "",
        remittent_address=referral.remittent_address if referral else "",
        case_number=referral.case_number if referral else "",
        closed_on=file.closed_on if file else None,
        exit_route_name=exit_route,
        entry_recorded=bool(file and file.entry_recorded_on),
        extension_max_months=insats.extension_months,
        caseload_cap=insats.caseload_cap,
        version=file.version if file else 0,
    )


# --- extension by the styrgrupp -----------------------------------------------------


@requires(Permission.CASEWORK)
def request_extension(session: Session, participation_id: int, requested_on: date, today: date):
    """The team asks the styrgrupp; Översikt lists it until the decision is recorded."""
    require(session, Permission.CASEWORK)
    p = require_open(session, participation_id)
    file = case_file(session, participation_id)
    check_extension_request(_limits(p, file).extension, requested_on, today)
    file.extension_requested_on = requested_on
    file.extension_decided_on = None
    file.extension_months = 0
    session.flush()


@requires(Permission.CASEWORK)
def decide_extension(
    session: Session,
    participation_id: int,
    decided_on: date | None,
    months: int,
    today: date,
    note: str = "",
) -> ParticipationLimits:
    """Record the styrgrupp's decision: ``months`` > 0 grants, 0 refuses. Once only."""
    require(session, Permission.CASEWORK)
    p = require_open(session, participation_id)
    file = case_file(session, participation_id)
    insats = session.get(InsatsRow, p.insats_id)
    limits = _limits(p, file)
    check_extension_decision(limits, decided_on, months, insats.extension_months, today)
    file.extension_requested_on = file.extension_requested_on or decided_on
    file.extension_decided_on = decided_on
    file.extension_months = months
    limits = _limits(p, file)
    file.ends_on = limits.ends_on
    if months:
        text = ngettext(
            "The steering group extended the participation by {n} month, to {end}.",
            "The steering group extended the participation by {n} months, to {end}.",
            months,
        ).format(n=format_number(months), end=format_date(limits.ends_on))
    else:
        text = _("The steering group decided not to extend the participation.")
    if note.strip():
        text += " " + note.strip()
    session.add(
        CaseEventRow(
            participation_id=p.id,
            happened_on=decided_on,
            kind=TimelineKind.EXTENSION.value,
            text=text,
        )
    )
    session.flush()
    return limits


# --- the contacts journal ---------------------------------------------------------------


def _contact(row: CaseContactRow, staff_names: dict[int, str], corrected_by: list[int]):
    return ContactEntry(
        id=row.id,
        participation_id=row.participation_id,
        occurred_on=row.occurred_on,
        kind=ContactKind(row.kind),
        counterparts=[Counterpart(c) for c in row.counterparts or []],
        note=row.note,
        written_on=row.written_on,
        staff_id=row.staff_id,
        staff_name=staff_names.get(row.staff_id, ""),
        counterpart_name=row.counterpart_name,
        corrects_id=row.corrects_id,
        corrected_by_ids=corrected_by,
        version=row.version,
        author_name=row.author_name or "",
    )


@requires(Permission.CASEWORK)
@shows_person("contact-journal")
def list_contacts(session: Session, participation_id: int) -> list[ContactEntry]:
    """The journal, newest first."""
    require(session, Permission.CASEWORK)
    rows = list(
        session.scalars(
            select(CaseContactRow)
            .where(CaseContactRow.participation_id == participation_id)
            .order_by(CaseContactRow.occurred_on.desc(), CaseContactRow.id.desc())
        )
    )
    names = dict(session.execute(select(StaffRow.id, StaffRow.name)).all())
    corrected: dict[int, list[int]] = {}
    for r in rows:
        if r.corrects_id:
            corrected.setdefault(r.corrects_id, []).append(r.id)
    return [_contact(r, names, corrected.get(r.id, [])) for r in rows]


@requires(Permission.CASEWORK)
def save_contact(session: Session, entry: ContactEntry, today: date) -> ContactEntry:
    """Add a journal entry, or edit one written today. Older entries are locked: a
    correction is a new entry with ``corrects_id`` pointing at the old one."""
    require(session, Permission.CASEWORK)
    participation_row(session, entry.participation_id)
    check_contact(entry, today)
    if entry.corrects_id is not None:
        old = session.get(CaseContactRow, entry.corrects_id)
        if old is None or old.participation_id != entry.participation_id:
            raise ValidationError.single("corrects_id", _("The note to correct was not found."))
    if entry.id is None:
        author = current_user(session)
        row = CaseContactRow(
            participation_id=entry.participation_id,
            written_on=today,
            author_id=author.id if author else None,
            author_name=author.display_name if author else "",
        )
        session.add(row)
    else:
        row = existing_row(session, CaseContactRow, entry.id)
        apply_version(row, entry.version)
        if today > row.written_on:
            raise ValidationError.single(
                "note",
                _(
                    "Notes are locked after the day they were written. "
                    "Write a correction that refers to this note instead."
                ),
            )
    row.occurred_on = entry.occurred_on
    row.kind = entry.kind.value
    row.counterparts = [c.value for c in entry.counterparts]
    row.counterpart_name = entry.counterpart_name.strip()
    row.note = entry.note.strip()
    row.staff_id = entry.staff_id
    row.corrects_id = entry.corrects_id
    session.flush()
    _refresh_last_remittent_contact(session, entry.participation_id)
    names = {entry.staff_id: _staff_name(session, entry.staff_id)} if entry.staff_id else {}
    return _contact(row, names, [])


def _refresh_last_remittent_contact(session: Session, participation_id: int) -> None:
    """Keep the date Översikt filters on in step with the journal."""
    file = case_file(session, participation_id)
    latest = None
    for occurred_on, counterparts in session.execute(
        select(CaseContactRow.occurred_on, CaseContactRow.counterparts).where(
            CaseContactRow.participation_id == participation_id
        )
    ):
        if Counterpart.REMITTENT.value in (counterparts or []) and (
            latest is None or occurred_on > latest
        ):
            latest = occurred_on
    file.last_remittent_contact_on = latest
    session.flush()


# --- the timeline -----------------------------------------------------------------------


@requires(Permission.CASEWORK)
@shows_person("timeline")
def timeline(session: Session, participation_id: int) -> list[TimelineEntry]:
    """Everything that happened in the case, newest first."""
    require(session, Permission.CASEWORK)
    p = participation_row(session, participation_id)
    names = dict(session.execute(select(StaffRow.id, StaffRow.name)).all())
    out = [TimelineEntry(p.enrolled_on, TimelineKind.ENROLMENT, _("Enrolled in the insats."))]
    referral = session.get(ReferralRow, p.referral_id) if p.referral_id else None
    if referral is not None:
        out.append(
            TimelineEntry(
                referral.arrived_on,
                TimelineKind.REFERRAL,
                _("Referral {number} arrived.").format(number=referral.case_number),
            )
        )
        meeting = (
            session.get(InfoMeetingRow, referral.info_meeting_id)
            if referral.info_meeting_id
            else None
        )
        if meeting is not None:
            who = ", ".join(
                n for n in (names.get(meeting.staff1_id), names.get(meeting.staff2_id)) if n
            )
            out.append(
                TimelineEntry(
                    meeting.meeting_date,
                    TimelineKind.MEETING,
                    _("Information meeting at {place}.").format(place=meeting.place_name or "–"),
                    who,
                )
            )
    for c in list_contacts(session, participation_id):
        with_whom = ", ".join(x.label for x in c.counterparts)
        head = c.kind.label + (f" ({with_whom})" if with_whom else "")
        if c.corrects_id:
            head += " — " + _("correction of an earlier note")
        kind = TimelineKind.NOTE if c.kind is ContactKind.ANTECKNING else TimelineKind.CONTACT
        out.append(TimelineEntry(c.occurred_on, kind, f"{head}: {c.note}", c.staff_name))
    for s in session.scalars(
        select(MappingSessionRow).where(MappingSessionRow.participation_id == participation_id)
    ):
        out.append(
            TimelineEntry(s.held_on, TimelineKind.MAPPING, s.note, names.get(s.staff_id, ""))
        )
    for r in session.scalars(
        select(PlanRevisionRow).where(PlanRevisionRow.participation_id == participation_id)
    ):
        what = _("Follow-up, version {n}") if r.is_follow_up else _("Plan version {n}")
        text = what.format(n=r.number) + (f": {r.note}" if r.note else "")
        out.append(TimelineEntry(r.made_on, TimelineKind.PLAN, text, names.get(r.made_by_id, "")))
    for e in session.scalars(
        select(CaseEventRow).where(CaseEventRow.participation_id == participation_id)
    ):
        out.append(TimelineEntry(e.happened_on, TimelineKind(e.kind), e.text))
    letter_filter = SentLetterRow.participation_id == participation_id
    if p.referral_id:
        letter_filter = or_(letter_filter, SentLetterRow.referral_id == p.referral_id)
    for letter in session.execute(
        select(SentLetterRow.sent_at, SentLetterRow.subject, SentLetterRow.recipient)
        .where(letter_filter)
        .add_columns(SentLetterRow.sent_by)
    ):
        text = letter.subject + (f" ({letter.recipient})" if letter.recipient else "")
        out.append(TimelineEntry(letter.sent_at.date(), TimelineKind.LETTER, text, letter.sent_by))
    for v in session.execute(
        select(WorkVisitRow.visited_on, WorkVisitRow.note, WorkVisitRow.staff_id)
        .join(WorkTrainingRow, WorkTrainingRow.id == WorkVisitRow.work_training_id)
        .add_columns(WorkTrainingRow.workplace)
        .where(WorkTrainingRow.participation_id == participation_id)
    ):
        text = f"{v.workplace}: {v.note}" if v.note else v.workplace
        out.append(TimelineEntry(v.visited_on, TimelineKind.VISIT, text, names.get(v.staff_id, "")))
    for s in session.scalars(
        select(StudySupportRow).where(StudySupportRow.participation_id == participation_id)
    ):
        text = _("{school}: support until {end}").format(
            school=s.school, end=format_date(s.ends_on)
        )
        out.append(TimelineEntry(s.study_start, TimelineKind.STUDIES, text))
    out.sort(key=lambda e: e.day, reverse=True)
    return out


# --- the list of cases and the caseload ---------------------------------------------------


@requires(Permission.CASEWORK)
def participation_list(db: Database) -> ListQuery:
    """Every participation, searchable by name or personnummer; filters: status, staff."""
    p, person, insats, cf = ParticipationRow, PersonRow, InsatsRow, CaseFileRow
    contact = aliased(StaffRow)
    ends = func.coalesce(cf.ends_on, p.planned_end)

    search = person_search(person.personnummer, person.name_key)

    def row(r) -> ListRow:
        closed = r.status == CaseStatus.CLOSED.value
        return ListRow(
            r.id,
            (
                f"{r.last_name}, {r.first_name}",
                PersonalNumber(r.personnummer).formatted(),
                r.insats,
                r.contact or "",
                format_date(r.enrolled_on),
                format_date(r.ends),
                CaseStatus(r.status).label,
            ),
            muted=closed,
        )

    def staff_filter(staff_id: int):
        return or_(p.contact_person_id == staff_id, p.second_contact_person_id == staff_id)

    return ListQuery(
        db=db,
        columns=[
            Column("name", N_("Name"), person.name_key),
            Column("personnummer", N_("Personal identity number"), person.personnummer),
            Column("insats", N_("Insats"), insats.name_key),
            Column("contact", N_("Contact person"), contact.name_key),
            Column("enrolled", N_("Enrolled"), p.enrolled_on),
            Column("ends", N_("Ends"), ends),
            Column("status", N_("Status"), p.status),
        ],
        base=select(p.id, person.last_name, person.first_name, person.personnummer)
        .add_columns(insats.name.label("insats"), contact.name.label("contact"))
        .add_columns(p.enrolled_on, ends.label("ends"), p.status)
        .join(person, person.id == p.person_id)
        .join(insats, insats.id == p.insats_id)
        .outerjoin(contact, contact.id == p.contact_person_id)
        .outerjoin(cf, cf.participation_id == p.id),
        to_row=row,
        id_column=p.id,
        search=search,
        filters={
            "status": lambda v: p.status == v,
            "staff_id": staff_filter,
            "insats_id": lambda v: p.insats_id == v,
        },
        search_log=SearchLog("case-search", p.person_id),
        # A participation has one person, insats, contact person and case file (the
        # foreign keys are checked): a count needs the person only to search.
        count_base=select(p.id),
        count_joins={"search": lambda stmt: stmt.join(person, person.id == p.person_id)},
    )


@requires(Permission.CASEWORK)
def caseload(session: Session) -> list[tuple[str, str, int, int]]:
    """(staff, insats, open participations as contact person, the insats's cap) per
    coordinator, highest load first."""
    require(session, Permission.CASEWORK)
    p = ParticipationRow
    # Counted first, from the index of status, contact person and insats alone; then the
    # few groups are named.
    counted = (
        select(p.contact_person_id, p.insats_id, func.count().label("n"))
        .where(p.status == CaseStatus.ENROLLED.value)
        .group_by(p.contact_person_id, p.insats_id)
        .subquery()
    )
    stmt = (
        select(StaffRow.name, InsatsRow.name, counted.c.n, InsatsRow.caseload_cap)
        .join(counted, counted.c.contact_person_id == StaffRow.id)
        .join(InsatsRow, InsatsRow.id == counted.c.insats_id)
        .order_by(counted.c.n.desc(), StaffRow.name_key)
    )
    return [tuple(r) for r in session.execute(stmt)]


# --- who looked at and printed what -------------------------------------------------------


@requires(Permission.CASEWORK)
def record_case_opened(session: Session, participation_id: int) -> None:
    """The case screen was opened: logged once per opening, without any case text."""
    from finsam_desktop.services.audit import log_view

    require(session, Permission.CASEWORK)
    log_view(session, participation_row(session, participation_id).person_id, "case")


@requires(Permission.CASEWORK)
def record_printout(session: Session, participation_id: int, kind: str) -> None:
    """A case document was printed or saved (``kind``: "mapping", "plan", ...)."""
    from finsam_desktop.services.audit import log_output

    require(session, Permission.CASEWORK)
    log_output(session, kind, participation_row(session, participation_id).person_id)
