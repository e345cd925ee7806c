"""The Remisser page: every referral with filters by status, answer, insats, home
municipality, referring party and contact person, searched by name, personnummer or
case number as you type; and the information meetings booked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.krans import FULL_PROCESS
from finsam_desktop.domain.referrals import ReferralStatus
from finsam_desktop.i18n import _
from finsam_desktop.services import info_meetings, organisation
from finsam_desktop.services.referral_list import (
    DUE_FILTERS,
    STATUS_OPEN,
    meeting_list,
    referral_list,
)
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.list_panel import ListPanel


class ReferralsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.dialog = None  # the dialog opened last (tests reach it)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        self.query = referral_list(ctx.db)
        self.panel = ListPanel(
            self.query,
            on_new=self.new_referral,
            on_open=self.open_referral,
            new_text=_("Register a referral…"),
            export=("referrals", _("Referrals")),
        )
        self.panel.search.setPlaceholderText(
            _("Search by name, personal identity number or case number…")
        )
        self.filters: dict[str, QComboBox] = {}
        self.panel.search.setMinimumWidth(240)
        self._build_filters()
        # The most urgent answers first: days left, ascending (answered ones last).
        days_left = [c.key for c in self.query.columns].index("days_left")
        self.panel.view.sortByColumn(days_left, Qt.SortOrder.AscendingOrder)
        self.tabs.addTab(self.panel, _("Referrals"))

        self.meetings = ListPanel(
            meeting_list(ctx.db),
            on_new=self.new_meeting,
            on_open=self.open_meeting,
            new_text=_("Book an information meeting…"),
            export=("info-meetings", _("Information meetings")),
        )
        self.meetings.search.setPlaceholderText(_("Search by name or personal identity number…"))
        self.tabs.addTab(self.meetings, _("Information meetings"))
        ctx.runner.changed.connect(self._on_changed)

    def _combo(self, key: str, label: str, items) -> QComboBox:
        box = QComboBox()
        # Narrow boxes leave room for the search field; the list shows the full text.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)
        box.addItem(label, None)
        for text, value in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(
            lambda _i, k=key, b=box: self.panel.model.set_filter(k, b.currentData())
        )
        self.panel.filters.addWidget(box)
        self.filters[key] = box
        return box

    def _build_filters(self) -> None:
        read = self.ctx.runner.read
        self.panel.filters.addWidget(QLabel(_("Show:")))
        self._combo(
            "status",
            _("All statuses"),
            [(_("Open (not decided or not enrolled)"), STATUS_OPEN)]
            + [(s.label, s.value) for s in ReferralStatus],
        )
        self._combo("due", _("Any answer"), [(_(label), key) for key, label in DUE_FILTERS])
        insatser = read(organisation.list_insatser, True, FULL_PROCESS)
        if len(insatser) > 1:
            self._combo("insats_id", _("All insatser"), [(i.name, i.id) for i in insatser])
        self._combo(
            "municipality_id",
            _("All municipalities"),
            [(m.name, m.id) for m in read(organisation.list_municipalities, True)],
        )
        self._combo(
            "party_id",
            _("All parties"),
            [(p.label, p.id) for p in read(organisation.list_parties, True)],
        )
        self._combo(
            "contact_person_id",
            _("All contact persons"),
            [(s.name, s.id) for s in read(organisation.list_staff, True)],
        )

    def _on_changed(self, kinds: frozenset[Change]) -> None:
        C = Change
        if kinds & {C.REFERRAL, C.PARTICIPATION, C.PERSON, C.MUNICIPALITY, C.PARTY, C.STAFF}:
            self.panel.refresh()
        if kinds & {C.MEETING, C.REFERRAL, C.PERSON}:
            self.meetings.refresh()

    # --- opening things --------------------------------------------------------------------
    def _show(self, dialog):
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_referral(self, from_meeting=None, ask_draft: bool = True):
        from finsam_desktop.ui.pages.referrals.referral_dialog import ReferralDialog

        dialog = ReferralDialog(self.ctx, None, from_meeting, self)
        if from_meeting is None:
            dialog.offer_draft(ask=ask_draft)
        dialog.accepted.connect(lambda: self.open_referral(dialog.result_value.id))
        return self._show(dialog)

    def open_referral(self, referral_id: int):
        from finsam_desktop.ui.pages.referrals.case_dialog import ReferralCaseDialog

        return self._show(ReferralCaseDialog(self.ctx, referral_id, self))

    def new_meeting(self):
        from finsam_desktop.ui.pages.referrals.meeting_dialog import MeetingDialog

        return self._show(MeetingDialog(self.ctx, None, self))

    def open_meeting(self, meeting_id: int):
        from PySide6.QtWidgets import QPushButton

        from finsam_desktop.ui.pages.referrals.meeting_dialog import MeetingDialog

        meeting = self.ctx.runner.read(info_meetings.get_meeting, meeting_id)
        dialog = MeetingDialog(self.ctx, meeting, self)
        register = QPushButton(_("Register the referral…"))
        register.clicked.connect(lambda: self._referral_from(dialog, meeting))
        dialog.buttons.addButton(register, dialog.buttons.ButtonRole.ActionRole)
        return self._show(dialog)

    def _referral_from(self, dialog, meeting):
        """Leave the meeting (asking about unsaved changes) and start its referral."""
        dialog.reject()
        if not dialog.isVisible():
            self.new_referral(dialog.meeting or meeting)
