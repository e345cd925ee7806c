"""The case screen: one participation from enrolment to the closing summary.

At the top, what a coordinator needs at a glance (status, contact persons, days since
enrolment and days left, next follow-up, last contact with the remittent); below,
tabs for the timeline, kartläggning, handlingsplan, insatser, contacts and avslut.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.casework import CaseOverview
from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.clock import today
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import casework
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.choices import fit_columns
from finsam_desktop.ui.widgets.forms import banner, fit_window

WARN_STYLE = "background: #fff4ce; color: #5c4400; padding: 6px; border-radius: 4px;"
CLOSED_STYLE = "background: #e8e8e8; color: #333; padding: 6px; border-radius: 4px;"
# What the window shows: the case file, its participation and person, its letters, and the
# lists and templates its tabs choose from.
SHOWN = frozenset(
    {
        Change.CASE,
        Change.PARTICIPATION,
        Change.PERSON,
        Change.LETTER,
        Change.STAFF,
        Change.CASE_OPTION,
        Change.MAPPING_TEMPLATE,
    }
)

_open_windows: dict[int, CaseWindow] = {}


def open_case(ctx: AppContext, participation_id: int, owner: QWidget | None = None) -> CaseWindow:
    """Show the case's window, reusing it if it is already open. ``owner`` (the main
    window) closes it when the program closes."""
    window = _open_windows.get(participation_id)
    if window is None:
        window = CaseWindow(ctx, participation_id, owner)
        _open_windows[participation_id] = window
        window.destroyed.connect(lambda *_a, pid=participation_id: _open_windows.pop(pid, None))
    window.show()
    window.raise_()
    window.activateWindow()
    return window


class CaseWindow(QWidget):
    def __init__(self, ctx: AppContext, participation_id: int, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.participation_id = participation_id
        self.case: CaseOverview | None = None
        fit_window(self, 1100, 760)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(24)
        layout.addLayout(self.facts)
        self.warnings = banner("", WARN_STYLE)
        layout.addWidget(self.warnings)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_tabs()
        ctx.runner.changed.connect(self._on_changed)
        ctx.runner.run(casework.record_case_opened, participation_id)
        # Ctrl+W and Esc close the case, as in any document window; F1: the handbook
        # at the step of the tab in view.
        for keys in (QKeySequence.StandardKey.Close, QKeySequence(Qt.Key.Key_Escape)):
            QShortcut(keys, self, activated=self.close)
        QShortcut(QKeySequence(Qt.Key.Key_F1), self, activated=self.show_help)
        self.refresh()

    TAB_SECTIONS = ("timeline", "mapping", "plan", "insatser", "contacts", "closing")

    def show_help(self):
        from finsam_desktop.ui.help import open_help

        return open_help(self, "case/" + self.TAB_SECTIONS[max(self.tabs.currentIndex(), 0)])

    def _build_tabs(self) -> None:
        from finsam_desktop.ui.pages.case.closing_tab import ClosingTab
        from finsam_desktop.ui.pages.case.contacts_tab import ContactsTab
        from finsam_desktop.ui.pages.case.insatser_tab import InsatserTab
        from finsam_desktop.ui.pages.case.mapping_tab import MappingTab
        from finsam_desktop.ui.pages.case.plan_tab import PlanTab

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels([_("Date"), _("What"), _("Staff"), _("Text")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.tabs.addTab(self.timeline, _("Timeline"))
        self.mapping = MappingTab(self)
        self.tabs.addTab(self.mapping, _("Kartläggning"))
        self.plan = PlanTab(self)
        self.tabs.addTab(self.plan, _("Action plan"))
        self.insatser = InsatserTab(self)
        self.tabs.addTab(self.insatser, _("Insatser"))
        self.contacts = ContactsTab(self)
        self.tabs.addTab(self.contacts, _("Contacts and notes"))
        self.closing = ClosingTab(self)
        self.tabs.addTab(self.closing, _("Limits and avslut"))

    def _on_changed(self, kinds: frozenset[Change]) -> None:
        if kinds & SHOWN:
            self.refresh()

    def run(self, fn, *args):
        """Run a change on this case through the one operation runner."""
        return self.ctx.runner.run(fn, *args)

    def read(self, fn, *args):
        return self.ctx.runner.read(fn, *args)

    def refresh(self) -> None:
        self.case = self.read(casework.get_participation, self.participation_id)
        self._show_overview(self.case)
        self._show_timeline()
        for tab in (self.mapping, self.plan, self.insatser, self.contacts, self.closing):
            tab.refresh()

    def _show_overview(self, c: CaseOverview) -> None:
        day = today()
        self.setWindowTitle(_("Case: {name}").format(name=c.person_name))
        status = c.status.label
        if c.closed_on:
            status += " " + format_date(c.closed_on)
        self.title.setText(
            f"<h2>{c.person_name} <small>({c.personnummer})</small></h2>"
            f"<p>{c.insats_name} · <b>{status}</b>"
            + (f" · {c.case_number}" if c.case_number else "")
            + "</p>"
        )
        limits = c.limits
        left = limits.days_left(day)
        since = limits.days_since_enrolment(day)
        ends = format_date(limits.ends_on)
        if limits.extension.granted:
            ends += " " + ngettext(
                "(extended by {n} month)", "(extended by {n} months)", limits.extension.months
            ).format(n=format_number(limits.extension.months))
        if c.is_open:
            when = (
                ngettext("{n} day left", "{n} days left", left).format(n=format_number(left))
                if left >= 0  # an end date already passed reads "6 days ago", not "-6 left"
                else ngettext("{n} day ago", "{n} days ago", -left).format(n=format_number(-left))
            )
            ends_text = f"{ends} ({when})"
        else:
            ends_text = _("Closed {date}").format(date=format_date(c.closed_on))
        last_contact = (
            format_date(c.last_remittent_contact) if c.last_remittent_contact else _("none yet")
        )
        facts = [
            (_("Contact person"), c.contact_person_name),
            (_("Second contact person"), c.second_contact_person_name),
            (
                _("Enrolled"),
                f"{format_date(limits.enrolled_on)} ("
                + ngettext("{n} day ago", "{n} days ago", since).format(n=format_number(since))
                + ")",
            ),
            (_("Ends"), ends_text),
            (_("Next plan follow-up"), format_date(c.next_follow_up) if c.is_open else "–"),
            (_("Last contact with the remittent"), last_contact),
            (
                _("Remittent"),
                ", ".join(v for v in (c.remittent_name, c.remittent_party, c.remittent_phone) if v)
                or "–",
            ),
        ]
        while self.facts.count():
            item = self.facts.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for i, (label, value) in enumerate(facts):
            row, col = divmod(i, 2)
            name = QLabel(f"<b>{label}:</b>")
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addWidget(name, row, col * 2)
            self.facts.addWidget(text, row, col * 2 + 1)
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)
        self._show_warnings(c)

    def _show_warnings(self, c: CaseOverview) -> None:
        day = today()
        if not c.is_open:
            self.warnings.setStyleSheet(CLOSED_STYLE)
            self.warnings.setText(
                _("The participation is closed. Reopen it on the tab “Limits and avslut”.")
            )
            self.warnings.show()
            return
        lines = []
        if c.limits.past_end(day):
            lines.append(_("The participation is past its end without avslut."))
        elif c.limits.ending_soon(day):
            lines.append(
                _("The participation ends within 30 days ({date}).").format(
                    date=format_date(c.limits.ends_on)
                )
            )
        if c.remittent_contact_due < day:
            lines.append(
                _("No contact with the remittent since {date}.").format(
                    date=format_date(c.last_remittent_contact or c.limits.enrolled_on)
                )
            )
        if c.next_follow_up <= day:
            lines.append(_("The action plan is due for follow-up."))
        if c.extension.pending:
            lines.append(_("The extension awaits the steering group's decision."))
        if not c.entry_recorded:
            lines.append(_("The situation at entry is not recorded yet."))
        self.warnings.setStyleSheet(WARN_STYLE)
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def _show_timeline(self) -> None:
        self.timeline.clear()
        for entry in self.read(casework.timeline, self.participation_id):
            item = QTreeWidgetItem(
                [
                    format_date(entry.day),
                    entry.kind.label,
                    entry.staff_name,
                    entry.text.replace("\n", " "),
                ]
            )
            item.setToolTip(3, entry.text)
            self.timeline.addTopLevelItem(item)
        fit_columns(self.timeline)
