"""Case work on a real database and a fixed calendar (never date.today())."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from casework_fixtures import ENROLLED, enrol_participant

from finsam_desktop.domain.casework import (
    CaseStatus,
    ContactEntry,
    ContactKind,
    Counterpart,
    ReminderKind,
    TimelineKind,
)
from finsam_desktop.domain.closing import Closing, Option, OptionList, Situation
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.mapping import AnswerKind, EconomicAdvice, MappingSession, Question
from finsam_desktop.domain.plans import (
    Goal,
    GoalStatus,
    PlannedInsats,
    PlanRevision,
    StudySupport,
    WorkTraining,
    WorkVisit,
)
from finsam_desktop.services import (
    case_options,
    casework,
    closing,
    mapping,
    plans,
    reminders,
)


@pytest.fixture
def demo_db(db):
    """Only the demo organisation: the demo's own participants would blur the counts."""
    from finsam_desktop.services import demo

    with db.session() as s:
        demo.create_organisation(s)
    return db


@pytest.fixture
def case(demo_db):
    return enrol_participant(demo_db)


def options(db, key: OptionList) -> list[Option]:
    with db.reading() as s:
        return case_options.list_options(s, key)


def test_overview_counts_days_and_names_contacts(demo_db, case):
    with demo_db.reading() as s:
        c = casework.get_participation(s, case["participation"])
    today = date(2026, 11, 22)
    assert c.status is CaseStatus.ENROLLED
    assert c.person_name == "Märta Åkerprov"
    assert c.contact_person_name and c.second_contact_person_name
    assert c.limits.ends_on == date(2027, 1, 15)
    assert c.limits.days_since_enrolment(today) == 311
    assert c.limits.days_left(today) == 54
    assert c.next_follow_up == date(2026, 4, 15)  # no plan yet: three months from enrolment
    assert c.remittent_name == "Rut Remissdotter"
    with demo_db.reading() as s:
        assert casework.find_participation_of_person(s, case["person"]) == case["participation"]


def test_journal_locks_notes_after_their_day_and_corrections_refer_back(demo_db, case):
    pid, day1 = case["participation"], date(2026, 11, 2)
    entry = ContactEntry(
        None,
        pid,
        day1,
        ContactKind.TELEFON,
        [Counterpart.REMITTENT],
        "Stämt av läget.",
        day1,
        staff_id=case["staff"][0],
    )
    with demo_db.session() as s:
        saved = casework.save_contact(s, entry, today=day1)
    saved.note = "Stämt av läget med AF."
    with demo_db.session() as s:  # same day: may be edited
        saved = casework.save_contact(s, saved, today=day1)
    saved.note = "Ändrat i efterhand"
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        casework.save_contact(s, saved, today=date(2026, 11, 3))
    assert "note" in err.value.problems
    correction = ContactEntry(
        None,
        pid,
        day1,
        ContactKind.TELEFON,
        [Counterpart.REMITTENT],
        "Rättelse: samtalet gällde även praktik.",
        day1,
        corrects_id=saved.id,
    )
    with demo_db.session() as s:
        casework.save_contact(s, correction, today=date(2026, 11, 3))
    with demo_db.reading() as s:
        journal = casework.list_contacts(s, pid)
        c = casework.get_participation(s, pid)
    old = next(e for e in journal if e.id == saved.id)
    assert old.note == "Stämt av läget med AF."
    assert old.corrected_by_ids and old.locked(date(2026, 11, 3))
    assert c.last_remittent_contact == day1
    assert c.remittent_contact_due == date(2026, 12, 2)


def test_extension_once_by_the_steering_group(demo_db, case):
    pid, today = case["participation"], date(2026, 12, 20)
    with demo_db.session() as s:
        casework.request_extension(s, pid, date(2026, 12, 1), today)
    with demo_db.reading() as s:
        due = reminders.due_items(s, today)
    assert [r.participation_id for r in due[ReminderKind.EXTENSION_DECISION]] == [pid]
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        casework.decide_extension(s, pid, date(2026, 12, 10), 7, today)
    assert "months" in err.value.problems
    with demo_db.session() as s:
        limits = casework.decide_extension(s, pid, date(2026, 12, 10), 6, today)
    assert limits.ends_on == date(2027, 7, 15)
    with pytest.raises(ValidationError), demo_db.session() as s:
        casework.decide_extension(s, pid, date(2026, 12, 11), 1, today)
    with demo_db.reading() as s:
        due = reminders.due_items(s, today)
        kinds = [e.kind for e in casework.timeline(s, pid)]
    assert not due[ReminderKind.EXTENSION_DECISION]
    assert not due[ReminderKind.ENROLMENT_END]
    assert TimelineKind.EXTENSION in kinds


