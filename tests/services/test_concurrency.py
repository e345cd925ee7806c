"""Two copies of the program on one database: both work, neither overwrites the other."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from finsam_desktop.db.engine import Database
from finsam_desktop.db.migrate import open_database
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.i18n import set_language
from finsam_desktop.services import persons
from finsam_desktop.services.demo import fake_personnummer
from finsam_desktop.services.records import ConcurrentChange


@pytest.fixture
def two_copies(tmp_path):
    path = tmp_path / "shared.sqlite"
    first = open_database(path)
    second = Database(path)  # another program on the same file
    yield first, second
    first.close()
    second.close()


def test_both_copies_work_and_the_second_save_of_one_record_is_refused(two_copies):
    first, second = two_copies
    number = fake_personnummer(None, date(1990, 1, 1), 1)
    with first.session() as s:
        created = persons.save_person(
            s, Person(None, PersonalNumber(""), "Åsa", "Testberg"), personnummer_text=number
        )
    # Both copies open the same person for editing.
    with first.reading() as s:
        mine = persons.get_person(s, created.id)
    with second.reading() as s:
        theirs = persons.get_person(s, created.id)
    assert mine.version == theirs.version == 1

    with second.session() as s:
        persons.save_person(s, replace(theirs, phone="070-000 00 01"))
    set_language("sv")
    with pytest.raises(ConcurrentChange) as err, first.session() as s:
        persons.save_person(s, replace(mine, phone="070-000 00 02"))
    # The refusal the user sees says why, in Swedish.
    assert "någon annan" in str(err.value).lower()
    with first.reading() as s:
        saved = persons.get_person(s, created.id)
    assert saved.phone == "070-000 00 01" and saved.version == 2

    # Having seen the saved version, the first copy can deliberately save over it.
    with first.session() as s:
        persons.save_person(s, replace(mine, phone="070-000 00 02", version=saved.version))
    with second.reading() as s:
        assert persons.get_person(s, created.id).phone == "070-000 00 02"


def test_writes_from_both_copies_interleave_without_loss(two_copies):
    first, second = two_copies
    ids = []
    for n in range(20):
        db = first if n % 2 else second
        number = fake_personnummer(None, date(1980 + n, 1, 1), n)
        with db.session() as s:
            p = persons.save_person(
                s, Person(None, PersonalNumber(""), f"P{n}", "Testberg"), personnummer_text=number
            )
        ids.append(p.id)
    with first.reading() as s:
        assert [persons.get_person(s, i).first_name for i in ids] == [f"P{n}" for n in range(20)]


def test_a_second_program_process_on_the_same_file(tmp_path):
    """The same as above with a real second process (its own connections and file locks)."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "shared.sqlite"
    db = open_database(path)
    try:
        number = fake_personnummer(None, date(1990, 1, 1), 1)
        with db.session() as s:
            mine = persons.save_person(
                s, Person(None, PersonalNumber(""), "Åsa", "Testberg"), personnummer_text=number
            )
        other_program = textwrap.dedent(
            f"""
            from dataclasses import replace
            from finsam_desktop.db.engine import Database
            from finsam_desktop.services import persons
            db = Database({str(path)!r})
            with db.session() as s:
                p = persons.get_person(s, {mine.id})
                persons.save_person(s, replace(p, phone="070-111 11 11"))
            db.close()
            print("saved")
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", other_program], capture_output=True, text=True, timeout=60
        )
        assert done.stdout.strip() == "saved", done.stderr
        with pytest.raises(ConcurrentChange), db.session() as s:
            persons.save_person(s, replace(mine, phone="070-222 22 22"))
        with db.reading() as s:
            assert persons.get_person(s, mine.id).phone == "070-111 11 11"
    finally:
        db.close()
