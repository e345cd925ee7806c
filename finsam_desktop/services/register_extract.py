"""Registerutdrag (GDPR article 15): everything the program holds about one person.

Built generically from the schema (see ``person_records``), so a table added later
appears without anyone remembering to add it here: one section per table, one block
per row, every field that holds something. Known tables and columns get Swedish
headings from the mappings below; anything else shows its column name. References
to the team's own lists (municipality, party, staff, insats, options) are shown by
name. The access log entries about the person (who opened or changed what, when)
end the extract. Making an extract is itself logged as a printout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.schema import metadata
from finsam_desktop.domain.errors import NotFound
from finsam_desktop.domain.personnummer import PersonalNumber, parse_personnummer
from finsam_desktop.i18n import N_, _, format_date, format_datetime
from finsam_desktop.services.access import Permission, log_output, require
from finsam_desktop.services.person_records import collect, person_tables

TABLE_TITLES = {
    "person": N_("Personal details"),
    "info_meeting": N_("Information meetings"),
    "referral": N_("Referrals"),
    "referral_party_contact": N_("Parties in contact at referral"),
    "participation": N_("Participations"),
    "sent_letter": N_("Letters sent"),
    "case_file": N_("Case file"),
    "case_contact": N_("Contacts"),
    "case_event": N_("Case events"),
    "mapping_session": N_("Mapping conversations"),
    "mapping_answer": N_("Mapping answers"),
    "plan_revision": N_("Action plans"),
    "plan_goal": N_("Action plan goals"),
    "plan_insats": N_("Action plan activities"),
    "study_support": N_("Study support"),
    "work_training": N_("Work training"),
    "work_visit": N_("Workplace visits"),
}

COLUMN_LABELS = {
    "id": N_("Record number"),
    "personnummer": N_("Personal identity number"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "street": N_("Street address"),
    "postcode": N_("Postcode"),
    "city": N_("Town"),
    "municipality_id": N_("Home municipality"),
    "gender": N_("Gender"),
    "protected_identity": N_("Protected identity"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "created_at": N_("Registered"),
    "updated_at": N_("Last changed"),
    "insats_id": N_("Insats"),
    "meeting_date": N_("Meeting date"),
    "meeting_time": N_("Time"),
    "staff1_id": N_("Staff member"),
    "staff2_id": N_("Second staff member"),
    "place_name": N_("Place"),
    "place_street": N_("Street address of the place"),
    "place_postcode": N_("Postcode of the place"),
    "place_city": N_("Town of the place"),
    "outcome": N_("Outcome"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "text": N_("Text"),
    "remittent_party_id": N_("Referring party"),
    "remittent_name": N_("Referring officer"),
    "remittent_phone": N_("Referring officer's phone"),
    "remittent_email": N_("Referring officer's e-mail"),
    "remittent_address": N_("Referring officer's address"),
    "case_number": N_("Case number"),
    "info_meeting_id": N_("Information meeting"),
    "referral_id": N_("Referral"),
    "participation_id": N_("Participation"),
    "arrived_on": N_("Arrived"),
    "answer_due": N_("Answer due"),
    "reason": N_("Reason for referral"),
    "consent": N_("Consent given"),
    "consent_on": N_("Consent date"),
    "status": N_("Status"),
    "decided_on": N_("Decided"),
    "decision_reason": N_("Reason for the decision"),
    "next_step": N_("Next step"),
    "exclusions_applying": N_("Exclusion criteria noted"),
    "override_motivation": N_("Motivation for exception"),
    "answer_sent_on": N_("Answer sent"),
    "answer_contact1_id": N_("Contact person in the answer"),
    "answer_contact2_id": N_("Second contact person in the answer"),
    "party_id": N_("Party"),
    "enrolled_on": N_("Enrolled"),
    "planned_end": N_("Planned end"),
    "contact_person_id": N_("Contact person"),
    "second_contact_person_id": N_("Second contact person"),
    "af_registered": N_("Registered at Arbetsförmedlingen"),
    "kind": N_("Kind"),
    "recipient": N_("Recipient"),
    "subject": N_("Subject"),
    "reference": N_("Reference"),
    "sent_at": N_("Sent"),
    "sent_by": N_("Sent by"),
    "pdf": N_("Letter as sent"),
    "occurred_on": N_("Date"),
    "happened_on": N_("Date"),
    "held_on": N_("Date"),
    "made_on": N_("Date"),
    "visited_on": N_("Date"),
    "written_on": N_("Written"),
    "staff_id": N_("Staff member"),
    "made_by_id": N_("Made by"),
    "responsible_id": N_("Responsible"),
    "counterparts": N_("Counterparts"),
    "counterpart_name": N_("Counterpart"),
    "summary": N_("Summary"),
    "recommendations": N_("Recommendations"),
    "closed_on": N_("Closed"),
    "exit_route_id": N_("Exit route"),
    "exit_sub_route_id": N_("Exit route, detail"),
    "ends_on": N_("Ends"),
    "starts_on": N_("Starts"),
    "study_start": N_("Study start"),
    "school": N_("School"),
    "months": N_("Months"),
    "workplace": N_("Workplace"),
    "employer_contact": N_("Employer contact"),
    "employer_phone": N_("Employer phone"),
    "hours_per_week": N_("Hours per week"),
    "number": N_("Number"),
    "is_follow_up": N_("Follow-up"),
    "position": N_("Order"),
    "description": N_("Description"),
    "type_id": N_("Type"),
    "question_key": N_("Question"),
    "value": N_("Answer"),
    "meeting_offered_on": N_("Closing meeting offered"),
    "meeting_held_on": N_("Closing meeting held"),
    "meeting_attendees": N_("Present at the closing meeting"),
    "advice_offered_on": N_("Financial advice offered"),
    "advice_offered_by_id": N_("Financial advice offered by"),
    "advice_note": N_("Financial advice, note"),
    "extension_requested_on": N_("Extension requested"),
    "extension_decided_on": N_("Extension decided"),
    "extension_months": N_("Extension (months)"),
    "revision_id": N_("Action plan"),
    "work_training_id": N_("Work training"),
    "corrects_id": N_("Corrects entry"),
    "mapping_template_id": N_("Mapping template"),
    "last_remittent_contact_on": N_("Last contact with the referring officer"),
    "last_plan_event_on": N_("Last action plan event"),
    "entry_recorded_on": N_("Situation at entry recorded"),
    "entry_income_source_id": N_("Income at entry"),
    "entry_occupation_id": N_("Occupation at entry"),
    "entry_education_level_id": N_("Education at entry"),
    "entry_support_time_id": N_("Time with support at entry"),
    "exit_income_source_id": N_("Income at exit"),
    "exit_occupation_id": N_("Occupation at exit"),
    "exit_education_level_id": N_("Education at exit"),
    "advice_benefit_ids": N_("Benefits discussed"),
}

# Bookkeeping that tells the person nothing (sort keys, lock counters, the owner link).
HIDDEN_COLUMNS = {"version", "person_id", "name_key"}
CODE_LABELS = {
    "kvinna": N_("Woman"),
    "man": N_("Man"),
    "annat": N_("Other"),
    "okant": N_("Unknown"),
    "received": N_("Received"),
    "dormant": N_("Dormant"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "enrolled": N_("Enrolled"),
    "closed": N_("Closed"),
}
ACCESS_LOG_LIMIT = 1000


@dataclass(frozen=True)
class ExtractRecord:
    fields: list[tuple[str, str]]  # (heading, value), only fields that hold something


@dataclass(frozen=True)
class ExtractSection:
    title: str
    records: list[ExtractRecord]


@dataclass(frozen=True)
class RegisterExtract:
    name: str
    personnummer: str
    produced_at: datetime
    organisation: str
    sections: list[ExtractSection]
    access_log: list[tuple[str, str, str]]  # (when, who, what)


def table_title(name: str) -> str:
    return _(TABLE_TITLES[name]) if name in TABLE_TITLES else name


def column_label(name: str) -> str:
    return _(COLUMN_LABELS[name]) if name in COLUMN_LABELS else name


def find_person(session: Session, personnummer_text: str) -> int:
    """The id of the person with this number; InvalidPersonnummer or NotFound."""
    require(session, Permission.CASEWORK)
    number = parse_personnummer(personnummer_text)
    person_id = session.scalar(select(PersonRow.id).where(PersonRow.personnummer == number.digits))
    if person_id is None:
        raise NotFound(number.formatted())
    return person_id


def build_extract(session: Session, person_id: int, now: datetime | None = None) -> RegisterExtract:
    require(session, Permission.CASEWORK)
    rows = collect(session, [person_id]).of(person_id)
    if not rows.get("person"):
        raise NotFound(person_id)
    names = _Lookups(session)
    sections = []
    known = list(TABLE_TITLES)
    tables = [t for t, _links in person_tables()]
    # Known tables in the order a reader expects (person, referral, participation, ...).
    tables.sort(key=lambda t: known.index(t.name) if t.name in known else len(known))
    for table in tables:
        table_rows = rows.get(table.name, [])
        if table_rows:
            records = [ExtractRecord(_fields(table, r, names)) for r in table_rows]
            sections.append(ExtractSection(table_title(table.name), records))
    person = rows["person"][0]
    log_output(session, "registerutdrag", person_id)
    return RegisterExtract(
        name=f"{person['first_name']} {person['last_name']}".strip(),
        personnummer=_personnummer(person["personnummer"]),
        produced_at=now or datetime.now(),
        organisation=names.organisation(),
        sections=sections,
        access_log=_access_log(session, person_id),
    )


def _personnummer(digits: str) -> str:
    return PersonalNumber(digits).formatted() if digits and digits.isdigit() else digits


def _fields(table: Table, row: dict[str, Any], names: _Lookups) -> list[tuple[str, str]]:
    out = []
    for column in table.columns:
        if (
            column.name in HIDDEN_COLUMNS
            or column.name.endswith("_key")
            and column.name != ("question_key")
        ):
            continue
        text = _show(column, row[column.name], names)
        if text:
            out.append((column_label(column.name), text))
    return out


def _show(column, value: Any, names: _Lookups) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if column.name == "personnummer":
        return _personnummer(value)
    if column.foreign_keys and not column.primary_key:
        fk = next(iter(column.foreign_keys))
        return names.name(fk.column.table.name, value)
    if isinstance(value, bytes):
        return _("PDF document, {size} kB (a copy can be printed from the program)").format(
            size=max(1, len(value) // 1024)
        )
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and value in CODE_LABELS:
        return _(CODE_LABELS[value])
    return str(value)


class _Lookups:
    """Names of the rows a person's rows point at, read once per table."""

    NAME_COLUMNS = ("name", "title", "case_number", "label")

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[str, dict[Any, str]] = {}

    def name(self, table_name: str, value: Any) -> str:
        if table_name not in self.cache:
            table = metadata.tables[table_name]
            column = next((table.c[n] for n in self.NAME_COLUMNS if n in table.c), None)
            key = next(iter(table.primary_key.columns))
            if column is None:
                self.cache[table_name] = {}
            else:
                self.cache[table_name] = dict(self.session.execute(select(key, column)).all())
        return self.cache[table_name].get(value) or _("no. {id}").format(id=value)

    def organisation(self) -> str:
        from finsam_desktop.db.models import FederationRow

        row = self.session.get(FederationRow, 1)
        return row.name if row else ""


def _access_log(session: Session, person_id: int) -> list[tuple[str, str, str]]:
    from finsam_desktop.db.security_models import AuditRow
    from finsam_desktop.services import audit

    stmt = (
        select(AuditRow.at, AuditRow.username, AuditRow.action, AuditRow.table_name, AuditRow.what)
        .where(AuditRow.person_id == person_id)
        .order_by(AuditRow.id.desc())
        .limit(ACCESS_LOG_LIMIT)
    )
    out = []
    for at, username, action, table_name, what in session.execute(stmt):
        try:
            label = audit.Action(action).label
        except ValueError:
            label = action
        thing = audit.describe(action, table_name, what)
        out.append(
            (
                format_datetime(audit.local_time(at)),
                username or _("the program"),
                f"{label}: {table_title(thing)}" if thing else label,
            )
        )
    return out
