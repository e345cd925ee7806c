"""Every window, dialog and print preview fits a 1280×800 screen less its frame, title
bar and taskbar: opened one by one as scripts/screens.py opens them (the same list the
screenshots come from), measured as shown and at their smallest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from finsam_desktop.ui.widgets.forms import SCREEN_FIT, install_window_fit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screens.py"


def _screens():
    spec = importlib.util.spec_from_file_location("screens", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_window_fit_shrinks_what_asks_for_more(qtbot, qapp):
    install_window_fit(qapp)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(860, 900)  # what the print previews asked for
    dialog.show()
    assert dialog.height() <= SCREEN_FIT.height() and dialog.width() == 860
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1500, 780)
    window.show()
    assert window.width() <= SCREEN_FIT.width() and window.height() <= SCREEN_FIT.height()


@pytest.mark.slow
def test_every_screen_dialog_and_preview_fits_1280x800(tmp_path, qapp):
    screens = _screens()
    names = [name for name, _open in screens.SCREENS]
    assert any(n.startswith("7") for n in names)  # the print previews are in the list
    assert "80-handbok" in names
    problems: list[str] = []
    written = screens.render(tmp_path, "sv", problems=problems)
    assert len(written) == len(names)
    assert problems == []
