"""Two copies on one database in the UI: the second save sees both versions and chooses;
a read-only or full disk gives a Swedish message and keeps what was typed."""

from __future__ import annotations

import contextlib
import subprocess
from dataclasses import replace

import pytest
from sqlalchemy import event

from finsam_desktop.db.engine import Database
from finsam_desktop.services import persons
from finsam_desktop.ui.widgets.conflict import ConflictDialog


@pytest.fixture(autouse=True)
def no_discard_question_at_teardown(qapp):
    """A failed assertion must not leave a dirty form asking a modal question."""
    yield
    from PySide6.QtWidgets import QApplication

    from finsam_desktop.ui.widgets.forms import FormDialog

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, FormDialog):
            widget.fields.dirty = False


def first_person(ctx):
    with ctx.db.reading() as s:
        return persons.get_person(s, persons.person_list(ctx.db).page(0, 1)[0].id)


def test_second_save_shows_both_versions_and_nothing_is_overwritten(ctx, window, qtbot, type_text):
    person = first_person(ctx)
    page = window.show_page("participants")
    dialog = page.open_person(person.id)

    # Another copy of the program changes the phone number and the town meanwhile.
    other = Database(ctx.db.path)
    try:
        with other.session() as s:
            theirs = persons.get_person(s, person.id)
            persons.save_person(
                s,
                replace(
                    theirs, phone="070-111 11 11", address=replace(theirs.address, city="Åkerby")
                ),
            )
    finally:
        other.close()

    dialog.phone.setText("")
    type_text(dialog.phone, "070-222 22 22")
    dialog.first.setText("")
    type_text(dialog.first, "Märta")
    dialog.accept()

    conflict = dialog.conflict_dialog
    assert isinstance(conflict, ConflictDialog) and conflict.isVisible()
    rows = {
        conflict.table.item(r, 0).text(): (
            conflict.table.item(r, 1).text(),
            conflict.table.item(r, 2).text(),
        )
        for r in range(conflict.table.rowCount())
    }
    assert rows["Telefon"] == ("070-222 22 22", "070-111 11 11")
    assert rows["Förnamn"] == ("Märta", person.first_name)
    assert rows["Ort"][1] == "Åkerby"
    assert "någon annan" in conflict.windowTitle().lower()
    conflict.grab().save("/tmp/conflict_dialog.png")

    # Keep my phone and first name, take their town.
    keys = [d.key for d in conflict.found]
    conflict.choices[keys.index("city")].setCurrentIndex(1)
    conflict.accept()
    assert dialog.isVisible()
    assert dialog.city.text() == "Åkerby" and dialog.phone.text() == "070-222 22 22"
    with ctx.db.reading() as s:  # nothing written yet
        assert persons.get_person(s, person.id).phone == "070-111 11 11"

    dialog.accept()
    assert not dialog.isVisible()
    with ctx.db.reading() as s:
        saved = persons.get_person(s, person.id)
    assert (saved.phone, saved.first_name, saved.address.city) == (
        "070-222 22 22",
        "Märta",
        "Åkerby",
    )


def test_cancelling_the_choice_keeps_the_typed_text_and_the_message(ctx, window, type_text):
    person = first_person(ctx)
    dialog = window.show_page("participants").open_person(person.id)
    other = Database(ctx.db.path)
    try:
        with other.session() as s:
            persons.save_person(s, replace(persons.get_person(s, person.id), phone="1"))
    finally:
        other.close()
    dialog.phone.setText("")
    type_text(dialog.phone, "070-333 33 33")
    dialog.accept()
    dialog.conflict_dialog.reject()
    assert dialog.phone.text() == "070-333 33 33"
    assert "någon annan" in dialog.banner.text().lower()
    dialog.fields.dirty = False
    dialog.reject()


def fill_person_form(dialog, type_text) -> None:
    type_text(dialog.pnr, "19900101-9802")
    type_text(dialog.first, "Märta")
    type_text(dialog.last, "Påhittsson")
    type_text(dialog.street, "Långgatan 1")


def test_a_read_only_database_says_so_and_keeps_the_typed_text(ctx, window, type_text):
    """Root ignores chmod, so the read-only folder is made by SQLite itself: with
    query_only every write is refused exactly like on a read-only file."""

    @event.listens_for(ctx.db.engine, "connect")
    def _read_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only = 1")

    ctx.db.engine.dispose()
    dialog = window.show_page("participants").new_person()
    fill_person_form(dialog, type_text)
    dialog.accept()
    assert dialog.isVisible()
    assert "skrivskydd" in dialog.banner.text().lower()
    assert "det du skrev finns kvar" in dialog.banner.text().lower()
    assert (dialog.first.text(), dialog.street.text()) == ("Märta", "Långgatan 1")
    event.remove(ctx.db.engine, "connect", _read_only)
    ctx.db.engine.dispose()
    dialog.accept()
    assert not dialog.isVisible()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB tmpfs (needs root, as on the test machine; skipped elsewhere)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(folder) -> None:
    # Write until the disk says it is full: that error is the point.
    with open(folder / "filler", "wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\1" * 4096)


def test_a_full_disk_says_so_and_keeps_the_typed_text(tiny_disk, qapp, qtbot, type_text, tmp_path):
    from PySide6.QtCore import QSettings

    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.persons.page import PersonDialog

    db = open_database(tiny_disk / "finsam.sqlite")
    try:
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        ctx = AppContext(db, OperationRunner(db), settings)
        dialog = PersonDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        fill_person_form(dialog, type_text)
        fill_disk(tiny_disk)
        try:
            dialog.accept()
            assert dialog.isVisible()
            assert "disken är full" in dialog.banner.text().lower()
            assert (dialog.first.text(), dialog.street.text()) == ("Märta", "Långgatan 1")
            (tiny_disk / "filler").unlink()
            dialog.accept()
            assert not dialog.isVisible()
        finally:
            dialog.fields.dirty = False  # a failed assertion must not leave a modal question
        with db.reading() as s:
            assert persons.find_by_personnummer(s, "19900101-9802").first_name == "Märta"
        with db.reading() as s:
            assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    finally:
        db.close()
