"""Which kinds of records a committed transaction changed, worked out from its tables.

``watch`` listens on one Database's engine: every INSERT, UPDATE and DELETE it runs (an
ORM flush as much as a Core statement through a session or its connection) notes its
table on the connection; when the transaction commits, the kinds of those tables are
handed on, and a rollback forgets them. So the caller of a change never says what it
changed, and cannot say it wrong.

Every table of the schema has its kinds here (``tests/db/test_changes.py`` enumerates
the metadata and fails for a table without them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Engine, event

from finsam_desktop.domain.changes import Change

TABLE_CHANGES: dict[str, frozenset[Change]] = {
    name: frozenset(kinds)
    for name, kinds in {
        "person": {Change.PERSON},
        "referral": {Change.REFERRAL},
        "referral_party_contact": {Change.REFERRAL},
        "info_meeting": {Change.MEETING},
        "meeting_place": {Change.MEETING},
        "sent_letter": {Change.LETTER},
        "letter_template": {Change.LETTER_TEMPLATE},
        "participation": {Change.PARTICIPATION},
        "case_file": {Change.CASE},
        "case_contact": {Change.CASE},
        "case_event": {Change.CASE},
        "mapping_session": {Change.CASE},
        "mapping_answer": {Change.CASE},
        "plan_revision": {Change.CASE},
        "plan_goal": {Change.CASE},
        "plan_insats": {Change.CASE},
        "work_training": {Change.CASE},
        "work_visit": {Change.CASE},
        "study_support": {Change.CASE},
        "participant_survey": {Change.CASE},
        "case_option": {Change.CASE_OPTION},
        "mapping_template": {Change.MAPPING_TEMPLATE},
        "beredning": {Change.KRANS},
        "local_option": {Change.KRANS},
        "insats": {Change.INSATS},
        "party": {Change.PARTY},
        "municipality": {Change.MUNICIPALITY},
        "staff": {Change.STAFF},
        "federation": {Change.FEDERATION},
        "lots_case": {Change.LOTS},
        "lots_case_outcome": {Change.LOTS},
        "lots_category": {Change.LOTS_CATEGORY},
        "setting": {Change.SETTING},
        "users": {Change.USERS},
        "account_insats": {Change.USERS},
        "audit_log": {Change.ACCESS_LOG},
        "draft": {Change.DRAFT},
    }.items()
}

_WRITTEN = "finsam_written_tables"


def kinds_of(tables: Iterable[str]) -> frozenset[Change]:
    """The kinds of records the tables hold. Tables outside the schema (Alembic's own,
    while a migration runs) hold no records a screen shows."""
    return frozenset().union(*(TABLE_CHANGES.get(t, ()) for t in tables))


def watch(engine: Engine, committed: Callable[[frozenset[Change]], None]) -> None:
    """Call ``committed(kinds)`` after every transaction on ``engine`` that wrote rows."""

    @event.listens_for(engine, "after_execute")
    def _noted(conn, clauseelement, _multiparams, _params, _options, _result) -> None:
        if getattr(clauseelement, "is_dml", False):
            table = getattr(clauseelement, "table", None)
            name = getattr(table, "name", None)
            if name:
                conn.info.setdefault(_WRITTEN, set()).add(name)

    @event.listens_for(engine, "commit")
    def _committed(conn) -> None:
        tables = conn.info.pop(_WRITTEN, None)
        if tables:
            committed(kinds_of(tables))

    @event.listens_for(engine, "rollback")
    def _forgotten(conn) -> None:
        conn.info.pop(_WRITTEN, None)