def test_template_versions_never_change_answers_given(demo_db, case):
    pid, today = case["participation"], date(2026, 2, 1)
    with demo_db.session() as s:
        first = mapping.get_mapping(s, pid)
        assert first.template.number == 1
        assert len(first.template.sections) == 9
        mapping.save_answers(s, pid, {"motivation": "4", "interests": "Fotboll och musik"})
    with demo_db.session() as s:
        sections = mapping.current_template(s).sections
        sections[0].questions.append(Question("driving_goal", "Mål med körkort", AnswerKind.TEXT))
        sections[6].questions = [q for q in sections[6].questions if q.key != "motivation"]
        newer = mapping.save_template(s, sections, today)
    assert newer.number == 2
    other = enrol_participant(demo_db, first="Hugo", last="Testberg", serial=7)
    with demo_db.reading() as s:
        kept = mapping.get_mapping(s, pid)
        fresh = mapping.get_mapping(s, other["participation"])
    assert kept.template.number == 1 and kept.template.question("motivation")
    assert kept.answers["motivation"] == "4"
    assert fresh.template.number == 2 and fresh.template.question("motivation") is None
    # A form built from version 1 before version 2 was saved still answers version 1.
    third = enrol_participant(demo_db, first="Saga", last="Provlund", serial=9)
    with demo_db.session() as s:
        saved = mapping.save_answers(
            s, third["participation"], {"motivation": "2"}, kept.template.id
        )
    assert saved.template.number == 1 and saved.answers["motivation"] == "2"
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        mapping.save_answers(s, pid, {"motivation": "9", "family_support": "kanske"})
    assert set(err.value.problems) == {"motivation", "family_support"}


def test_sessions_and_economic_advice(demo_db, case):
    pid, staff = case["participation"], case["staff"]
    benefits = options(demo_db, OptionList.BENEFIT)
    assert len(benefits) == 7
    with demo_db.session() as s:
        for day in (date(2026, 1, 20), date(2026, 1, 27), date(2026, 2, 3)):
            mapping.add_session(s, pid, MappingSession(None, day, staff[0], note="Samtal"), day)
        mapping.save_advice(
            s,
            pid,
            EconomicAdvice(date(2026, 2, 3), staff[1], benefit_ids=[benefits[1].id]),
            date(2026, 2, 3),
        )
    with pytest.raises(ValidationError), demo_db.session() as s:
        mapping.add_session(s, pid, MappingSession(None, date(2026, 3, 1), None), date(2026, 2, 1))
    with demo_db.reading() as s:
        m = mapping.get_mapping(s, pid)
    assert len(m.sessions) == 3
    assert m.advice.benefit_names == [benefits[1].name]


def _plan(pid, goals, insatser, made_on, follow_up=False, note=""):
    return PlanRevision(None, pid, 0, made_on, goals, insatser, note, follow_up)


def test_plan_revisions_are_kept_and_compared(demo_db, case):
    pid, staff = case["participation"], case["staff"]
    types = options(demo_db, OptionList.INSATS_TYPE)
    first_day = date(2026, 2, 10)
    with demo_db.session() as s:
        v1 = plans.save_revision(
            s,
            _plan(
                pid,
                [Goal("Hitta praktikplats")],
                [PlannedInsats(types[0].id, "Lager", staff[0], first_day, date(2026, 5, 1))],
                first_day,
            ),
            today=first_day,
        )
    with demo_db.session() as s:
        v2 = plans.save_revision(
            s,
            _plan(
                pid,
                [Goal("Hitta praktikplats", GoalStatus.ACHIEVED), Goal("Söka jobb")],
                [],
                date(2026, 5, 10),
                follow_up=True,
                note="Uppföljning",
            ),
            today=date(2026, 5, 10),
            based_on=1,
        )
    with pytest.raises(ValidationError), demo_db.session() as s:  # stale edit of version 1
        plans.save_revision(
            s, _plan(pid, [Goal("x")], [], date(2026, 5, 11)), date(2026, 5, 11), based_on=1
        )
    with demo_db.reading() as s:
        revisions = plans.list_revisions(s, pid)
        changes = plans.compare(s, v1.id, v2.id)
        c = casework.get_participation(s, pid)
    assert [r.number for r in revisions] == [2, 1]
    assert revisions[1].goals[0].status is GoalStatus.NOT_STARTED  # version 1 untouched
    assert revisions[1].insatser[0].description == "Lager"
    kinds = {(ch.part, ch.kind) for ch in changes}
    assert ("goal", "changed") in kinds and ("goal", "added") in kinds
    assert ("insats", "removed") in kinds
    assert c.next_follow_up == date(2026, 8, 10)
    with demo_db.reading() as s:
        due = reminders.due_items(s, date(2026, 8, 5))[ReminderKind.PLAN_FOLLOW_UP]
        not_yet = reminders.due_items(s, date(2026, 8, 2))[ReminderKind.PLAN_FOLLOW_UP]
    assert [r.due_on for r in due if r.participation_id == pid] == [date(2026, 8, 10)]
    assert not [r for r in not_yet if r.participation_id == pid]


