"""What every screen is given: the database's operation runner and the window settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from finsam_desktop.db.engine import Database
from finsam_desktop.ui.operations import OperationRunner


@dataclass
class AppContext:
    db: Database
    runner: OperationRunner
    settings: QSettings
    demo: bool = False

    @property
    def db_path(self) -> Path:
        return self.db.path
