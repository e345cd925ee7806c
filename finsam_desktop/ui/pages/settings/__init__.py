"""Inställningar: the förbund, its insatser, municipalities, parties and staff.

Tabs are built when first shown; capabilities add their own tabs to SETTINGS_TABS.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from finsam_desktop.i18n import N_, _
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.main_window import load_factory

SETTINGS_TABS: list[tuple[str, str, str]] = [
    ("federation", N_("Federation"), "finsam_desktop.ui.pages.settings.federation:FederationTab"),
    ("insatser", N_("Insatser"), "finsam_desktop.ui.pages.settings.insatser:InsatserTab"),
    (
        "municipalities",
        N_("Municipalities"),
        "finsam_desktop.ui.pages.settings.lists:MunicipalitiesTab",
    ),
    ("parties", N_("Parties"), "finsam_desktop.ui.pages.settings.lists:PartiesTab"),
    ("staff", N_("Staff"), "finsam_desktop.ui.pages.settings.staff:StaffTab"),
    ("casework", N_("Case work"), "finsam_desktop.ui.pages.casework_settings:CaseworkSettingsTab"),
    (
        "letter_templates",
        N_("Letter templates"),
        "finsam_desktop.ui.pages.referrals.templates:LetterTemplatesTab",
    ),
    ("backups", N_("Backups"), "finsam_desktop.ui.pages.admin_backups:BackupsTab"),
    ("gallring", N_("Gallring"), "finsam_desktop.ui.pages.admin_retention:RetentionTab"),
]


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.tabs = QTabWidget()
        self._built: dict[int, QWidget] = {}
        for _key, title, _spec in SETTINGS_TABS:
            self.tabs.addTab(QWidget(), _(title))
        self.tabs.currentChanged.connect(self._build)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._build(0)

    def _build(self, index: int) -> QWidget:
        if index not in self._built and 0 <= index < len(SETTINGS_TABS):
            _key, title, spec = SETTINGS_TABS[index]
            widget = load_factory(spec)(self.ctx)
            self.tabs.blockSignals(True)
            old = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, _scrolling(widget), _(title))
            self.tabs.setCurrentIndex(index)
            self.tabs.blockSignals(False)
            old.deleteLater()
            self._built[index] = widget
        return self._built.get(index)

    def show_tab(self, key: str) -> QWidget:
        index = [k for k, *_ in SETTINGS_TABS].index(key)
        self.tabs.setCurrentIndex(index)
        return self._build(index)


def _scrolling(widget: QWidget) -> QScrollArea:
    """A tab that scrolls when the window is smaller than it: the main window keeps
    fitting a 1280×800 screen whatever a tab holds."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area
