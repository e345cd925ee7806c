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

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import PersonRow
from finsam_desktop.db.schema import metadata
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import NotFound
from finsam_desktop.domain.mapping import Question, Section, display_answer
from finsam_desktop.domain.personnummer import PersonalNumber, parse_personnummer
from finsam_desktop.domain.register_extract import ExtractRecord, ExtractSection, RegisterExtract
from finsam_desktop.i18n import _, format_date, format_datetime, format_number
from finsam_desktop.services.access import Permission, require, requires
from finsam_desktop.services.audit import log_output
from finsam_desktop.services.field_labels import (
    TABLE_TITLES,
    code_label,
    column_label,
    table_title,
)
from finsam_desktop.services.person_records import collect, person_tables

# Bookkeeping that tells the person nothing (sort keys, lock counters, the owner link).
HIDDEN_COLUMNS = {"version", "person_id", "name_key", "position"}
ACCESS_LOG_LIMIT = 1000


@requires(Permission.CASEWORK)
def find_person(session: Session, personnummer_text: str) -> int:
    """The id of the person with this number; InvalidPersonnummer or NotFound."""
    require(session, Permission.CASEWORK)
    number = parse_personnummer(personnummer_text)
    person_id = session.scalar(select(PersonRow.id).where(PersonRow.personnummer == number.digits))
    if person_id is None:
        raise NotFound(number.formatted())
    return person_id


@requires(Permission.CASEWORK)
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
        produced_at=now or clock.now(),
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
        text = _show(table.name, column, row, names)
        if text:
            out.append((column_label(column.name, table.name), text))
    return out


# Columns holding a list of ids of rows in another table.
ID_LIST_COLUMNS = {"advice_benefit_ids": "case_option"}


def _show(table: str, column, row: dict[str, Any], names: _Lookups) -> str:
    value = row[column.name]
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if column.name == "personnummer":
        return _personnummer(value)
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        return names.name(fk.column.table.name, value)
    if column.name in ID_LIST_COLUMNS and isinstance(value, list):
        return ", ".join(names.name(ID_LIST_COLUMNS[column.name], v) for v in value)
    if table == "mapping_answer" and column.name == "question_key":
        question = names.question(value)
        return question.text if question else value
    if table == "mapping_answer" and column.name == "value":
        question = names.question(row.get("question_key") or "")
        return display_answer(question, str(value)) if question else str(value)
    words = code_label(table, column.name, value)
    if words is not None:
        return words
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
    if isinstance(value, float):
        return format_number(value, 0 if value == int(value) else 1)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class _Lookups:
    """Names of the rows a person's rows point at, read once per table."""

    NAME_COLUMNS = ("name", "title", "case_number", "label", "workplace", "school")

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[str, dict[Any, str]] = {}
        self.questions: dict[str, Question] | None = None

    def name(self, table_name: str, value: Any) -> str:
        if table_name not in self.cache:
            table = metadata.tables[table_name]
            column = next((table.c[n] for n in self.NAME_COLUMNS if n in table.c), None)
            key = next(iter(table.primary_key.columns))
            if column is not None:
                self.cache[table_name] = dict(self.session.execute(select(key, column)).all())
            elif "number" in table.c:  # versions: the action plan, the mapping template
                self.cache[table_name] = {
                    k: _("version {n}").format(n=n)
                    for k, n in self.session.execute(select(key, table.c.number))
                }
            else:
                self.cache[table_name] = {}
        return self.cache[table_name].get(value) or _("no. {id}").format(id=value)

    def question(self, key: str) -> Question | None:
        """A kartläggning question by its key, from the newest template that has it."""
        if self.questions is None:
            from finsam_desktop.db.casework_models import MappingTemplateRow

            self.questions = {}
            rows = self.session.scalars(
                select(MappingTemplateRow).order_by(MappingTemplateRow.number)
            )
            for template in rows:
                for section in template.sections or []:
                    for question in Section.from_json(section).questions:
                        self.questions[question.key] = question
        return self.questions.get(key)

    def organisation(self) -> str:
        from finsam_desktop.db.models import FederationRow

        row = self.session.get(FederationRow, 1)
        return row.name if row else ""


def _access_log(session: Session, person_id: int) -> list[tuple[str, str, str]]:
    from finsam_desktop.db.server_roles import person_log
    from finsam_desktop.services import audit, log_review

    out = []
    for at, username, action, table_name, what in person_log(session, person_id, ACCESS_LOG_LIMIT):
        try:
            label = audit.Action(action).label
        except ValueError:
            label = action
        thing = log_review.describe(action, table_name, what)
        out.append(
            (
                format_datetime(audit.local_time(at)),
                username or _("the program"),
                f"{label}: {table_title(thing)}" if thing else label,
            )
        )
    return out
