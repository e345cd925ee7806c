"""The access log: views, changes with before/after, outputs; a tamper-evident chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.persons import Gender, Person
from finsam_desktop.services import accounts, log_review, persons
from finsam_desktop.services.access import Role
from finsam_desktop.services.audit import log_output, log_view
from finsam_desktop.services.log_review import LogFilter

PASSWORD = "correct horse 42"


@pytest.fixture
def admin(db):
    with db.session() as s:
        user = accounts.create_user(s, "admin", "Anna Admin", Role.ADMIN, PASSWORD, PASSWORD)
    db.user = user
    return user


def new_person(db) -> Person:
    person = Person(
        id=None,
        personnummer=None,
        first_name="Testa",
        last_name="Testsson",
        address=PostalAddress("Gatan 1", "711 30", "Lindesberg"),
        municipality_id=None,
        gender=Gender.WOMAN,
        protected_identity=False,
        phone="",
        email="",
    )
    with db.session() as s:
        return persons.save_person(s, person, "19900101-0017")


def entries(db, **where):
    with db.reading() as s:
        stmt = select(AuditRow).order_by(AuditRow.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditRow, key) == value)
        return [
            (r.action, r.table_name, r.record_id, r.person_id, r.username, r.what, r.details)
            for r in s.scalars(stmt)
        ]


def test_a_change_records_table_person_and_fields_before_and_after(db, admin):
    person = new_person(db)
    created = entries(db, action="create", table_name="person")
    assert created[0][2:5] == (person.id, person.id, "admin")
    assert created[0][6]["after"]["last_name"] == "Testsson"
    changed = Person(**{**person.__dict__, "last_name": "Nyberg"})
    with db.session() as s:
        persons.save_person(s, changed)
    (update,) = entries(db, action="update", table_name="person")
    assert update[3] == person.id
    assert update[6]["changed"]["last_name"] == ["Testsson", "Nyberg"]
    assert "version" not in update[6]["changed"] and "first_name" not in update[6]["changed"]


def test_opening_a_case_is_logged_even_from_a_read_only_session(db, admin):
    person = new_person(db)
    with db.reading() as s:
        persons.get_person(s, person.id)
    with db.reading() as s:
        log_view(s, person.id, "plan")
    views = entries(db, action="view")
    assert [(v[3], v[5], v[4]) for v in views] == [
        (person.id, "person", "admin"),
        (person.id, "plan", "admin"),
    ]


def test_outputs_logins_and_locks_are_logged(db, admin):
    with db.session() as s:
        log_output(s, "registerutdrag", person_id=7)
        accounts.record_lock(s)
    with db.session() as s:
        assert accounts.verify_for_unlock(s, PASSWORD).ok
        assert not accounts.verify_for_unlock(s, "wrong").ok
    actions = [e[0] for e in entries(db)]
    assert actions[-4:] == ["output", "lock", "unlock", "unlock_failed"]
    assert entries(db, action="output")[0][3:6] == (7, "admin", "registerutdrag")


def test_password_hashes_never_reach_the_log(db, admin):
    with db.session() as s:
        accounts.reset_password(s, admin.id, "another-pass-1", "another-pass-1")
    with db.reading() as s:
        dump = " ".join(str(d) for d in s.scalars(select(AuditRow.details)))
    assert "$argon2" not in dump


def drop_trigger(db, name: str) -> str:
    """What someone holding the database (key or server role) runs to drop a trigger."""
    return f"DROP TRIGGER {name} ON audit_log" if db.on_server else f"DROP TRIGGER {name}"


def test_chain_verifies_and_reports_tampering(db, admin):
    new_person(db)
    with db.reading() as s:
        report = log_review.verify_chain(s)
    assert report.ok and report.checked >= 3
    with db.session() as s, pytest.raises(DBAPIError, match="append-only"):
        s.execute(text("UPDATE audit_log SET username = 'x' WHERE id = 2"))
    with db.session() as s, pytest.raises(DBAPIError, match="five years"):
        s.execute(text("DELETE FROM audit_log WHERE id = 2"))
    # Someone with the key who drops the triggers still cannot hide the edit.
    con = db.raw_connect()
    con.execute(drop_trigger(db, "audit_log_no_update"))
    con.execute("UPDATE audit_log SET username = 'someone' WHERE id = 2")
    con.close()
    with db.reading() as s:
        report = log_review.verify_chain(s)
    assert not report.ok and report.broken_at == 2


def test_removed_entry_breaks_the_chain(db, admin):
    new_person(db)
    con = db.raw_connect()
    con.execute(drop_trigger(db, "audit_log_keep_five_years"))
    con.execute("DELETE FROM audit_log WHERE id = 2")
    con.close()
    with db.reading() as s:
        report = log_review.verify_chain(s)
    assert report.broken_at == 3


def test_review_filters_by_user_person_action_and_period(db, admin):
    person = new_person(db)
    query = log_review.log_list(db)
    assert query.count() == len(entries(db))
    assert query.count(filters={"person_id": person.id}) == 1
    assert query.count(filters={"action": "account"}) == 1
    assert query.count(filters={"user_id": admin.id, "date_from": date.today()}) >= 2
    assert query.count(filters={"date_to": date(2020, 1, 1)}) == 0
    with db.reading() as s:
        rows = log_review.review_rows(s, LogFilter(person_id=person.id))
    assert rows[0][1] == "admin" and rows[0][2] == "Skapad" and rows[0][3] == "Person"


def test_a_change_deep_in_a_case_is_logged_under_the_person(demo_db):
    from finsam_desktop.db.casework_models import CaseFileRow
    from finsam_desktop.db.referral_models import ParticipationRow

    with demo_db.session() as s:
        case = s.scalar(select(CaseFileRow).limit(1))
        if case is None:
            pytest.skip("the demo data has no case file")
        person_id = s.get(ParticipationRow, case.participation_id).person_id
        case.advice_note = "Ekonomisk rådgivning erbjuden."
        case_id = case.participation_id
    (entry,) = entries(demo_db, action="update", table_name="case_file")
    assert entry[2:4] == (case_id, person_id)
    assert entry[6]["changed"]["advice_note"][1] == "Ekonomisk rådgivning erbjuden."


def test_changed_fields_are_named_in_swedish_in_the_review():
    from finsam_desktop.services.log_review import summarise_details

    assert summarise_details({"changed": {"first_name": ["Åsa", "Åse"]}}) == "Förnamn: Åsa → Åse"
    assert summarise_details({"after": {"name": 1, "active": 1}}) == "Aktiv, Namn"


def test_every_column_has_a_swedish_label():
    from finsam_desktop.db.schema import metadata
    from finsam_desktop.services.field_labels import COLUMN_LABELS

    assert [
        c.name for t in metadata.tables.values() for c in t.c if c.name not in COLUMN_LABELS
    ] == []
