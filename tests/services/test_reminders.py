"""Översikt's reminders are counted, ordered and cut in SQL: the same reminders, in the
same order, as the domain rules give for every open participation."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, Integer, create_engine, literal, select

from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import (
    CaseStatus,
    ReminderKind,
    add_months,
    plan_follow_up_due,
    remittent_contact_due,
)
from finsam_desktop.services import demo, reminders


def test_add_months_in_sql_is_the_domain_rule_on_every_day():
    """Month ends, 29 February and the turn of the year included: SQLite's own
    '+1 month' would make 31 January 3 March."""
    engine = create_engine("sqlite://")
    days = [date(2023, 11, 1) + timedelta(days=n) for n in range(0, 520)]
    with engine.connect() as c:
        for months in (0, 1, 2, 3, 6, 11, 12, 13):
            for day in days:
                stmt = select(
                    reminders.add_months_sql(literal(day, Date), literal(months, Integer))
                )
                assert c.scalar(stmt) == add_months(day, months), (day, months)


def open_cases_by_domain_rules(session, today: date):
    """Plan follow-ups and remittent contacts worked out in Python for every enrolled
    participation, as Översikt did before it counted in SQL."""
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    rows = session.execute(
        select(p.id, p.enrolled_on, cf.last_plan_event_on, cf.last_remittent_contact_on)
        .add_columns(i.plan_follow_up_months, i.remittent_contact_days)
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
        .where(p.status == CaseStatus.ENROLLED.value)
    ).all()
    plans, contacts = {}, {}
    horizon = today + timedelta(days=reminders.PLAN_HORIZON_DAYS)
    for r in rows:
        plan = plan_follow_up_due(r.last_plan_event_on, r.enrolled_on, r.plan_follow_up_months)
        if plan <= horizon:
            plans[r.id] = plan
        contact = remittent_contact_due(
            r.last_remittent_contact_on, r.enrolled_on, r.remittent_contact_days
        )
        if contact <= today:
            contacts[r.id] = contact
    return plans, contacts


def test_the_first_of_each_kind_and_the_count_are_those_of_all(db):
    demo.fill(db, participants=300, lots=0)
    # Insatser with their own follow-up months and contact days: the SQL compares with
    # one cut-off day per value.
    with db.session() as s:
        insatser = s.scalars(select(InsatsRow).order_by(InsatsRow.id)).all()
        for insats, months, days in zip(insatser, (1, 6, 2), (14, 45, 60), strict=False):
            insats.plan_follow_up_months, insats.remittent_contact_days = months, days
    many = set()
    with db.reading() as s:
        for today in (date.today(), date.today() + timedelta(days=75)):
            everything = reminders.due_items(s, today)
            plans, contacts = open_cases_by_domain_rules(s, today)
            found_plans = everything[ReminderKind.PLAN_FOLLOW_UP]
            assert {x.participation_id: x.due_on for x in found_plans} == plans
            found_contacts = everything[ReminderKind.REMITTENT_CONTACT]
            assert {x.participation_id: x.due_on for x in found_contacts} == contacts
            for items in everything.values():
                keys = [(x.due_on, x.person_name) for x in items]
                assert [k[0] for k in keys] == sorted(k[0] for k in keys)
            for limit in (1, 4, 200):
                summary = reminders.due_summary(s, today, None, limit)
                for kind in ReminderKind:
                    assert summary[kind].total == len(everything[kind]), kind
                    assert summary[kind].items == everything[kind][:limit], (kind, limit)
                    if len(everything[kind]) > limit:
                        many.add(kind)
    # Cut short where there were more than shown, for most kinds.
    assert {ReminderKind.PLAN_FOLLOW_UP, ReminderKind.REMITTENT_CONTACT} <= many
    assert len(many) >= 4
    # One coordinator's: theirs only, the same way.
    with db.reading() as s:
        staff_id = s.scalar(select(ParticipationRow.contact_person_id).limit(1))
        all_of_them = reminders.due_items(s, date.today(), staff_id)
        summary = reminders.due_summary(s, date.today(), staff_id, 3)
        team = reminders.due_summary(s, date.today(), None, 3)
    for kind in ReminderKind:
        assert summary[kind].total == len(all_of_them[kind])
        assert summary[kind].items == all_of_them[kind][:3]
    assert sum(d.total for d in summary.values()) < sum(d.total for d in team.values())


def _built_anew():
    """Forget the statements built so far (reminders and Kommande keep them per shape)."""
    from finsam_desktop.services import coming_week

    for built in (
        reminders._kinds,
        reminders._counts,
        reminders._shown,
        coming_week._booked,
        coming_week._follow_up_select,
    ):
        built.cache_clear()


def test_statements_built_once_read_each_day_and_coordinator_as_asked(db):
    """Due and Kommande build their statements once per shape and run them with the day
    and the coordinator as parameters: every day and coordinator asked after the first
    gives what statements built for it alone give, and a changed insats (a new value of
    its months or days: another shape) is read as it is now."""
    from finsam_desktop.services import coming_week

    demo.fill(db, participants=150, lots=0)
    start = date.today()
    with db.reading() as s:
        staff = sorted(set(s.scalars(select(ParticipationRow.contact_person_id))))
    asked = [(start + timedelta(days=d), who) for d in (0, 9, 45) for who in (None, *staff[:2])]

    def read(day, who):
        with db.reading() as s:
            return (
                reminders.due_summary(s, day, who, 3),
                reminders.due_items(s, day, who),
                coming_week.week_events(s, day, who),
            )

    _built_anew()
    reused = [read(day, who) for day, who in asked]
    kept = reminders._kinds.cache_info().currsize
    assert kept <= 2  # with and without a coordinator: one shape each
    fresh = []
    for day, who in asked:
        _built_anew()
        fresh.append(read(day, who))
    assert reused == fresh
    assert sum(len(items) for due, _every, _week in reused for items in _every.values()) > 0
    assert any(week for _due, _every, week in reused)

    with db.session() as s:
        insats = s.scalars(select(InsatsRow)).first()
        insats.plan_follow_up_months += 1
        insats.remittent_contact_days += 3
    changed = read(start, None)
    _built_anew()
    assert changed == read(start, None)
    assert changed[1] != reused[0][1]  # the insats's new rules are read


def test_a_local_models_referral_is_no_remissvar_in_the_count_nor_the_list(db):
    """A local model sends no remissvar: its referral waiting for an answer is neither
    counted nor listed, also where the count reads the referrals without their persons
    (``referrals.due_answer_ids``)."""
    from sqlalchemy import update

    from finsam_desktop.db.referral_models import ReferralRow
    from finsam_desktop.domain.krans import FULL_PROCESS

    demo.fill(db, participants=60, lots=0)
    today = date.today()
    with db.session() as s:
        local = s.scalar(select(InsatsRow.id).where(InsatsRow.process_profile != FULL_PROCESS))
        full = s.scalars(select(InsatsRow.id).where(InsatsRow.process_profile == FULL_PROCESS))
        moved = s.scalar(select(ReferralRow.id).where(ReferralRow.insats_id.in_(list(full))))
        s.execute(
            update(ReferralRow)
            .where(ReferralRow.id == moved)
            .values(insats_id=local, answer_sent_on=None, answer_due=today)
        )
    with db.reading() as s:
        summary = reminders.due_summary(s, today, None, 1)
        every = reminders.due_items(s, today)
    answers = every[ReminderKind.REFERRAL_ANSWER]
    assert moved not in {item.referral_id for item in answers}
    assert summary[ReminderKind.REFERRAL_ANSWER].total == len(answers)
    assert summary[ReminderKind.REFERRAL_ANSWER].items == answers[:1]
