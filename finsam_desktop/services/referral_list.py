"""The Remisser list: every referral, sorted, filtered and searched in SQL so it stays
instant at 100,000 referrals (see tests/benchmarks/test_referrals_bench.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import aliased

from finsam_desktop.db import server_roles
from finsam_desktop.db.engine import Database
from finsam_desktop.db.expressions import among
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.krans import FULL_PROCESS
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.referrals import DUE_SOON_DAYS, ReferralStatus
from finsam_desktop.i18n import N_, _, format_date
from finsam_desktop.services.access import Permission, requires
from finsam_desktop.services.listing import (
    Column,
    ListQuery,
    ListRow,
    SearchLog,
    person_count_search,
    person_search,
)

# Values of the "answer" filter.
DUE_OVERDUE = "overdue"
DUE_SOON = "soon"
DUE_WAITING = "waiting"
DUE_FILTERS = (
    (DUE_WAITING, N_("Answer not sent")),
    (DUE_SOON, N_("Answer due soon or overdue")),
    (DUE_OVERDUE, N_("Answer overdue")),
)
STATUS_OPEN = "open"  # filter value: received, dormant or accepted


@requires(Permission.CASEWORK)
def referral_list(db: Database, today: Callable[[], date] = clock.today) -> ListQuery:
    """``today`` is asked on every page, so a window left open overnight stays right."""
    r, p, i, m, pa = ReferralRow, PersonRow, InsatsRow, MunicipalityRow, PartyRow
    part = ParticipationRow
    contact = aliased(StaffRow, name="contact")
    contact_id = func.coalesce(part.contact_person_id, r.answer_contact1_id)
    # Answered referrals sort after every waiting one when sorting by days left: the
    # stored, indexed answer_sort_due (a CASE here sorted every match on each keystroke).
    due_sort = r.answer_sort_due

    under_policies = server_roles.bound_by_policies(db)
    search = person_search(p.personnummer, p.name_key, r.case_number, None, under_policies)
    # A search that matches few referrals finds their persons first (see ListQuery).
    narrow_search = person_search(
        p.personnummer, p.name_key, r.case_number, r.person_id, under_policies
    )

    def status_filter(value: str):
        if value == STATUS_OPEN:
            return r.status.in_([s.value for s in ReferralStatus if s.is_open])
        return r.status == value

    def due_filter(value: str):
        waiting = r.answer_sent_on.is_(None)
        if value == DUE_OVERDUE:
            return waiting & (r.answer_due < today())
        if value == DUE_SOON:
            return waiting & (r.answer_due <= today() + timedelta(days=DUE_SOON_DAYS))
        return waiting

    def row(x) -> ListRow:
        status = ReferralStatus(x.status)
        # Blank once answered: the column is about what is still owed.
        left = (x.answer_due - today()).days if x.answer_sent_on is None else ""
        return ListRow(
            x.id,
            (
                x.case_number,
                format_date(x.arrived_on),
                f"{x.last_name}, {x.first_name}",
                PersonalNumber(x.personnummer).formatted(),
                x.insats,
                x.municipality or "",
                x.party or "",
                x.remittent_name,
                status.label,
                x.contact or "",
                left,
            ),
            muted=status in (ReferralStatus.REJECTED,),
        )

    base = (
        select(r.id, r.case_number, r.arrived_on, p.last_name, p.first_name, p.personnummer)
        .add_columns(
            i.name.label("insats"),
            m.name.label("municipality"),
            pa.name.label("party"),
            r.remittent_name,
            r.status,
            contact.name.label("contact"),
            r.answer_due,
            r.answer_sent_on,
        )
        .join(p, p.id == r.person_id)
        .join(i, i.id == r.insats_id)
        # A local model's aktualiseringar are on the Lokal samverkan page.
        .where(i.process_profile == FULL_PROCESS)
        .outerjoin(m, m.id == r.municipality_id)
        .outerjoin(pa, pa.id == r.remittent_party_id)
        .outerjoin(part, part.referral_id == r.id)
        .outerjoin(contact, contact.id == contact_id)
    )
    # A referral has at most one municipality, party, participation and contact person,
    # so a count needs only the joins that narrow (insats) and those its filters read.
    count_base = select(r.id).join(i, i.id == r.insats_id).where(i.process_profile == FULL_PROCESS)
    if db is not None and db.on_server:
        # On PostgreSQL the insatser of the full process are read first (``among``)
        # instead of hashing every referral against them. Not on SQLite: there the join
        # lets a search's count walk the covering (person_id, insats_id) index, and
        # IN (…) made it read the referrals by their insats index (8× slower for "Å").
        full_process = select(i.id).where(i.process_profile == FULL_PROCESS)
        count_base = select(r.id).where(among(r.insats_id, full_process))
    count_joins = {
        "search": lambda stmt: stmt.join(p, p.id == r.person_id),
        "contact_person_id": lambda stmt: stmt.outerjoin(part, part.referral_id == r.id),
    }
    return ListQuery(
        db=db,
        columns=[
            Column("case_number", N_("Case number"), r.case_number),
            Column("arrived", N_("Arrived"), r.arrived_on),
            Column("name", N_("Name"), p.name_key),
            Column("personnummer", N_("Personal identity number"), p.personnummer),
            Column("insats", N_("Insats"), i.name_key),
            Column("municipality", N_("Home municipality"), m.name_key),
            Column("party", N_("Referring party"), pa.name_key),
            Column("remittent", N_("Remittent")),
            Column("status", N_("Status"), r.status),
            Column("contact", N_("Contact person"), contact.name_key),
            Column("days_left", N_("Days left to answer"), due_sort, numeric=True),
        ],
        base=base,
        to_row=row,
        id_column=r.id,
        search=search,
        filters={
            "status": status_filter,
            "municipality_id": lambda v: r.municipality_id == v,
            "party_id": lambda v: r.remittent_party_id == v,
            "insats_id": lambda v: r.insats_id == v,
            "contact_person_id": lambda v: or_(
                part.contact_person_id == v,
                part.second_contact_person_id == v,
                (part.id.is_(None) & ((r.answer_contact1_id == v) | (r.answer_contact2_id == v))),
            ),
            "due": due_filter,
        },
        search_log=SearchLog("referral-search", r.person_id),
        count_base=count_base,
        count_joins=count_joins,
        narrow_search=narrow_search,
        count_search=person_count_search(p, r.person_id, r.case_number, under_policies),
        recheck=person_search(p.personnummer, p.name_key, r.case_number)
        if under_policies
        else None,
    )


@requires(Permission.CASEWORK)
def meeting_list(db: Database) -> ListQuery:
    """Information meetings, newest first by default, searchable like the referrals."""
    from finsam_desktop.db.referral_models import InfoMeetingRow
    from finsam_desktop.domain.referrals import MeetingOutcome

    im, p, i = InfoMeetingRow, PersonRow, InsatsRow
    s1, s2 = aliased(StaffRow, name="s1"), aliased(StaffRow, name="s2")
    has_referral = (
        select(ReferralRow.id).where(ReferralRow.info_meeting_id == im.id).exists()
    ).label("has_referral")

    search = person_search(p.personnummer, p.name_key)

    def row(x) -> ListRow:
        return ListRow(
            x.id,
            (
                format_date(x.meeting_date),
                x.meeting_time,
                f"{x.last_name}, {x.first_name}",
                PersonalNumber(x.personnummer).formatted(),
                x.insats,
                x.place_name,
                f"{x.s1 or ''}, {x.s2 or ''}",
                MeetingOutcome(x.outcome or "").label,
                _("Yes") if x.has_referral else "",
            ),
        )

    return ListQuery(
        db=db,
        columns=[
            Column("date", N_("Date"), cast(im.meeting_date, String) + " " + im.meeting_time),
            Column("time", N_("Time"), im.meeting_time),
            Column("name", N_("Name"), p.name_key),
            Column("personnummer", N_("Personal identity number"), p.personnummer),
            Column("insats", N_("Insats"), i.name_key),
            Column("place", N_("Place"), im.place_name),
            Column("staff", N_("Attending staff")),
            Column("outcome", N_("Outcome"), im.outcome),
            Column("referral", N_("Referral registered")),
        ],
        base=select(im.id, im.meeting_date, im.meeting_time, p.last_name, p.first_name)
        .add_columns(
            p.personnummer,
            i.name.label("insats"),
            im.place_name,
            s1.name.label("s1"),
            s2.name.label("s2"),
            im.outcome,
            has_referral,
        )
        .join(p, p.id == im.person_id)
        .join(i, i.id == im.insats_id)
        .outerjoin(s1, s1.id == im.staff1_id)
        .outerjoin(s2, s2.id == im.staff2_id),
        to_row=row,
        id_column=im.id,
        search=search,
        filters={
            "insats_id": lambda v: im.insats_id == v,
            "upcoming": lambda v: im.meeting_date >= clock.today() if v else im.id > 0,
        },
        search_log=SearchLog("meeting-search", im.person_id),
        default_sort=(0, True),  # by date and time, newest first
    )
