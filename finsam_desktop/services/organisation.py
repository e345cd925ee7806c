"""The förbund, its insatser, municipalities, referring parties and staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import (
    FederationRow,
    InsatsRow,
    MeetingPlaceRow,
    MunicipalityRow,
    PartyRow,
    StaffRow,
)
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import (
    Federation,
    Insats,
    MeetingPlace,
    Municipality,
    Party,
    PostalAddress,
    Staff,
)
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import Permission, no_personal_data, require, requires
from finsam_desktop.services.listing import Column, ListQuery, ListRow, like_any
from finsam_desktop.services.records import (
    ConcurrentChange,
    apply_version,
    existing_row,
    require_text,
    require_unique_name,
    row_to_save,
)

# --- förbund -------------------------------------------------------------------


@no_personal_data
def get_federation(session: Session) -> Federation:
    row = session.get(FederationRow, 1)
    if row is None:
        return Federation()
    return Federation(
        name=row.name,
        address=PostalAddress(row.street, row.postcode, row.city),
        phone=row.phone,
        email=row.email,
        website=row.website,
        org_number=row.org_number,
        logo_png=row.logo_png,
        version=row.version,
    )


@requires(Permission.ADMINISTER)
def save_federation(session: Session, federation: Federation) -> Federation:
    require(session, Permission.ADMINISTER)
    require_text({"name": (federation.name, _("Enter the name of the förbund."))})
    row = session.get(FederationRow, 1)
    if row is None:
        row = FederationRow(id=1)
        session.add(row)
    elif not federation.version:
        # The form was empty when it opened, but someone has saved the förbund since.
        raise ConcurrentChange()
    else:
        apply_version(row, federation.version)
    row.name = federation.name.strip()
    row.street, row.postcode, row.city = _address(federation.address)
    row.phone = federation.phone.strip()
    row.email = federation.email.strip()
    row.website = federation.website.strip()
    row.org_number = federation.org_number.strip()
    row.logo_png = federation.logo_png
    session.flush()
    return get_federation(session)


def _address(address: PostalAddress) -> tuple[str, str, str]:
    return address.street.strip(), address.postcode.strip(), address.city.strip()


# --- municipalities and parties: simple configurable lists ----------------------


@no_personal_data
def list_municipalities(session: Session, include_retired: bool = False) -> list[Municipality]:
    stmt = select(MunicipalityRow).order_by(MunicipalityRow.name_key)
    if not include_retired:
        stmt = stmt.where(MunicipalityRow.active)
    return [Municipality(r.id, r.name, r.active, r.version) for r in session.scalars(stmt)]


@requires(Permission.ADMINISTER)
def save_municipality(session: Session, municipality: Municipality) -> Municipality:
    require(session, Permission.ADMINISTER)
    name = municipality.name.strip()
    require_text({"name": (name, _("Enter the name of the municipality."))})
    _unique(session, MunicipalityRow, name, municipality.id, _("The municipality already exists."))
    row = row_to_save(session, MunicipalityRow, municipality.id)
    apply_version(row, municipality.version)
    row.name, row.name_key, row.active = name, swedish_key(name), municipality.active
    session.flush()
    return Municipality(row.id, row.name, row.active, row.version)


@no_personal_data
def list_parties(session: Session, include_retired: bool = False) -> list[Party]:
    stmt = select(PartyRow).order_by(PartyRow.name_key)
    if not include_retired:
        stmt = stmt.where(PartyRow.active)
    return [Party(r.id, r.name, r.short_name, r.active, r.version) for r in session.scalars(stmt)]


@requires(Permission.ADMINISTER)
def save_party(session: Session, party: Party) -> Party:
    require(session, Permission.ADMINISTER)
    name = party.name.strip()
    require_text({"name": (name, _("Enter the name of the party."))})
    _unique(session, PartyRow, name, party.id, _("A party with that name already exists."))
    row = row_to_save(session, PartyRow, party.id)
    apply_version(row, party.version)
    row.name, row.name_key = name, swedish_key(name)
    row.short_name, row.active = party.short_name.strip(), party.active
    session.flush()
    return Party(row.id, row.name, row.short_name, row.active, row.version)


def _unique(session: Session, model, name: str, record_id: int | None, message: str) -> None:
    require_unique_name(session, model, record_id, message, model.name == name)


# --- staff -------------------------------------------------------------------------


def _staff(row: StaffRow) -> Staff:
    return Staff(
        row.id,
        row.name,
        row.title,
        row.party_id,
        row.insats_id,
        row.phone,
        row.email,
        row.active,
        row.version,
    )


@no_personal_data
def list_staff(session: Session, include_retired: bool = False) -> list[Staff]:
    stmt = select(StaffRow).order_by(StaffRow.name_key)
    if not include_retired:
        stmt = stmt.where(StaffRow.active)
    return [_staff(r) for r in session.scalars(stmt)]


@no_personal_data
def get_staff(session: Session, staff_id: int) -> Staff:
    row = existing_row(session, StaffRow, staff_id)
    return _staff(row)


@requires(Permission.ADMINISTER)
def save_staff(session: Session, staff: Staff) -> Staff:
    require(session, Permission.ADMINISTER)
    name = staff.name.strip()
    problems = {}
    if not name:
        problems["name"] = _("Enter the staff member's name.")
    if staff.email.strip() and "@" not in staff.email:
        problems["email"] = _("The e-mail address must contain @.")
    if staff.party_id is not None and session.get(PartyRow, staff.party_id) is None:
        problems["party_id"] = _("Choose a party from the list.")
    if staff.insats_id is not None and session.get(InsatsRow, staff.insats_id) is None:
        problems["insats_id"] = _("Choose an insats from the list.")
    if problems:
        raise ValidationError(problems)
    row = row_to_save(session, StaffRow, staff.id)
    apply_version(row, staff.version)
    row.name, row.name_key = name, swedish_key(name)
    row.title = staff.title.strip()
    row.party_id, row.insats_id = staff.party_id, staff.insats_id
    row.phone, row.email = staff.phone.strip(), staff.email.strip()
    row.active = staff.active
    session.flush()
    return _staff(row)


# --- insatser ------------------------------------------------------------------------


def _insats(row: InsatsRow) -> Insats:
    return Insats(
        id=row.id,
        name=row.name,
        address=PostalAddress(row.street, row.postcode, row.city),
        phone=row.phone,
        email=row.email,
        answer_days=row.answer_days,
        enrolment_months=row.enrolment_months,
        extension_months=row.extension_months,
        age_min=row.age_min,
        age_max=row.age_max,
        min_parties_in_contact=row.min_parties_in_contact,
        exclusion_criteria=list(row.exclusion_criteria or []),
        caseload_cap=row.caseload_cap,
        plan_follow_up_months=row.plan_follow_up_months,
        remittent_contact_days=row.remittent_contact_days,
        expected_per_year=row.expected_per_year,
        target_work_studies_percent=row.target_work_studies_percent,
        active=row.active,
        meeting_places=[
            MeetingPlace(p.municipality_id, p.name, PostalAddress(p.street, p.postcode, p.city))
            for p in row.meeting_places
        ],
        version=row.version,
    )


@no_personal_data
def list_insatser(
    session: Session, include_retired: bool = False, profile: str | None = None
) -> list[Insats]:
    """The insatser in Swedish order; ``profile`` ("full" or "local", see
    domain.krans.ProcessProfile) keeps those that follow that process."""
    stmt = select(InsatsRow).order_by(InsatsRow.name_key)
    if not include_retired:
        stmt = stmt.where(InsatsRow.active)
    if profile is not None:
        stmt = stmt.where(InsatsRow.process_profile == str(profile))
    return [_insats(r) for r in session.scalars(stmt)]


@no_personal_data
def get_insats(session: Session, insats_id: int) -> Insats:
    row = existing_row(session, InsatsRow, insats_id)
    return _insats(row)


# (field, lowest, highest): the same bounds as the settings screen's spin boxes.
INSATS_LIMITS = (
    ("answer_days", 1, 365),
    ("enrolment_months", 1, 60),
    ("extension_months", 0, 24),
    ("age_min", 0, 120),
    ("age_max", 0, 120),
    ("min_parties_in_contact", 0, 10),
    ("caseload_cap", 1, 500),
    ("plan_follow_up_months", 1, 24),
    ("remittent_contact_days", 1, 365),
    ("expected_per_year", 0, 100_000),
    ("target_work_studies_percent", 0, 100),
)


@requires(Permission.ADMINISTER)
def save_insats(session: Session, insats: Insats) -> Insats:
    require(session, Permission.ADMINISTER)
    name = insats.name.strip()
    problems = {}
    if not name:
        problems["name"] = _("Enter the name of the insats.")
    if (
        insats.age_min is not None
        and insats.age_max is not None
        and insats.age_min > insats.age_max
    ):
        problems["age_max"] = _("The highest age must not be lower than the lowest age.")
    for key, low, high in INSATS_LIMITS:
        value = getattr(insats, key)
        if value is not None and not low <= value <= high:
            problems[key] = _("The value must be between {low} and {high}.").format(
                low=low, high=high
            )
    municipality_ids = [p.municipality_id for p in insats.meeting_places]
    if len(set(municipality_ids)) != len(municipality_ids):
        problems["meeting_places"] = _("Each municipality may be listed only once.")
    if problems:
        raise ValidationError(problems)
    _unique(session, InsatsRow, name, insats.id, _("An insats with that name already exists."))
    row = row_to_save(session, InsatsRow, insats.id)
    if insats.id is not None:
        apply_version(row, insats.version)
    row.name, row.name_key = name, swedish_key(name)
    row.street, row.postcode, row.city = _address(insats.address)
    row.phone, row.email = insats.phone.strip(), insats.email.strip()
    for attr in (
        "answer_days",
        "enrolment_months",
        "extension_months",
        "age_min",
        "age_max",
        "min_parties_in_contact",
        "caseload_cap",
        "plan_follow_up_months",
        "remittent_contact_days",
        "expected_per_year",
        "target_work_studies_percent",
        "active",
    ):
        setattr(row, attr, getattr(insats, attr))
    row.exclusion_criteria = [c.strip() for c in insats.exclusion_criteria if c.strip()]
    existing = {p.municipality_id: p for p in row.meeting_places}
    places = []
    for place in insats.meeting_places:
        p = existing.get(place.municipality_id) or MeetingPlaceRow(
            municipality_id=place.municipality_id
        )
        p.name = place.name.strip()
        p.street, p.postcode, p.city = _address(place.address)
        places.append(p)
    row.meeting_places = places
    session.flush()
    return _insats(row)


# --- lists for the settings screens -------------------------------------------------


def _active_text(active: bool) -> str:
    return _("Active") if active else _("Retired")


@no_personal_data
def municipality_list(db: Database) -> ListQuery:
    m = MunicipalityRow
    return ListQuery(
        db=db,
        columns=[Column("name", N_("Municipality"), m.name_key), Column("active", N_("Status"))],
        base=select(m.id, m.name, m.active),
        to_row=lambda r: ListRow(r.id, (r.name, _active_text(r.active)), muted=not r.active),
        id_column=m.id,
        search=lambda t: like_any(swedish_key(t), m.name_key),
    )


@no_personal_data
def party_list(db: Database) -> ListQuery:
    p = PartyRow
    return ListQuery(
        db=db,
        columns=[
            Column("name", N_("Party"), p.name_key),
            Column("short", N_("Short name"), p.short_name),
            Column("active", N_("Status")),
        ],
        base=select(p.id, p.name, p.short_name, p.active),
        to_row=lambda r: ListRow(
            r.id, (r.name, r.short_name, _active_text(r.active)), muted=not r.active
        ),
        id_column=p.id,
        search=lambda t: like_any(swedish_key(t), p.name_key, p.short_name),
    )


@no_personal_data
def staff_list(db: Database) -> ListQuery:
    s, p, i = StaffRow, PartyRow, InsatsRow
    return ListQuery(
        db=db,
        columns=[
            Column("name", N_("Name"), s.name_key),
            Column("title", N_("Title"), s.title),
            Column("party", N_("Employed by"), p.name_key),
            Column("insats", N_("Insats"), i.name_key),
            Column("phone", N_("Phone"), s.phone),
            Column("email", N_("E-mail"), s.email),
            Column("active", N_("Status")),
        ],
        base=select(s.id, s.name, s.title, p.name.label("party"), i.name.label("insats"))
        .add_columns(s.phone, s.email, s.active)
        .outerjoin(p, p.id == s.party_id)
        .outerjoin(i, i.id == s.insats_id),
        to_row=lambda r: ListRow(
            r.id,
            (r.name, r.title, r.party or "", r.insats or "", r.phone, r.email)
            + (_active_text(r.active),),
            muted=not r.active,
        ),
        id_column=s.id,
        search=lambda t: like_any(swedish_key(t), s.name_key) | like_any(t, s.title, s.email),
    )


@no_personal_data
def insats_list(db: Database) -> ListQuery:
    i = InsatsRow
    return ListQuery(
        db=db,
        columns=[
            Column("name", N_("Insats"), i.name_key),
            Column("city", N_("Town"), i.city),
            Column("answer", N_("Answer within (days)"), i.answer_days, numeric=True),
            Column("active", N_("Status")),
        ],
        base=select(i.id, i.name, i.city, i.answer_days, i.active),
        to_row=lambda r: ListRow(
            r.id, (r.name, r.city, r.answer_days, _active_text(r.active)), muted=not r.active
        ),
        id_column=i.id,
        search=lambda t: like_any(swedish_key(t), i.name_key),
    )
