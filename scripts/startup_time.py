"""Measure how long the window takes to appear, from process start (cold: a new process).

    .venv/bin/python scripts/startup_time.py [--runs 5] [--db PATH]

Each run starts a fresh Python that does what `finsam-desktop` does up to the first
painted window, then prints the elapsed time since the interpreter started.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import time, os, sys
from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

def main(db_path, settings_path):
    from finsam_desktop.app import install_translators, open_or_explain
    from finsam_desktop.i18n import set_language
    app = QApplication([])
    set_language("sv")
    install_translators(app, "sv")
    db = open_or_explain(__import__("pathlib").Path(db_path), False, 0)
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.main_window import MainWindow
    from finsam_desktop.ui.operations import OperationRunner
    ctx = AppContext(db, OperationRunner(db), QSettings(settings_path, QSettings.Format.IniFormat))
    window = MainWindow(ctx)
    window.show()
    def shown():
        print(f"{time.perf_counter() - START:.3f}")
        app.quit()
    QTimer.singleShot(0, shown)
    app.exec()

main(sys.argv[1], sys.argv[2])
"""


def measure(runs: int, db: Path | None) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "start.sqlite"
        if db is None:
            from finsam_desktop.db.migrate import open_database
            from finsam_desktop.services import demo

            database = open_database(path)
            demo.fill(database, participants=1000)
            database.close()
        for _ in range(runs):
            code = "import time; START = time.perf_counter()\n" + CHILD
            out = subprocess.run(
                [sys.executable, "-c", code, str(path), str(Path(tmp) / "s.ini")],
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    times = measure(args.runs, args.db)
    print("window shown after (s):", " ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s")
