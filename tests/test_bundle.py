"""The PyInstaller bundle (installer/finsam.spec) runs on its own: `finsam demo` makes an
encrypted demo database in Swedish, and the window starts on it and stays up.

Marked slow; CI runs it (issue 13 §9). The build takes about 2.5 min of CPU: 3 min on the
idle 2-core machine, 14 min with four other test runs beside it. Alone:

    .venv/bin/python -m pytest -q tests/test_bundle.py
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_the_bundle_makes_a_demo_and_shows_the_window(tmp_path):
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--workpath",
            tmp_path / "build",
            "--distpath",
            tmp_path / "dist",
            ROOT / "installer" / "finsam.spec",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    bundle = tmp_path / "dist" / "finsam-desktop"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = elsewhere / "demo.sqlite"

    demo = subprocess.run(
        [bundle / "finsam", "--db", db, "demo", "--participants", "5", "--lots", "2"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo" in demo.stdout.lower()
    assert Path(str(db) + ".keys").exists()  # encrypted, with the demo accounts
    info = subprocess.run(
        [bundle / "finsam", "--help"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert "användning: finsam" in info.stdout  # the catalogues travelled along

    window = subprocess.Popen(
        [bundle / "finsam-desktop", "--db", db],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(15)  # the login is up by now; a missing module or file would have ended it
    still_running = window.poll() is None
    window.kill()
    output = window.communicate()[0]
    assert still_running, output
    assert "Traceback" not in output
