"""Skyddad identitet masking, and who may run gallring, restore or take a registerutdrag."""

from __future__ import annotations

from datetime import date

import pytest

from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.services import backups, register_extract, retention
from finsam_desktop.services.access import AccessDenied, Role, User
from finsam_desktop.services.privacy import exportable, mask_person, mask_person_fields
from tests.services.person_history import add_person_with_history, organisation


def test_protected_persons_lose_address_and_contact_details_everywhere():
    row = {
        "first_name": "Tove",
        "last_name": "Testberg",
        "personnummer": "19940506-9812",
        "street": "Påhittsgatan 1",
        "postcode": "999 99",
        "city": "Exempelstad",
        "phone": "070",
        "email": "t@example.org",
        "protected_identity": True,
    }
    shown = mask_person_fields(row)
    assert (shown["street"], shown["postcode"], shown["phone"], shown["email"]) == ("",) * 4
    assert shown["city"] == "Skyddad identitet" and shown["first_name"] == "Tove"
    hidden = mask_person_fields(row, identity=True)
    assert hidden["first_name"] == "" and hidden["last_name"] == "Skyddad identitet"
    assert hidden["personnummer"] == "19940506-****"
    plain = dict(row, protected_identity=False)
    assert mask_person_fields(plain, identity=True) == plain
    assert exportable([row, plain]) == [plain]

    person = Person(
        1,
        PersonalNumber("199405069812"),
        "Tove",
        "Testberg",
        PostalAddress("Påhittsgatan 1", "999 99", "Exempelstad"),
        protected_identity=True,
        phone="070",
    )
    masked = mask_person(person)
    assert masked.address == PostalAddress() and masked.phone == ""
    assert mask_person(person, identity=True).first_name == ""


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STATISTICS])
def test_only_an_administrator_runs_gallring_or_restores(db, role):
    db.user = User(7, "anna", "Anna", role)
    with db.reading() as s, pytest.raises(AccessDenied):
        retention.candidates(s, date(2026, 11, 22))
    with db.session() as s, pytest.raises(AccessDenied):
        retention.run(s, [1], date(2026, 11, 22))
    with db.session() as s, pytest.raises(AccessDenied):
        retention.save_rules(s, retention.RetentionRules())
    with db.reading() as s, pytest.raises(AccessDenied):
        backups.check_may_restore(s)
    with db.session() as s, pytest.raises(AccessDenied):
        backups.save_settings(s, backups.BackupSettings(""))


def test_a_statistics_account_cannot_take_a_registerutdrag(db):
    with db.session() as s:
        pid = add_person_with_history(s, organisation(s), date(1990, 1, 1), 2025, 1)
    db.user = User(8, "stat", "Stat", Role.STATISTICS)
    with db.session() as s, pytest.raises(AccessDenied):
        register_extract.build_extract(s, pid)
    with db.session() as s, pytest.raises(AccessDenied):
        register_extract.find_person(s, "19900101-9810")
    db.user = User(9, "samordnare", "Sam", Role.COORDINATOR)
    with db.session() as s:
        assert register_extract.build_extract(s, pid).name == "Åsa Testberg"
