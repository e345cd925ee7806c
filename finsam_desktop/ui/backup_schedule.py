"""Automatic backups while the program runs: at least daily, and when it closes.

The check runs every hour and backs up only when the newest backup is a day old, so a
PC left on over a weekend still gets one copy a day and a short session adds none. It
runs beside the window, as a second copy of the program would: a copy of a large
database, and the statistics extract renewed with it, take a minute or more, and the
window keeps working meanwhile. The backup at closing waits for a check under way.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer

from finsam_desktop.i18n import _
from finsam_desktop.problems import user_message
from finsam_desktop.services import backups, statistics_extract
from finsam_desktop.ui.context import AppContext

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60 * 60 * 1000


class BackupSchedule(QObject):
    def __init__(self, ctx: AppContext, parent: QObject | None = None, start: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.last_error: str = ""
        self._check: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.backup_if_due)
        if start:
            self.timer.start()
            # The first check soon after start, without delaying the window.
            QTimer.singleShot(30_000, self.backup_if_due)

    def backup_if_due(self) -> None:
        """Starts the check beside the window, unless the last one is still running."""
        if self._check is not None and self._check.is_alive():
            return
        self._check = threading.Thread(target=self._backup_if_due, name="finsam-backup")
        self._check.daemon = True  # a copy is written aside and renamed when complete
        self._check.start()

    def wait(self) -> None:
        """Until the check under way (if any) is done."""
        if self._check is not None:
            self._check.join()

    def _backup_if_due(self) -> None:
        self._guarded(lambda: backups.backup_if_due(self.ctx.db))
        # The statistics extract is renewed hourly too (it never raises).
        statistics_extract.refresh_extract(self.ctx.db)

    def backup_on_close(self) -> None:
        self.timer.stop()
        self.wait()
        # A file is copied at every close; a server's daily dump is taken if due.
        self._guarded(lambda: backups.backup_at_close(self.ctx.db))

    def _guarded(self, fn) -> None:
        # A backup that fails must never stop the work or the closing; it is logged
        # (the type only) and shown in the Backups tab.
        try:
            fn()
            self.last_error = ""
        except Exception as exc:  # a full share, a vanished network drive, a damaged file
            self.last_error = user_message(exc) or _(
                "The automatic backup could not be made. Make one on the Backups tab."
            )
            log.error("automatic backup failed: %s", type(exc).__name__)
