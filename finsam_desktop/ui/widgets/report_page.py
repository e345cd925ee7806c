"""What the pages that show a report share (Statistik, the lots summary): read when
shown (a save elsewhere marks the page stale and stays instant), a scroll area with a
fresh content widget per reading, and export buttons that save the report on screen
through the one exporter, saying so plainly when the file cannot be written."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtWidgets import (
    QBoxLayout,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import BusyCursor

# format: (button text, file dialog filter)
EXPORT_FORMATS = {
    "pdf": ("PDF…", "PDF (*.pdf)"),
    "xlsx": ("Excel…", "Excel (*.xlsx)"),
    "csv": ("CSV…", "CSV (*.csv)"),
    "json": ("JSON…", "JSON (*.json)"),
}


def could_not_save(parent: QWidget) -> None:
    QMessageBox.warning(
        parent,
        _("Could not save"),
        _("The file could not be written. Choose another folder and try again."),
    )


class ReportPage(QWidget):
    """Subclasses set ``save_title``, read in ``refresh`` (after ``due``), and give
    ``exportable``, ``suggested_name`` and ``write_report``."""

    save_title = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True  # read when shown: a save elsewhere must stay instant
        self.export_buttons: dict[str, QPushButton] = {}

    # --- building ---
    def add_export_buttons(self, layout: QBoxLayout, formats: Iterable[str], tip: str) -> None:
        """One button a format; ``tip`` names the {format}."""
        for fmt in formats:
            button = QPushButton(EXPORT_FORMATS[fmt][0])
            button.setToolTip(tip.format(format=fmt.upper()))
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            layout.addWidget(button)
            self.export_buttons[fmt] = button

    def add_scroll_area(self, layout: QVBoxLayout) -> None:
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        self._new_content()

    def _new_content(self) -> None:
        """A fresh page for the scroll area; the area deletes the previous one."""
        self.content = QWidget()
        self.layout_ = QVBoxLayout(self.content)
        self.scroll.setWidget(self.content)

    # --- reading when shown ---
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh(force=True)

    def due(self, force: bool) -> bool:
        """Whether to read now; a hidden page only notes that it is stale."""
        if not (force or self.isVisible()):
            self._stale = True
            return False
        self._stale = False
        return True

    # --- exporting ---

    def export(self, fmt: str) -> Path | None:
        if not self.exportable():
            return None
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _(self.save_title),
            str(Path.home() / self.suggested_name(fmt)),
            EXPORT_FORMATS[fmt][1],
        )
        if not path:
            return None
        return self.write(Path(path), fmt)

    def write(self, path: Path, fmt: str) -> Path | None:
        """Write the report on screen to ``path`` (and log it)."""
        federation = self.ctx.runner.read(organisation.get_federation)
        try:
            with BusyCursor():
                self.write_report(path, fmt, federation)
        except OSError:
            could_not_save(self)
            return None
        return path
