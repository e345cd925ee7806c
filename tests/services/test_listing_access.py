"""A list's export checks the role on the list's own database: a ListQuery carries its
Database, and ``requires``/``current_user`` read the signed-in user from it (issue 13 §8)."""

from __future__ import annotations

import pytest

from finsam_desktop.services import persons
from finsam_desktop.services.access import AccessDenied, Role, User, current_user
from finsam_desktop.services.listing import ListState, export_list, list_report


def test_a_list_query_names_the_user_of_its_database(demo_db):
    demo_db.user = User(98, "samordnare", "Sam Ordnare", Role.COORDINATOR)
    query = persons.person_list(demo_db)
    assert current_user(query) is demo_db.user


@pytest.mark.parametrize("role", [Role.STATISTICS])
def test_a_role_without_casework_cannot_take_a_list_out(demo_db, tmp_path, role):
    # The query was made while a coordinator was signed in; the export is asked for by
    # another role on the same database (a window left open, a switched user).
    demo_db.user = User(98, "samordnare", "Sam Ordnare", Role.COORDINATOR)
    query = persons.person_list(demo_db)
    assert len(list_report(query, "Deltagare", ListState()).tables[0].rows) == 60
    demo_db.user = User(99, "siffror", "Siffer Räknare", role)
    with pytest.raises(AccessDenied):
        list_report(query, "Deltagare", ListState())
    path = tmp_path / "deltagare.csv"
    with pytest.raises(AccessDenied):
        export_list(query, "participants", "Deltagare", ListState(), path, "csv")
    assert not path.exists()
    demo_db.user = User(98, "samordnare", "Sam Ordnare", Role.COORDINATOR)
    assert export_list(query, "participants", "Deltagare", ListState(), path, "csv") == 60
    assert path.read_text(encoding="utf-8-sig").count("\n") >= 60
