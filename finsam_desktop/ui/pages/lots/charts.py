"""A breakdown of the lots summary on screen: a small table with a bar per row.

QtCharts is not part of PySide6-Essentials; a bar is a few lines of QPainter, and
labels are ordinary word-wrapping QLabels, so long Swedish category names are
never cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QSizePolicy, QWidget

from finsam_desktop.domain.lots_summary import Breakdown, whole_percent
from finsam_desktop.i18n import _, format_number, format_whole_percent
from finsam_desktop.reports.lots_tables import share_note

BAR = QColor("#2f6f9f")
TRACK = QColor("#e6ecf1")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ShareBar(QWidget):
    def __init__(self, share: float | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.share = max(0.0, min(share or 0.0, 1.0))
        self.setMinimumWidth(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(160, 14)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0, 2, self.width(), self.height() - 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TRACK)
        painter.drawRoundedRect(rect, 2, 2)
        painter.setBrush(BAR)
        painter.drawRoundedRect(QRectF(0, 2, rect.width() * self.share, rect.height()), 2, 2)
        painter.end()


def _number(value: int | None) -> QLabel:
    label = QLabel("" if value is None else format_number(value))
    label.setAlignment(RIGHT)
    return label


class BreakdownChart(QGroupBox):
    """Title, 'Andel av N ...', then label | antal | andel | bar per row, and the total."""

    def __init__(self, b: Breakdown, parent: QWidget | None = None):
        super().__init__(b.title, parent)
        self.breakdown = b
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        note = QLabel(share_note(b))
        note.setStyleSheet("color: #555;")
        grid.addWidget(note, 0, 0, 1, 5)
        headers = [_("Number"), _("Share")] + ([b.extra_title] if b.extra_title else [])
        for i, text in enumerate(headers, start=1):
            head = QLabel(f"<b>{text}</b>")
            head.setAlignment(RIGHT)
            grid.addWidget(head, 1, i)
        bar_column = 3 + (1 if b.extra_title else 0)
        for row_no, row in enumerate(b.rows, start=2):
            label = QLabel(row.label)
            label.setWordWrap(True)
            label.setMinimumWidth(140)
            # A wrapped label is exactly as tall as its lines: the dots of a leading Ö or
            # Ä rise above some fonts' ascent (DejaVu Sans) and would be cut off.
            label.setContentsMargins(0, 2, 0, 0)
            grid.addWidget(label, row_no, 0)
            grid.addWidget(_number(row.count), row_no, 1)
            pct = whole_percent(row.count, b.total)
            grid.addWidget(_percent(pct), row_no, 2)
            if b.extra_title:
                index = row_no - 2
                grid.addWidget(_number(b.extra[index] if index < len(b.extra) else None), row_no, 3)
            grid.addWidget(ShareBar(b.share(row.count)), row_no, bar_column)
        last = len(b.rows) + 2
        total = QLabel("<b>{}</b>".format(_("Total")))
        grid.addWidget(total, last, 0)
        count = _number(b.total)
        count.setText(f"<b>{count.text()}</b>")
        grid.addWidget(count, last, 1)
        grid.setRowStretch(last + 1, 1)  # rows at the top when a neighbour is taller
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(bar_column, 2)

    def values(self) -> list[tuple[str, int]]:
        """What the chart shows, for tests and for reading aloud."""
        return [(r.label, r.count) for r in self.breakdown.rows]


def _percent(value: int | None) -> QLabel:
    label = QLabel("–" if value is None else format_whole_percent(value))
    label.setAlignment(RIGHT)
    return label
