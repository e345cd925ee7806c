"""What happens when the program hits a bug: a report without personal data, and a
calm Swedish message instead of a window that vanishes.

``install()`` replaces ``sys.excepthook`` (Qt calls it for exceptions raised in slots)
and puts the privacy filter on the log (see ``crash_report``).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from finsam_desktop import APP_NAME
from finsam_desktop.crash_report import install_log_privacy, print_safe_traceback, write_report
from finsam_desktop.i18n import _

log = logging.getLogger(__name__)


class CrashHandler:
    def __init__(self, report_dir: Path, show_dialog: bool = True):
        self.report_dir = report_dir
        self.show_dialog = show_dialog
        self.last_report: Path | None = None
        self.dialog: QMessageBox | None = None
        self._handling = False

    def __call__(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        if self._handling:  # a failure while reporting a failure: just the safe trace
            print_safe_traceback(kind, value, tb)
            return
        self._handling = True
        try:
            try:
                self.last_report = write_report(self.report_dir, kind, value, tb)
            except OSError:
                self.last_report = None
            log.error("unexpected error: %s", kind.__name__, exc_info=(kind, value, tb))
            if self.show_dialog and QApplication.instance() is not None:
                self._tell_user()
        finally:
            self._handling = False

    def _tell_user(self) -> None:
        text = _(
            "Something went wrong in the program. What was saved before is safe; "
            "a change you were making may not have been saved: check it and try again."
        )
        details = (
            _("A report without personal data was saved in {path}.").format(path=self.last_report)
            if self.last_report
            else ""
        )
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text)
        if details:
            box.setInformativeText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))
        self.dialog = box
        box.open()  # not exec(): the event loop keeps running and no second loop nests


def install(data_dir: Path, show_dialog: bool = True) -> CrashHandler:
    """Crash reports go to ``<data_dir>/crash-reports``, the log to ``<data_dir>/logs``."""
    install_log_privacy(data_dir / "logs" / "finsam.log")
    handler = CrashHandler(data_dir / "crash-reports", show_dialog)
    sys.excepthook = handler
    quiet = CrashHandler(handler.report_dir, show_dialog=False)  # no dialogs off the GUI thread
    threading.excepthook = lambda a: quiet(a.exc_type, a.exc_value, a.exc_traceback)
    return handler
