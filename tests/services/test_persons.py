import pytest

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.persons import Gender, Person
from finsam_desktop.services import persons


def draft(**kw) -> Person:
    base = dict(
        id=None,
        personnummer=None,
        first_name="Åsa",
        last_name="Exempelsson",
        address=PostalAddress("Testvägen 1", "999 10", "Örby"),
        gender=Gender.WOMAN,
    )
    base.update(kw)
    return Person(**base)


def test_a_person_is_stored_with_twelve_digits_and_found_by_any_form(db):
    with db.session() as s:
        saved = persons.save_person(s, draft(), "900101-9802")
    assert saved.personnummer.digits == "199001019802"
    with db.reading() as s:
        assert persons.find_by_personnummer(s, "19900101-9802").id == saved.id
        assert persons.find_by_personnummer(s, "9001019802").full_name == "Åsa Exempelsson"
        assert persons.find_by_personnummer(s, "19850214-9811") is None


def test_every_problem_is_reported_at_once_in_swedish(db):
    with pytest.raises(ValidationError) as err, db.session() as s:
        persons.save_person(s, draft(first_name="", last_name=" ", email="x"), "19900101-9807")
    problems = err.value.problems
    assert set(problems) == {"personnummer", "first_name", "last_name", "email"}
    assert "Kontrollsiffran" in problems["personnummer"]


def test_the_same_number_cannot_be_registered_twice(db):
    with db.session() as s:
        persons.save_person(s, draft(), "199001019802")
    with pytest.raises(ValidationError) as err, db.session() as s:
        persons.save_person(s, draft(first_name="Annan"), "900101-9802")
    assert "finns redan" in err.value.problems["personnummer"]


def test_samordningsnummer_is_accepted(db):
    with db.session() as s:
        saved = persons.save_person(s, draft(), "199001619809")
    assert saved.personnummer.is_coordination_number


def test_protected_identity_hides_the_address(db):
    with db.session() as s:
        saved = persons.save_person(s, draft(protected_identity=True), "199001019802")
    assert saved.postal_address() is None
    row = persons.person_list(db).page(0, 10)[0]
    assert "Testvägen" not in " ".join(map(str, row.values))
    assert "Skyddad identitet" in row.values


def test_person_list_searches_names_and_numbers_and_sorts_swedish(demo_db):
    query = persons.person_list(demo_db)
    total = query.count()
    assert total == 60
    by_name = [r.values[1] for r in query.page(0, 60, sort_index=1)]
    assert by_name.index("Övningström") > by_name.index("Ärligsson") > by_name.index("Åkerprov")
    some = query.page(0, 1)[0]
    digits = some.values[0].replace("-", "")
    assert query.page(0, 5, text=digits[2:10])[0].id == some.id
    assert query.count(some.values[1][:4].lower()) >= 1
    women = query.count(filters={"municipality_id": None})
    assert women == total
