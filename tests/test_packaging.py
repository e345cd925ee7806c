"""A wheel installed outside the source tree runs in Swedish, with its fonts and handbook.

The wheel is built from a copy of the package (nothing beside it to lean on), installed
into a new virtualenv without the source tree on the path, and run from an empty folder.
Offline: the wheel is built with this environment's setuptools (no build isolation), and
the new virtualenv reads the dependencies (PySide6, SQLAlchemy, …) from this
environment's site-packages through a ``.pth`` line, which adds the folder but runs
none of its ``.pth`` files, so the editable install of the source tree stays out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

WINDOW = r"""
import sys
from pathlib import Path

import finsam_desktop
from finsam_desktop.paths import package_data

print("package:", Path(finsam_desktop.__file__).resolve().parent)
print("handbook:", (package_data("resources", "help") / "handbok.html").is_file())

from finsam_desktop.reports.fonts import font_file
print("font:", font_file("DejaVuSans").resolve())

from PySide6.QtWidgets import QApplication

from finsam_desktop.db.migrate import open_database
from finsam_desktop.i18n import _, set_language
from finsam_desktop.services import demo

set_language("sv")
app = QApplication([])
db = open_database(Path(sys.argv[1]))
demo.fill(db, participants=5)

from PySide6.QtCore import QSettings

from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.main_window import MainWindow
from finsam_desktop.ui.operations import OperationRunner

settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(AppContext(db, OperationRunner(db), settings, demo=True))
window.show()
app.processEvents()
print("title:", window.windowTitle())
print("menu:", window.file_menu.title())
window.close()
db.close()
"""


def run(args, cwd, env, timeout=180):
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_wheel_installed_elsewhere_runs_in_swedish(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "finsam_desktop",
        source / "finsam_desktop",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        tmp_path,
        env,
    )
    (wheel,) = wheels.glob("finsam_desktop-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = venv / "bin" / "python"
    purelib = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
            env,
        ).strip()
    )
    (purelib / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [*pip, "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], tmp_path, env
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    help_text = run([venv / "bin" / "finsam", "--help"], elsewhere, env)
    assert "användning: finsam" in help_text
    assert "uppgradera databasen till senaste schemat" in help_text

    out = run(
        [python, "-c", WINDOW, elsewhere / "demo.sqlite", elsewhere / "settings.ini"],
        elsewhere,
        env,
    )
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    package = Path(lines["package"])
    assert package.is_relative_to(purelib), out  # the installed copy, not the source tree
    assert lines["handbook"] == "True"
    assert Path(lines["font"]).is_relative_to(package)
    assert lines["title"] == "DEMODATABAS — Finsam Desktop"
    assert lines["menu"] == "&Arkiv"