def test_study_support_is_held_to_three_months(demo_db, case):
    pid = case["participation"]
    start = date(2026, 8, 17)
    with demo_db.session() as s:
        item = plans.save_study_support(s, StudySupport(None, pid, start, "Komvux Älvsnäs"))
    assert item.ends_on == date(2026, 9, 17)
    item.months = 3
    with demo_db.session() as s:
        item = plans.save_study_support(s, item)
    item.months = 4
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        plans.save_study_support(s, item)
    assert "months" in err.value.problems
    with demo_db.reading() as s:
        due = reminders.due_items(s, date(2026, 11, 10))[ReminderKind.STUDY_SUPPORT_END]
    assert [(r.participation_id, r.due_on) for r in due] == [(pid, date(2026, 11, 17))]


def test_work_training_with_follow_up_visits(demo_db, case):
    pid, staff = case["participation"], case["staff"]
    with demo_db.session() as s:
        t = plans.save_work_training(
            s,
            WorkTraining(
                None,
                pid,
                "Exempelbyggen AB",
                "Per Påhittsson",
                "0999-1",
                date(2026, 3, 1),
                None,
                20,
            ),
        )
        plans.add_work_visit(
            s,
            t.id,
            WorkVisit(None, date(2026, 3, 15), staff[0], note="Bra start"),
            date(2026, 3, 15),
        )
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        plans.save_work_training(s, WorkTraining(None, pid, "", hours_per_week=70))
    assert {"workplace", "starts_on", "hours_per_week"} <= set(err.value.problems)
    with demo_db.reading() as s:
        [training] = plans.list_work_training(s, pid)
        kinds = [e.kind for e in casework.timeline(s, pid)]
    assert training.visits[0].note == "Bra start"
    assert TimelineKind.VISIT in kinds


def test_close_with_summary_then_reopen_only_with_reason(demo_db, case):
    pid = case["participation"]
    today = date(2026, 11, 22)
    routes = options(demo_db, OptionList.EXIT_ROUTE)
    work = routes[0]
    sub = next(o for o in routes if o.parent_id == work.id)
    income = options(demo_db, OptionList.INCOME_SOURCE)
    occupation = options(demo_db, OptionList.OCCUPATION)
    education = options(demo_db, OptionList.EDUCATION_LEVEL)
    support = options(demo_db, OptionList.SUPPORT_TIME)
    with demo_db.session() as s:
        closing.save_entry_situation(
            s,
            pid,
            Situation(income[0].id, occupation[0].id, education[2].id, support[2].id),
            ENROLLED,
        )
        draft = closing.draft_summary(s, pid, today)
    assert "Märta Åkerprov" in draft
    exit_situation = Situation(income[6].id, occupation[2].id, education[2].id)
    with pytest.raises(ValidationError) as err, demo_db.session() as s:
        closing.close_case(
            s,
            pid,
            Closing(today, work.id, routes[-1].id, "x", exit_situation=exit_situation),
            today,
        )
    assert "exit_sub_route_id" in err.value.problems
    done = Closing(
        today,
        work.id,
        sub.id,
        "Märta har fått anställning.",
        "Fortsatt kontakt med AF.",
        exit_situation,
        date(2026, 11, 10),
        date(2026, 11, 20),
        "Märta, Rut (AF), Karin",
    )
    with demo_db.session() as s:
        closing.close_case(s, pid, done, today)
    with demo_db.reading() as s:
        c = casework.get_participation(s, pid)
        saved = closing.get_closing(s, pid)
        entry = closing.entry_situation(s, pid)
        letter = closing.closing_letter_data(s, pid, None, today)
    assert c.status is CaseStatus.CLOSED and c.closed_on == today
    assert saved.exit_sub_route_name == sub.name and entry.support_time_id == support[2].id
    assert letter.remittent_lines[0] == "Rut Remissdotter"
    assert "Box 5" in letter.remittent_lines
    with pytest.raises(ValidationError), demo_db.session() as s:
        casework.save_contact(
            s, ContactEntry(None, pid, today, ContactKind.ANTECKNING, [], "x", today), today
        )  # closed cases still take notes
        casework.request_extension(s, pid, today, today)
    with pytest.raises(ValidationError), demo_db.session() as s:
        closing.reopen_case(s, pid, " ", today)
    with demo_db.session() as s:
        closing.reopen_case(s, pid, "Anställningen avbröts under provanställningen.", today)
        closing.record_letter(
            s, pid, b"%PDF-1.4", "Sammanfattning", "Karin", datetime(2026, 11, 22, 10)
        )
    with demo_db.reading() as s:
        c = casework.get_participation(s, pid)
        events = casework.timeline(s, pid)
    assert c.status is CaseStatus.ENROLLED
    reopened = next(e for e in events if e.kind is TimelineKind.REOPENED)
    assert "provanställningen" in reopened.text
    assert any(e.kind is TimelineKind.LETTER for e in events)
    assert any(e.kind is TimelineKind.REFERRAL and "R-2026-0003" in e.text for e in events)


