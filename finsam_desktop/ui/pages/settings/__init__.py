"""Inställningar: the förbund, its insatser, municipalities, parties and staff, case work
lists and templates, letter templates, backups and gallring.

Every tab is a module of this folder, listed once in SETTINGS_TABS below; a tab is built
(and its module imported) the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from finsam_desktop.i18n import N_, _
from finsam_desktop.ui.context import AppContext

# (key, title, loader): the loader imports the tab's module and returns its class.
TabClass = Callable[[AppContext], QWidget]


def _federation() -> TabClass:
    from finsam_desktop.ui.pages.settings.federation import FederationTab

    return FederationTab


def _insatser() -> TabClass:
    from finsam_desktop.ui.pages.settings.insatser import InsatserTab

    return InsatserTab


def _municipalities() -> TabClass:
    from finsam_desktop.ui.pages.settings.lists import MunicipalitiesTab

    return MunicipalitiesTab


def _parties() -> TabClass:
    from finsam_desktop.ui.pages.settings.lists import PartiesTab

    return PartiesTab


def _staff() -> TabClass:
    from finsam_desktop.ui.pages.settings.staff import StaffTab

    return StaffTab


def _casework() -> TabClass:
    from finsam_desktop.ui.pages.settings.casework import CaseworkSettingsTab

    return CaseworkSettingsTab


def _letter_templates() -> TabClass:
    from finsam_desktop.ui.pages.settings.letter_templates import LetterTemplatesTab

    return LetterTemplatesTab


def _backups() -> TabClass:
    from finsam_desktop.ui.pages.settings.backups import BackupsTab

    return BackupsTab


def _gallring() -> TabClass:
    from finsam_desktop.ui.pages.settings.retention import RetentionTab

    return RetentionTab


SETTINGS_TABS: list[tuple[str, str, Callable[[], TabClass]]] = [
    ("federation", N_("Federation"), _federation),
    ("insatser", N_("Insatser"), _insatser),
    ("municipalities", N_("Municipalities"), _municipalities),
    ("parties", N_("Parties"), _parties),
    ("staff", N_("Staff"), _staff),
    ("casework", N_("Case work"), _casework),
    ("letter_templates", N_("Letter templates"), _letter_templates),
    ("backups", N_("Backups"), _backups),
    ("gallring", N_("Gallring"), _gallring),
]


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.tabs = QTabWidget()
        self._built: dict[int, QWidget] = {}
        for _key, title, _load in SETTINGS_TABS:
            self.tabs.addTab(QWidget(), _(title))
        self.tabs.currentChanged.connect(self._build)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._build(0)

    def _build(self, index: int) -> QWidget:
        if index not in self._built and 0 <= index < len(SETTINGS_TABS):
            _key, title, load = SETTINGS_TABS[index]
            widget = load()(self.ctx)
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
