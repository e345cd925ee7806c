"""The due days stored on the participations (``db/due_dates.py``) are always those the
domain's rules give: after the demo's bulk inserts, and after every way each input of
every kind of reminder changes (every column of ``due_dates.INPUTS``, a case file made
or removed, a participation enrolled), written as objects or as a statement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, update

from finsam_desktop.db import due_dates
from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import (
    CaseStatus,
    ReminderKind,
    plan_follow_up_due,
    remittent_contact_due,
)
from finsam_desktop.services import demo, reminders

DAY = timedelta(days=1)
# The stored day each kind of reminder of a participation is a range of.
KIND_COLUMN = {
    ReminderKind.PLAN_FOLLOW_UP: "due_plan_follow_up",
    ReminderKind.REMITTENT_CONTACT: "due_remittent_contact",
    ReminderKind.ENROLMENT_END: "due_end",
    ReminderKind.PAST_END: "due_end",
    ReminderKind.EXTENSION_DECISION: "due_extension_decision",
}
# Kinds not stored: remissvar (referrals), stöd vid studier (its own indexed end) and
# the local models' missing outcomes (krans).
NOT_STORED = {
    ReminderKind.REFERRAL_ANSWER,
    ReminderKind.STUDY_SUPPORT_END,
    ReminderKind.OUTCOME_MISSING,
}


def by_domain_rules(session) -> dict[int, tuple]:
    """Each participation's due days as the case screen works them out, in Python."""
    p, cf, i = ParticipationRow, CaseFileRow, InsatsRow
    rows = session.execute(
        select(p.id, p.status, p.enrolled_on, p.planned_end)
        .add_columns(cf.last_plan_event_on, cf.last_remittent_contact_on, cf.extension_months)
        .add_columns(cf.ends_on, cf.extension_requested_on, cf.extension_decided_on)
        .add_columns(i.plan_follow_up_months, i.remittent_contact_days)
        .join(i, i.id == p.insats_id)
        .outerjoin(cf, cf.participation_id == p.id)
    ).all()
    found = {}
    for r in rows:
        if r.status != CaseStatus.ENROLLED.value:
            found[r.id] = (None, None, None, None)
            continue
        found[r.id] = (
            plan_follow_up_due(r.last_plan_event_on, r.enrolled_on, r.plan_follow_up_months),
            remittent_contact_due(
                r.last_remittent_contact_on, r.enrolled_on, r.remittent_contact_days
            ),
            r.ends_on if (r.extension_months or 0) > 0 else r.planned_end,
            r.extension_requested_on if r.extension_decided_on is None else None,
        )
    return found


def stored(session) -> dict[int, tuple]:
    p = ParticipationRow
    columns = [getattr(p, name) for name in due_dates.DUE_COLUMNS]
    return {r[0]: tuple(r[1:]) for r in session.execute(select(p.id, *columns)).all()}


def assert_stored_is_computed(db) -> dict[int, tuple]:
    with db.reading() as s:
        now = stored(s)
        assert now == by_domain_rules(s)
    return now


def test_every_kind_of_reminder_is_stored_or_named_as_not():
    assert set(KIND_COLUMN) | NOT_STORED == set(ReminderKind)
    assert set(KIND_COLUMN.values()) == set(due_dates.DUE_COLUMNS)


def _new_value(name: str, value, other_insats: int):
    """A changed value of the input column ``name``."""
    if name == "status":
        closed = CaseStatus.CLOSED.value
        return CaseStatus.ENROLLED.value if value == closed else closed
    if name == "insats_id":
        return other_insats
    if name == "plan_follow_up_months":
        return value + 5
    if name == "remittent_contact_days":
        return value + 17
    if name == "extension_months":
        return 0 if value else 6
    if name == "extension_decided_on":
        return None if value else date.today()
    return (value or date.today()) - 40 * DAY  # every other input is a day


@pytest.fixture
def filled(db):
    demo.fill(db, participants=40, lots=0)
    return db


def _a_case(session) -> CaseFileRow:
    """The first enrolled participation's case file."""
    p, cf = ParticipationRow, CaseFileRow
    return session.scalars(
        select(cf)
        .join(p, p.id == cf.participation_id)
        .where(p.status == CaseStatus.ENROLLED.value)
        .order_by(cf.participation_id)
        .limit(1)
    ).one()


