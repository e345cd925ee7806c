"""Work that may take minutes (encrypting a large database), done beside the window so
that the window keeps painting and says what is happening instead of looking hung."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget


class WaitDialog(QDialog):
    """A modal note with a moving bar. It has no Cancel: the work can't stop half-way
    (a database half encrypted), so Esc and the window's close button do nothing."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(parent.windowTitle() if parent else "")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy: no fraction to show
        bar.setTextVisible(False)
        layout.addWidget(bar)

    def reject(self) -> None:
        """Esc does nothing: the work ends the dialog, not the user."""

    def closeEvent(self, event) -> None:
        event.ignore()


def wait_for(parent: QWidget | None, text: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker thread while a WaitDialog saying ``text`` is shown; its
    result, or its exception raised here, as if it had been called directly."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:  # handed to the window's thread below
            outcome["error"] = exc
        finally:
            done.set()

    dialog = WaitDialog(text, parent)
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(lambda: done.is_set() and loop.quit())
    worker = threading.Thread(target=work, name="finsam-wait", daemon=True)
    worker.start()
    dialog.show()
    poll.start()
    if not done.is_set():
        loop.exec()
    poll.stop()
    worker.join()
    dialog.hide()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