def test_reminders_on_a_fixed_calendar(demo_db, case):
    pid = case["participation"]
    ending = enrol_participant(demo_db, date(2025, 12, 1), "Ebba", "Provlund", serial=11)
    past = enrol_participant(demo_db, date(2025, 10, 1), "Ture", "Demovik", serial=12)
    today = date(2026, 11, 22)
    with demo_db.reading() as s:
        due = reminders.due_items(s, today)
        mine = reminders.due_items(s, today, staff_id=case["staff"][0])
        nobody = reminders.due_items(s, today, staff_id=case["staff"][-1] + 999)
    ids = lambda kind: {r.participation_id for r in due[kind]}  # noqa: E731
    assert ids(ReminderKind.ENROLMENT_END) == {ending["participation"]}
    assert ids(ReminderKind.PAST_END) == {past["participation"]}
    assert pid in ids(ReminderKind.REMITTENT_CONTACT)
    assert pid in ids(ReminderKind.PLAN_FOLLOW_UP)
    assert ids(ReminderKind.ENROLMENT_END) <= {
        r.participation_id for r in mine[ReminderKind.ENROLMENT_END]
    }
    assert not any(nobody[k] for k in ReminderKind if k is not ReminderKind.REFERRAL_ANSWER)
    # Thirty-one days before the end is not yet a warning; thirty is.
    with demo_db.reading() as s:
        early = reminders.due_items(s, date(2026, 12, 15))[ReminderKind.ENROLMENT_END]
        warned = reminders.due_items(s, date(2026, 12, 16))[ReminderKind.ENROLMENT_END]
    assert pid not in {r.participation_id for r in early}
    assert pid in {r.participation_id for r in warned}


def test_case_list_and_caseload(demo_db, case):
    enrol_participant(demo_db, first="Hugo", last="Testberg", serial=7)
    query = casework.participation_list(demo_db)
    assert query.count() == 2
    assert query.count("åker") == 1
    assert query.count(filters={"staff_id": case["staff"][0]}) == 2
    assert query.count(filters={"status": "closed"}) == 0
    rows = query.page(0, 10, sort_index=0)
    assert rows[0].values[0] == "Testberg, Hugo"
    with demo_db.reading() as s:
        load = casework.caseload(s)
    assert load[0][2] == 2 and load[0][3] == 25


def test_configurable_lists_add_sub_routes_and_retire(demo_db, case):
    routes = options(demo_db, OptionList.EXIT_ROUTE)
    with demo_db.session() as s:
        new = case_options.save_option(
            s, Option(None, OptionList.EXIT_ROUTE, "Eget företag", parent_id=routes[0].id)
        )
    with pytest.raises(ValidationError), demo_db.session() as s:
        case_options.save_option(
            s, Option(None, OptionList.EXIT_ROUTE, "Eget företag", parent_id=routes[0].id)
        )
    new.active = False
    with demo_db.session() as s:
        case_options.save_option(s, new)
    assert new.id not in {o.id for o in options(demo_db, OptionList.EXIT_ROUTE)}
    with demo_db.reading() as s:
        every = case_options.list_options(s, OptionList.EXIT_ROUTE, include_retired=True)
    assert new.id in {o.id for o in every}


def test_opening_and_printing_are_logged_without_case_text(demo_db, case):
    from sqlalchemy import select

    # The access log belongs to the security capability; without it there is nothing to read.
    security = pytest.importorskip("finsam_desktop.db.security_models")
    AuditLogRow = security.AuditRow  # noqa: N806

    with demo_db.session() as s:
        casework.record_case_opened(s, case["participation"])
        casework.record_printout(s, case["participation"], "plan")
    with demo_db.reading() as s:
        rows = s.execute(
            select(AuditLogRow.action, AuditLogRow.person_id, AuditLogRow.what).where(
                AuditLogRow.action.in_(("view", "output"))
            )
        ).all()
    assert ("view", case["person"], "case") in rows
    assert ("output", case["person"], "plan") in rows
