"""The day each kind of reminder of a participation is due, stored on the participation
and indexed, so that Översikt counts and lists what is due by an index range instead of
working the days out for every open participation (``services/reminders.py``).

``participation.due_plan_follow_up``, ``due_remittent_contact``, ``due_end`` (the
effective end: the extended end once extended) and ``due_extension_decision`` (the day
an extension was requested while the styrgrupp has not decided) hold the day while the
participation is enrolled, NULL when it is closed or has nothing of that kind to remind of.

They are worked out from (``INPUTS``) the participation's status, enrolment day, planned
end and insats; its case file's last plan event, last contact with the remittent and
extension; the insats's months between plan follow-ups and days between contacts with the
remittent. ``columns`` is the one rule, in SQL, with the month arithmetic of
``db.expressions.add_months`` (the domain's, checked by tests/db/test_due_dates.py against
``domain.casework`` for every kind and every input).

``install`` keeps them on a Database's session factories, in the transaction of the
change: after every flush, the participations whose inputs the flush changed (new,
changed or removed participations and case files; the participations of an insats whose
months or days changed) are worked out again by one UPDATE; an INSERT, UPDATE or DELETE
of those tables given to a session as a statement (the demo generator's bulk inserts)
leaves no objects to follow, so every participation is worked out again once, before the
commit.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, event, func, null, select, update
from sqlalchemy.orm import Session, sessionmaker

from finsam_desktop.db.casework_models import CaseFileRow
from finsam_desktop.db.expressions import add_days, add_months
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain.casework import CaseStatus

# What the due days are worked out from, by table.
INPUTS: dict[str, frozenset[str]] = {
    "participation": frozenset({"status", "enrolled_on", "planned_end", "insats_id"}),
    "case_file": frozenset(
        {
            "last_plan_event_on",
            "last_remittent_contact_on",
            "extension_months",
            "ends_on",
            "extension_requested_on",
            "extension_decided_on",
        }
    ),
    "insats": frozenset({"plan_follow_up_months", "remittent_contact_days"}),
}
DUE_COLUMNS = (
    "due_plan_follow_up",
    "due_remittent_contact",
    "due_end",
    "due_extension_decision",
)
_STALE = "finsam_due_dates_stale"
_CHUNK = 500  # ids per UPDATE: well below the engines' limits on bound parameters


def columns(p: Any = None) -> dict[str, ColumnElement]:
    """Each stored due day as SQL over the participation table ``p`` (its case file and
    insats read by correlated subqueries), NULL while the participation is not enrolled."""
    p = ParticipationRow.__table__ if p is None else p
    cf, i = CaseFileRow.__table__.c, InsatsRow.__table__.c

    def of_file(column) -> ColumnElement:
        return select(column).where(cf.participation_id == p.c.id).scalar_subquery()

    def of_insats(column) -> ColumnElement:
        return select(column).where(i.id == p.c.insats_id).scalar_subquery()

    def while_enrolled(day: ColumnElement) -> ColumnElement:
        return case((p.c.status == CaseStatus.ENROLLED.value, day), else_=null())

    last_plan = func.coalesce(of_file(cf.last_plan_event_on), p.c.enrolled_on)
    last_contact = func.coalesce(of_file(cf.last_remittent_contact_on), p.c.enrolled_on)
    # No case file yet: no extension, the planned end (as Översikt's outer join did).
    end = case((of_file(cf.extension_months) > 0, of_file(cf.ends_on)), else_=p.c.planned_end)
    waiting = case(
        (of_file(cf.extension_decided_on).is_(None), of_file(cf.extension_requested_on)),
        else_=null(),
    )
    return {
        "due_plan_follow_up": while_enrolled(
            add_months(last_plan, of_insats(i.plan_follow_up_months))
        ),
        "due_remittent_contact": while_enrolled(
            add_days(last_contact, of_insats(i.remittent_contact_days))
        ),
        "due_end": while_enrolled(end),
        "due_extension_decision": while_enrolled(waiting),
    }


def _update(where: ColumnElement | None = None):
    p = ParticipationRow.__table__
    stmt = update(p).values(
        **columns(p),
        # A derived value is no edit of the participation: its time of change stays.
        updated_at=p.c.updated_at,
    )
    return stmt if where is None else stmt.where(where)


def refresh(
    connection: Connection | Session,
    participation_ids: Iterable[int] = (),
    insats_ids: Iterable[int] = (),
) -> None:
    """Work the due days out again for these participations and every participation of
    these insatser."""
    p = ParticipationRow.__table__.c
    for column, ids in ((p.id, participation_ids), (p.insats_id, insats_ids)):
        ids = sorted(set(ids))
        for start in range(0, len(ids), _CHUNK):
            connection.execute(_update(column.in_(ids[start : start + _CHUNK])))


def refresh_all(connection: Connection | Session) -> None:
    """Work the due days out again for every participation."""
    connection.execute(_update())


def _changed(obj: Any, names: frozenset[str]) -> bool:
    from sqlalchemy import inspect

    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _after_flush(session: Session, _context) -> None:
    participations: set[int] = set()
    insatser: set[int] = set()
    for obj in session.new:
        if isinstance(obj, ParticipationRow):
            participations.add(obj.id)
        elif isinstance(obj, CaseFileRow):
            participations.add(obj.participation_id)
    for obj in session.dirty:
        if isinstance(obj, ParticipationRow) and _changed(obj, INPUTS["participation"]):
            participations.add(obj.id)
        elif isinstance(obj, CaseFileRow) and _changed(obj, INPUTS["case_file"]):
            participations.add(obj.participation_id)
        elif isinstance(obj, InsatsRow) and _changed(obj, INPUTS["insats"]):
            insatser.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, CaseFileRow):
            participations.add(obj.participation_id)
    participations.discard(None)  # type: ignore[arg-type]
    if participations or insatser:
        refresh(session.connection(), participations, insatser)


def _on_execute(state) -> None:
    """A statement that writes one of the inputs' tables: its rows are not known here."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in INPUTS:
            state.session.info[_STALE] = True


def _before_commit(session: Session) -> None:
    if session.info.pop(_STALE, False):
        session.flush()
        refresh_all(session.connection())


def _after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop(_STALE, None)


_INSTALLED: weakref.WeakSet[sessionmaker] = weakref.WeakSet()


def install(factory: sessionmaker) -> None:
    """Keep the due days on every session ``factory`` makes (idempotent)."""
    if factory in _INSTALLED:
        return
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_soft_rollback", _after_soft_rollback)
    _INSTALLED.add(factory)
