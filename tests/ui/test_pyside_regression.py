"""PySide6 6.12.0 aborts on Python 3.11 after many calls of Qt methods returning None
(none_dealloc; ARCHITECTURE.md). The pin in pyproject.toml keeps us off it; this proves it."""

import subprocess
import sys
import textwrap


def test_two_hundred_thousand_void_qt_calls_do_not_abort():
    code = textwrap.dedent(
        """
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        for i in range(200_000):
            label.setText("x")
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
