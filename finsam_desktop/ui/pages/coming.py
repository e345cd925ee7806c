"""Areas that later versions fill; each says plainly what will come there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from finsam_desktop.i18n import _
from finsam_desktop.ui.context import AppContext


class ComingPage(QWidget):
    def __init__(self, title: str, text: str):
        super().__init__()
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(text)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)


def ReferralsComing(_ctx: AppContext) -> QWidget:
    return ComingPage(
        _("Referrals"),
        _(
            "Coming in the next version: information meetings, referrals, the team's "
            "decision, the answer to the remittent within two weeks, and enrolment."
        ),
    )


def LotsComing(_ctx: AppContext) -> QWidget:
    return ComingPage(
        _("Lotsärenden"),
        _(
            "Coming in the next version: fast registration of lotsärenden, import from "
            "spreadsheets and the yearly lots summary."
        ),
    )
