"""Persons (deltagare): found by personnummer, created, edited, listed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db import server_roles
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import MunicipalityRow, PersonRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.personnummer import (
    InvalidPersonnummer,
    PersonalNumber,
    parse_personnummer,
)
from finsam_desktop.domain.persons import ForeignBackground, Gender, Person
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.audit import log_view, shows_person
from finsam_desktop.services.listing import (
    Column,
    ListQuery,
    ListRow,
    SearchLog,
    person_ids_found,
    person_search,
)
from finsam_desktop.services.records import apply_version, existing_row


@pure
def person_name_key(first_name: str, last_name: str) -> str:
    return swedish_key(f"{last_name} {first_name}")


def _person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        personnummer=PersonalNumber(row.personnummer),
        first_name=row.first_name,
        last_name=row.last_name,
        address=PostalAddress(row.street, row.postcode, row.city),
        municipality_id=row.municipality_id,
        gender=Gender(row.gender),
        foreign_background=ForeignBackground(row.foreign_background),
        protected_identity=row.protected_identity,
        phone=row.phone,
        email=row.email,
        version=row.version,
    )


@requires(Permission.CASEWORK)
def get_person(session: Session, person_id: int) -> Person:
    require(session, Permission.CASEWORK)
    row = existing_row(session, PersonRow, person_id)
    log_view(session, person_id, "person")
    return _person(row)


@requires(Permission.CASEWORK)
@shows_person("person-search")
def find_by_personnummer(session: Session, text: str) -> Person | None:
    """The person with this number, or None; raises InvalidPersonnummer for a bad number."""
    require(session, Permission.CASEWORK)
    number = parse_personnummer(text)
    row = session.scalar(select(PersonRow).where(PersonRow.personnummer == number.digits))
    return _person(row) if row else None


@requires(Permission.CASEWORK)
def save_person(session: Session, person: Person, personnummer_text: str | None = None) -> Person:
    """Create or update a person. ``personnummer_text`` is what the user typed, if anything."""
    require(session, Permission.CASEWORK)
    problems: dict[str, str] = {}
    number = person.personnummer
    if personnummer_text is not None:
        try:
            number = parse_personnummer(personnummer_text)
        except InvalidPersonnummer as exc:
            problems["personnummer"] = str(exc)
    if number is None and "personnummer" not in problems:
        problems["personnummer"] = _("Enter a personal identity number.")
    if not person.first_name.strip():
        problems["first_name"] = _("Enter the first name.")
    if not person.last_name.strip():
        problems["last_name"] = _("Enter the last name.")
    if person.email.strip() and "@" not in person.email:
        problems["email"] = _("The e-mail address must contain @.")
    if number is not None and "personnummer" not in problems:
        from finsam_desktop.db.server_roles import personnummer_taken

        if personnummer_taken(session, number.digits, person.id or 0):
            problems["personnummer"] = _("A person with this number is already registered.")
    if problems:
        raise ValidationError(problems)
    if person.id is None:
        row = PersonRow()
        session.add(row)
    else:
        row = existing_row(session, PersonRow, person.id)
        apply_version(row, person.version)
    row.personnummer = number.digits
    row.first_name, row.last_name = person.first_name.strip(), person.last_name.strip()
    row.name_key = person_name_key(row.first_name, row.last_name)
    row.street = person.address.street.strip()
    row.postcode = person.address.postcode.strip()
    row.city = person.address.city.strip()
    row.municipality_id = person.municipality_id
    row.gender = Gender(person.gender).value
    row.foreign_background = ForeignBackground(person.foreign_background).value
    row.protected_identity = person.protected_identity
    row.phone, row.email = person.phone.strip(), person.email.strip()
    session.flush()
    return _person(row)


@requires(Permission.CASEWORK)
def person_list(db: Database) -> ListQuery:
    """Every person, searchable by name or personnummer as the user types."""
    p, m = PersonRow, MunicipalityRow

    under_policies = server_roles.bound_by_policies(db)
    search = person_search(p.personnummer, p.name_key, under_policies=under_policies)

    def row(r) -> ListRow:
        city = _("Protected identity") if r.protected_identity else r.city
        return ListRow(
            r.id,
            (PersonalNumber(r.personnummer).formatted(), r.last_name, r.first_name)
            + (r.municipality or "", city, Gender(r.gender).label),
        )

    return ListQuery(
        db=db,
        columns=[
            Column("personnummer", N_("Personal identity number"), p.personnummer),
            Column("last_name", N_("Last name"), p.name_key),
            Column("first_name", N_("First name"), p.first_name),
            Column("municipality", N_("Home municipality"), m.name_key),
            Column("city", N_("Town"), p.city),
            Column("gender", N_("Gender"), p.gender),
        ],
        base=select(p.id, p.personnummer, p.last_name, p.first_name, m.name.label("municipality"))
        .add_columns(p.city, p.gender, p.protected_identity)
        .outerjoin(m, m.id == p.municipality_id),
        to_row=row,
        id_column=p.id,
        search=search,
        filters={"municipality_id": lambda v: p.municipality_id == v},
        search_log=SearchLog("person-search", p.id),
        # An account under row-level security finds the few persons a search matches by
        # the server's search function (``person_search``), then reads their rows.
        narrow_search=person_search(p.personnummer, p.name_key, person_id=p.id, under_policies=True)
        if under_policies
        else None,
        found_ids=person_ids_found(p.personnummer, p.name_key) if under_policies else None,
        # Its whole count and a page far down from the counts the server keeps of the
        # persons the account sees, instead of reading every one of them.
        kept_count=server_roles.visible_person_count if under_policies else None,
        kept_start=server_roles.visible_person_start if under_policies else None,
        recheck=person_search(p.personnummer, p.name_key) if under_policies else None,
    )