@pytest.mark.parametrize("how", ["objects", "statement"])
def test_every_input_of_every_kind_moves_the_stored_days(filled, how):
    db = filled
    before = assert_stored_is_computed(db)  # the demo's bulk inserts
    moved: set[int] = set()  # the stored columns some change moved
    inputs = [(table, name) for table, names in due_dates.INPUTS.items() for name in names]
    for table, name in sorted(inputs):
        with db.session() as s:
            case_file = _a_case(s)
            pid = case_file.participation_id
            # A case where the input counts: extended, with another extension awaiting
            # decision, for the case file's; no plan, no contact nor extension yet for
            # the participation's (its enrolment and planned end count then).
            case_file.extension_requested_on = date.today() - 3 * DAY
            case_file.extension_decided_on = None
            case_file.extension_months = 6 if table == "case_file" else 0
            case_file.ends_on = date.today() + 90 * DAY
            if table == "participation":
                case_file.last_plan_event_on = case_file.last_remittent_contact_on = None
        before = assert_stored_is_computed(db)
        with db.session() as s:
            participation = s.get(ParticipationRow, pid)
            row = {
                "participation": participation,
                "case_file": s.get(CaseFileRow, pid),
                "insats": s.get(InsatsRow, participation.insats_id),
            }[table]
            other = s.scalar(select(InsatsRow.id).where(InsatsRow.id != participation.insats_id))
            value = _new_value(name, getattr(row, name), other)
            if how == "objects":
                setattr(row, name, value)
            else:
                model = type(row)
                key = model.id if table != "case_file" else model.participation_id
                s.execute(update(model).where(key == getattr(row, key.key)).values({name: value}))
        after = assert_stored_is_computed(db)
        changed = {
            column
            for column, old, new in zip(due_dates.DUE_COLUMNS, before[pid], after[pid], strict=True)
            if old != new
        }
        assert changed, f"{table}.{name} moved no stored day"
        moved |= changed
        if table == "participation" and name == "status":  # enrolled again for the next
            with db.session() as s:
                s.get(ParticipationRow, pid).status = CaseStatus.ENROLLED.value
            assert_stored_is_computed(db)
    assert moved == set(due_dates.DUE_COLUMNS)


def test_a_case_file_made_or_removed_and_a_participation_enrolled(filled):
    db = filled
    with db.session() as s:
        pid = _a_case(s).participation_id
        s.execute(delete(CaseFileRow).where(CaseFileRow.participation_id == pid))
    assert_stored_is_computed(db)
    with db.session() as s:
        s.add(
            CaseFileRow(
                participation_id=pid,
                last_plan_event_on=date.today() - 100 * DAY,
                last_remittent_contact_on=date.today() - 10 * DAY,
                extension_requested_on=date.today() - DAY,
            )
        )
    assert_stored_is_computed(db)
    with db.session() as s:
        s.delete(s.get(CaseFileRow, pid))
    assert_stored_is_computed(db)
    with db.session() as s:
        old = s.get(ParticipationRow, pid)
        new = ParticipationRow(
            person_id=old.person_id,
            insats_id=old.insats_id,
            enrolled_on=date.today() - 200 * DAY,
            planned_end=date.today() + 5 * DAY,
            contact_person_id=old.contact_person_id,
            second_contact_person_id=old.second_contact_person_id,
        )
        s.add(new)
        s.flush()
        new_id = new.id
    now = assert_stored_is_computed(db)
    assert all(day is not None for day in now[new_id][:3])
    # And Översikt lists it by what is stored: ending within the month.
    with db.reading() as s:
        ending = reminders.due_items(s, date.today())[ReminderKind.ENROLMENT_END]
    assert new_id in {r.participation_id for r in ending}


def test_a_rolled_back_statement_leaves_nothing_to_work_out(filled):
    db = filled
    with pytest.raises(RuntimeError), db.session() as s:
        s.execute(update(CaseFileRow).values(extension_months=0))
        raise RuntimeError("the save fails")
    with db.session() as s:
        assert not s.info.get(due_dates._STALE)
    assert_stored_is_computed(db)
