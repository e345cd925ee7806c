"""Render every main screen and dialog of a fresh demo database to PNG, offscreen.

    .venv/bin/python scripts/screens.py [OUT_DIR] [--lang sv|en]

Anyone can then review the whole interface at a glance (default OUT_DIR: screens/).
Each entry of SCREENS names a picture and a function that opens it in the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def page(key):
    return lambda w: w.show_page(key)


def settings_tab(key):
    return lambda w: w.show_page("settings").show_tab(key)


def first_item_dialog(settings_key):
    def open_dialog(w):
        tab = w.show_page("settings").show_tab(settings_key)
        return tab.open_item(tab.panel.model.id_at(0))

    return open_dialog


def person_dialog(w):
    persons_page = w.show_page("participants")
    return persons_page.open_person(persons_page.panel.model.id_at(0))


def about(w):
    from finsam_desktop.ui.dialogs.about import AboutDialog

    dialog = AboutDialog(w.ctx, w)
    dialog.show()
    return dialog


SCREENS = [
    ("01-oversikt", page("overview")),
    ("02-remisser", page("referrals")),
    ("03-deltagare", page("participants")),
    ("04-lotsarenden", page("lots")),
    ("05-statistik", page("statistics")),
    ("10-installningar-forbund", settings_tab("federation")),
    ("11-installningar-insatser", settings_tab("insatser")),
    ("12-installningar-kommuner", settings_tab("municipalities")),
    ("13-installningar-parter", settings_tab("parties")),
    ("14-installningar-personal", settings_tab("staff")),
    ("20-dialog-insats", first_item_dialog("insatser")),
    ("21-dialog-personal", first_item_dialog("staff")),
    ("22-dialog-kommun", first_item_dialog("municipalities")),
    ("23-dialog-part", first_item_dialog("parties")),
    ("24-dialog-person", person_dialog),
    ("25-dialog-om", about),
]


def render(out: Path, language: str = "sv") -> list[Path]:
    from finsam_desktop.app import install_translators
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.i18n import set_language
    from finsam_desktop.services import demo
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.main_window import MainWindow
    from finsam_desktop.ui.operations import OperationRunner

    app = QApplication.instance() or QApplication([])
    set_language(language)
    install_translators(app, language)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.sqlite")
        demo.fill(db, participants=200)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(db, OperationRunner(db), settings, demo=True))
        window.resize(1280, 800)
        window.show()
        for name, open_screen in SCREENS:
            shown = open_screen(window)
            app.processEvents()
            target = shown if isinstance(shown, QWidget) and shown.isWindow() else window
            path = out / f"{name}.png"
            target.grab().save(str(path))
            written.append(path)
            if target is not window:
                target.done(0)
        window.close()
        db.close()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "screens"))
    parser.add_argument("--lang", default="sv", choices=["sv", "en"])
    args = parser.parse_args()
    for path in render(Path(args.out), args.lang):
        print(path)
