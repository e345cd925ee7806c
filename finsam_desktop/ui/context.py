"""What every screen is given: the database's operation runner, the window settings and
the program's clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from finsam_desktop.db.engine import Database
from finsam_desktop.domain.clock import Clock, current
from finsam_desktop.ui.operations import OperationRunner


@dataclass
class AppContext:
    db: Database
    runner: OperationRunner
    settings: QSettings
    demo: bool = False

    @property
    def clock(self) -> Clock:
        """The one clock of the program (domain/clock.py): screens and services read the
        same day; tests pin it with the ``clock`` fixture."""
        return current()

    @property
    def db_path(self) -> Path | str:
        """The database file, or the server's URL (``db.location``)."""
        return self.db.location
