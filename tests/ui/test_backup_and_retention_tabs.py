"""The administrator's Säkerhetskopior and Gallring tabs, driven as a user would."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication, QMessageBox

from finsam_desktop.services import backups, persons
from finsam_desktop.ui.pages.settings.backups import BackupsTab
from finsam_desktop.ui.pages.settings.retention import RetentionTab
from tests.services.person_history import add_person_with_history, organisation


def click_button(box: QMessageBox, text: str) -> None:
    for button in box.buttons():
        if button.text() == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def test_backup_now_lists_the_copy_and_restore_brings_it_back(ctx, qtbot, monkeypatch, tmp_path):
    tab = BackupsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(800, 500)
    tab.show()
    tab.folder.setText(str(tmp_path / "share"))
    tab.save_settings()
    assert "sparad" in tab.status.text().lower()
    tab.backup_now()
    assert tab.table.rowCount() == 1
    assert "verifierad" in tab.status.text().lower()
    tab.grab().save("/tmp/admin_backups.png")

    first = persons.person_list(ctx.db).page(0, 1)[0].id
    with ctx.db.session() as s:
        from dataclasses import replace

        persons.save_person(s, replace(persons.get_person(s, first), phone="999"))

    quits = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(True))
    tab.table.selectRow(0)
    box = tab.restore_selected()
    assert "ersätts" in box.text()
    click_button(box, "Återställ")
    with ctx.db.reading() as s:
        assert persons.get_person(s, first).phone != "999"
    assert list(ctx.db.path.parent.glob("*before-restore*"))
    done = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and "återställd" in w.text()
    ]
    assert done
    done[0].button(QMessageBox.StandardButton.Ok).click()
    assert quits


def test_an_unwritable_folder_is_refused_next_to_the_field(ctx, qtbot, tmp_path):
    tab = BackupsTab(ctx)
    qtbot.addWidget(tab)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    tab.folder.setText(str(blocker / "sub"))
    tab.save_settings()
    assert "mapp" in tab.form.error_text("folder").lower()
    assert tab.folder.text() == str(blocker / "sub")
    with ctx.db.reading() as s:
        assert backups.get_settings(s).folder == ""


def test_gallring_preview_and_run_after_confirmation(ctx, qtbot):
    with ctx.db.session() as s:
        org = organisation(s)
        old = add_person_with_history(s, org, date(1970, 1, 1), 2018, 7)
    tab = RetentionTab(ctx, today=date(2026, 11, 22))
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    found = tab.preview()
    assert [c.person_id for c in found] == [old]
    assert tab.table.rowCount() == 1 and tab.run_button.isEnabled()
    assert "1 person" in tab.summary.text()
    tab.grab().save("/tmp/admin_retention.png")
    box = tab.confirm_run()
    click_button(
        box,
        box.buttons()[0].text() if box.buttons()[0].text() != "Avbryt" else box.buttons()[1].text(),
    )
    assert "borttagna" in tab.status.text().lower()
    assert tab.table.rowCount() == 0
    with ctx.db.reading() as s:
        assert persons.get_person(s, old).first_name == ""


def test_the_schedule_backs_up_daily_and_on_close_and_survives_a_broken_folder(
    ctx, qtbot, tmp_path
):
    from finsam_desktop.ui.backup_schedule import BackupSchedule

    schedule = BackupSchedule(ctx, start=False)
    schedule.backup_if_due()
    schedule.wait()
    schedule.backup_if_due()  # the newest copy is minutes old: no second one
    schedule.wait()
    assert len(backups.list_backups(ctx.db)) == 1
    schedule.timer.start()
    schedule.backup_on_close()
    assert not schedule.timer.isActive()

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with ctx.db.session() as s:
        from finsam_desktop.db.models import SettingRow

        s.merge(SettingRow(key=backups.SETTING_KEY, value={"folder": str(blocker)}))
    schedule.backup_on_close()  # must not raise: closing the program goes on
    assert schedule.last_error
