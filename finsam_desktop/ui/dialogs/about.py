"""About Finsam Desktop: version, where the data lives, which schema it has."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from finsam_desktop import APP_NAME, __version__, program_title
from finsam_desktop.db.migrate import schema_state
from finsam_desktop.i18n import _
from finsam_desktop.ui.context import AppContext


class AboutDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.setWindowTitle(program_title(_("About")))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{APP_NAME} {__version__}</h2>"))
        intro = QLabel(
            _(
                "Referrals, case work, lotsärenden and statistics for coordination teams "
                "under financial coordination (Finsam)."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.db_label = QLabel(ctx.db.name if ctx.db.on_server else str(ctx.db_path))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setWordWrap(True)
        form.addRow(_("Database:"), self.db_label)
        form.addRow(_("Schema:"), QLabel(schema_state(ctx.db_path, ctx.db.key).label))
        if ctx.demo:
            form.addRow("", QLabel(_("This is the demo database with fictitious data.")))
        form.addRow(
            _("Versions:"),
            QLabel(f"Python {platform.python_version()}, PySide6 {pyside_version}"),
        )
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
