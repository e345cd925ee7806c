"""The Säkerhetskopior tab on a PostgreSQL server (issue 14 §4): a pg_dump with its progress
per table, listed in the folder, and a restore from the tab. Runs when FINSAM_TEST_PG_URL
names a test server (``FINSAM_TEST_PG_URL=… pytest tests/ui/test_server_backups_tab.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from finsam_desktop.services import persons
from finsam_desktop.ui.pages.settings.backups import BackupsTab
from tests.ui.test_backup_and_retention_tabs import click_button


def test_backup_with_progress_and_restore_from_the_tab(ctx, qtbot, monkeypatch, tmp_path):
    if not ctx.db.on_server:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    tab = BackupsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    assert any("PostgreSQL-server" in label.text() for label in tab.findChildren(QLabel))
    tab.folder.setText(str(tmp_path / "share"))
    tab.save_settings()
    labels: list[str] = []
    real = tab.progress_dialog

    def watched(title):
        dialog, progress = real(title)

        def report(done, total, table):
            progress(done, total, table)
            labels.append(dialog.labelText())

        return dialog, report

    monkeypatch.setattr(tab, "progress_dialog", watched)
    tab.backup_now()
    assert tab.table.rowCount() == 1
    assert "verifierad" in tab.status.text()
    assert labels and labels[-1].startswith("Säkerhetskopierar: tabell")
    (made,) = (tmp_path / "share").glob("*.dump")

    first = persons.person_list(ctx.db).page(0, 1)[0].id
    with ctx.db.session() as s:
        persons.save_person(s, replace(persons.get_person(s, first), phone="999"))
    quits = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(True))
    tab.table.selectRow(0)
    box = tab.restore_selected()
    assert "alla arbetsplatser" in box.text()
    click_button(box, "Återställ")
    with ctx.db.reading() as s:
        assert persons.get_person(s, first).phone != "999"
    assert list((tmp_path / "share").glob("*before-restore*.dump"))
    done = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and "återställd" in w.text()
    ]
    assert done
    done[0].button(QMessageBox.StandardButton.Ok).click()
    assert quits and made.exists()
