"""How other pages reach a participant's case (one line in their code)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPushButton

from finsam_desktop.i18n import _
from finsam_desktop.services import casework
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.list_panel import ListPanel


def add_open_case_button(panel: ListPanel, ctx: AppContext) -> QPushButton:
    """A button beside a list of persons that opens the selected person's case."""

    def open_selected() -> None:
        person_id = panel.current_id()
        if person_id is None:
            return
        participation_id = ctx.runner.read(casework.find_participation_of_person, person_id)
        if participation_id is None:
            QMessageBox.information(
                panel,
                _("No case"),
                _("The person is not enrolled in any insats. Enrolment is done from a referral."),
            )
            return
        from finsam_desktop.ui.pages.case.case_window import open_case

        open_case(ctx, participation_id, panel.window())

    button = QPushButton(_("Open case…"))
    button.clicked.connect(open_selected)
    panel.layout().itemAt(0).layout().addWidget(button)
    return button
