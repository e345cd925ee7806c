"""Start the real program (``app.run``) in a new process and report what it shows when.

Used by tests/test_startup.py (what is imported when the login is painted) and
tests/benchmarks/test_startup_bench.py (how long that takes, against a bare
QMainWindow, and how long "Logga in" takes to the painted main window).

The child prints one line per event on stdout:
- ``login-painted MODULES``: the login dialog is on the screen (just after its first
  paint); MODULES are those of ``sqlalchemy``/``babel`` already imported;
- ``ready``: what the program does after painting the login (``ui.login.warm_up``,
  while a user would type) is done; the child waits for a line on stdin, then fills in
  the demo account and presses "Logga in";
- ``window-painted``: the main window is on the screen (just after its first paint);
- ``page-painted``: its first page (Översikt), built after that, is on the screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = r"""
import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from finsam_desktop.ui import login

MODE, DB = sys.argv[1], sys.argv[2]


def report(line):
    print(line, flush=True)


class Painted(QObject):
    # The first paint of the main window, then of its first page (the program's own
    # settings are new, so that is Översikt).

    waiting = ["MainWindow", "OverviewPage"]

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and type(obj).__name__ == self.waiting[0]:
            what = self.waiting.pop(0)
            if what == "MainWindow":
                QTimer.singleShot(0, lambda: report("window-painted"))
            else:
                QApplication.instance().removeEventFilter(self)
                QTimer.singleShot(0, lambda: (report("page-painted"), os._exit(0)))
        return False


watcher = Painted()


def press(dialog):
    report("ready")
    sys.stdin.readline()
    from finsam_desktop.services.signin import DEMO_PASSWORD, DEMO_USERNAME

    dialog.username.setText(DEMO_USERNAME)
    dialog.password.setText(DEMO_PASSWORD)
    QApplication.instance().installEventFilter(watcher)
    dialog.ok_button.click()


def login_painted(dialog):
    heavy = sorted(m for m in ("sqlalchemy", "babel") if m in sys.modules)
    report("login-painted " + ",".join(heavy))
    if MODE == "login":
        os._exit(0)
    QTimer.singleShot(0, lambda: press(dialog))  # after the program's own warm-up


_init = login.LoginDialog.__init__


def init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.painted.connect(lambda: login_painted(self))


login.LoginDialog.__init__ = init

from finsam_desktop.app import run

sys.exit(run(["--db", DB]))
"""

BARE = r"""
import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: (print("window-painted", flush=True), os._exit(0)))


app = QApplication([])
window = Window()
window.setWindowTitle("Finsam Desktop")
window.show()
app.exec()
"""


def child_env(home: Path, bytecode: bool = False) -> dict[str, str]:
    """The source tree first, offscreen, and settings and logs in a folder of the test's own.

    ``bytecode``: Python may write and read its bytecode cache even where the
    environment forbids it (PYTHONDONTWRITEBYTECODE), as an installed wheel or the
    bundle, which carry it: otherwise every start compiles the program's sources."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_DATA_HOME"] = str(home / "data")
    return env


def start_program(mode: str, db: Path, home: Path, bytecode: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", PROGRAM, mode, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(home, bytecode),
    )


def start_bare(home: Path, bytecode: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", BARE],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(home, bytecode),
    )


def expect(child: subprocess.Popen, event: str) -> str:
    """The rest of the child's next line, which must be ``event``."""
    line = child.stdout.readline().strip()
    if not line.startswith(event):
        child.kill()
        raise AssertionError(f"expected {event!r} from the program, got {line!r}")
    return line[len(event) :].strip()
