"""Issue 9 §8 in the window: a full or read-only backup folder, and text that cannot be
stored, give a Swedish message in the Backups tab, the automatic backup and every
form (through the one operation runner); never a traceback or a crash dialog.

The folders are real: a small tmpfs filled to the last byte and a read-only tmpfs
(root ignores chmod, so a read-only mount is the honest test)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QMessageBox

from finsam_desktop.services import backups, persons, signin
from finsam_desktop.services.records import store_setting
from finsam_desktop.ui.backup_schedule import BackupSchedule
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.pages.settings.backups import BackupsTab

PASSWORD = "Ett-långt-lösen-2026"


@pytest.fixture
def disks(tmp_path):
    made = []
    points = {"full": tmp_path / "full", "read_only": tmp_path / "readonly"}
    try:
        for kind, options in (("full", "size=256k"), ("read_only", "ro,size=256k")):
            points[kind].mkdir()
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(points[kind])],
                capture_output=True,
            )
            if done.returncode != 0:
                pytest.skip("mounting a tmpfs needs root (as on the test machine)")
            made.append(points[kind])
        for name, chunk in (("filler", 65536), ("filler-small", 512), ("filler-tiny", 1)):
            fd = os.open(points["full"] / name, os.O_WRONLY | os.O_CREAT)
            try:
                while os.write(fd, b"\0" * chunk):
                    pass
            except OSError:
                pass
            finally:
                os.close(fd)
        yield points
    finally:
        for point in made:
            subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def encrypted(tmp_path, qapp):
    from tests.conftest import app_context

    started = signin.first_start(tmp_path / "finsam.sqlite", "admin", "Ada", PASSWORD, PASSWORD)
    ctx = app_context(started.db, tmp_path)
    yield ctx
    started.db.close()


def use_folder(ctx, folder) -> None:
    with ctx.db.session() as s:
        store_setting(s, backups.SETTING_KEY, {"folder": str(folder)})


SWEDISH_DISK = ("full", "skrivskydd")


@pytest.mark.parametrize("kind", ["full", "read_only"])
def test_backup_now_says_why_in_swedish(encrypted, disks, kind):
    use_folder(encrypted, disks[kind])
    with pytest.raises(backups.BackupError) as refused:
        backups.backup_now(encrypted.db)
    assert any(word in str(refused.value) for word in SWEDISH_DISK), str(refused.value)
    assert not list(disks[kind].glob("*.part*")), "no half-written copy is left"


@pytest.mark.parametrize("kind", ["full", "read_only"])
def test_the_backup_button_shows_a_swedish_message(encrypted, disks, kind, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append(text))
    tab = BackupsTab(encrypted)
    qtbot.addWidget(tab)
    use_folder(encrypted, disks[kind])
    tab.backup_now()
    assert len(shown) == 1 and any(word in shown[0] for word in SWEDISH_DISK), shown


def test_the_automatic_backup_keeps_a_swedish_reason(encrypted, disks):
    use_folder(encrypted, disks["full"])
    schedule = BackupSchedule(encrypted, start=False)
    schedule.backup_if_due()
    schedule.wait()
    assert "full" in schedule.last_error
    schedule.backup_on_close()  # closing the window never stops on it
    assert "full" in schedule.last_error


def test_a_broken_character_in_a_name_is_a_message_not_a_crash(ctx):
    """A lone surrogate (pasted from a file name with a broken encoding) cannot be stored."""
    first = persons.person_list(ctx.db).page(0, 1)[0].id
    with ctx.db.reading() as s:
        person = persons.get_person(s, first)
    with pytest.raises(OperationFailed) as refused:
        ctx.runner.run(persons.save_person, replace(person, first_name="M\udce4rta"))
    assert "tecken" in refused.value.message
    with ctx.db.reading() as s:
        assert persons.get_person(s, first).first_name == person.first_name
