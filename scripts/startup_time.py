"""How long until the program shows something, measured on a new process each time.

    .venv/bin/python scripts/startup_time.py [--runs 5]

Two figures per run, on an encrypted demo database with 1,000 persons:
- *login shown*: from launching the process to the painted login dialog (what a
  coordinator waits for after a double-click);
- *window after login*: from pressing Logga in to the painted main window (key
  derivation, opening the database, building Översikt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from finsam_desktop.app import install_translators
from finsam_desktop.i18n import set_language

app = QApplication([])
set_language("sv")
install_translators(app, "sv")
from finsam_desktop.ui.login import LoginDialog

path = Path(sys.argv[1])
login = LoginDialog(path, demo=True)
login.show()


def logged_in():
    from PySide6.QtCore import QSettings

    from finsam_desktop.services.signin import DEMO_PASSWORD
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.main_window import MainWindow
    from finsam_desktop.ui.operations import OperationRunner

    print("login-shown", flush=True)
    sys.stdin.readline()  # the parent starts its clock, then "presses" Logga in
    login.username.setText("demo")
    login.password.setText(DEMO_PASSWORD)
    login.attempt()
    settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
    window = MainWindow(AppContext(login.db, OperationRunner(login.db), settings, demo=True))
    window.show()
    QTimer.singleShot(0, lambda: (print("window-shown", flush=True), app.quit()))


QTimer.singleShot(0, logged_in)
app.exec()
"""


def measure(runs: int) -> list[tuple[float, float]]:
    from finsam_desktop.services import demo

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite"
        demo.create_demo_database(path, participants=1000)
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        for _ in range(runs):
            start = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "s.ini")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert child.stdout.readline().strip() == "login-shown"
            login_shown = time.perf_counter() - start
            pressed = time.perf_counter()
            child.stdin.write("\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "window-shown"
            results.append((login_shown, time.perf_counter() - pressed))
            child.wait(timeout=30)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = measure(args.runs)
    for login_shown, window in results:
        print(f"login shown {login_shown:.3f} s, window after login {window:.3f} s")
    print(
        f"median: login shown {statistics.median(r[0] for r in results):.3f} s, "
        f"window after login {statistics.median(r[1] for r in results):.3f} s"
    )
