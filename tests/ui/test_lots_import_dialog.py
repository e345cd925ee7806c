"""The import dialog's progress bar and Avbryt: a cancelled import keeps whole batches
and says how many lotsärenden were imported (issue 9 §10)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from finsam_desktop.db.lots_models import LotsCaseRow
from finsam_desktop.ui.pages.lots.import_dialog import ImportDialog
from tests.lots_fixtures import county


def lots_file(path, n: int):
    rows = "".join(f"2016-{1 + i % 12:02d}-{1 + i % 28:02d};Håbo;R-{i}\n" for i in range(n))
    path.write_text("Inkom;Kommun;Referens\n" + rows, encoding="utf-8")
    return path


def cases_in(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(LotsCaseRow))


def press_cancel_when(dialog: ImportDialog, monkeypatch, stage: str, at_rows: int) -> None:
    """Press the progress dialog's own Avbryt button once ``at_rows`` rows are passed."""
    original = dialog._progress

    def watched(label: str):
        report = original(label)

        def on_progress(rows: int, fraction):
            if label.startswith(stage) and rows >= at_rows and dialog.progress.isVisible():
                dialog.progress.findChild(QPushButton).click()
            return report(rows, fraction)

        return on_progress

    monkeypatch.setattr(dialog, "_progress", watched)


def test_avbryt_during_the_import_keeps_whole_batches_and_says_how_many(
    db, tmp_path, qapp, qtbot, monkeypatch
):
    from conftest import app_context

    county(db)
    dialog = ImportDialog(app_context(db, tmp_path))
    qtbot.addWidget(dialog)
    dialog.batch_rows = 500
    path = lots_file(tmp_path / "lots.csv", 3_000)
    dialog.load(path)
    assert dialog.import_button.isEnabled() and "3\u00a0000" in dialog.import_button.text()
    assert dialog.rows_view.topLevelItemCount() == 500  # the first rows are shown
    press_cancel_when(dialog, monkeypatch, "Importerar", 1_234)
    dialog.confirm()
    assert dialog.result.cancelled and dialog.result.imported == 1_000
    assert cases_in(db) == 1_000  # two whole batches; the third left nothing
    message = dialog.error.text()
    assert "Importen avbröts. 1\u00a0000 lotsärenden importerades" in message
    assert not dialog.progress.isVisible()
    dialog.load(path)  # importing the same file again adds the rest
    assert "2\u00a0000" in dialog.import_button.text()
    monkeypatch.undo()
    dialog.confirm()
    assert cases_in(db) == 3_000 and not dialog.result.cancelled


def test_avbryt_while_reading_imports_nothing(db, tmp_path, qapp, qtbot, monkeypatch):
    from conftest import app_context

    county(db)
    dialog = ImportDialog(app_context(db, tmp_path))
    qtbot.addWidget(dialog)
    press_cancel_when(dialog, monkeypatch, "Läser", 200)
    dialog.load(lots_file(tmp_path / "lots.csv", 1_000))
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "Läsningen avbröts" in dialog.error.text()
    assert cases_in(db) == 0
