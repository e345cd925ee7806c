"""The main window: navigation on the left, one page at a time on the right.

Pages are built the first time they are shown, so the window appears at once and
heavy modules (ReportLab, charts) load only when a page needs them. After the login
(``first_page_after_paint``) even the first page is built only once the window is on
the screen: "Logga in" shows the window at once, and the page fills in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from finsam_desktop import APP_NAME, program_title
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import Permission, User
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import fit_window

# The pages of the navigation, in order. Each is built the first time it is shown: its
# loader imports the page's module only then (the window opens without ReportLab, the
# charts or the other pages) and returns the page class, which takes the AppContext.
PageClass = Callable[[AppContext], QWidget]


def _overview() -> PageClass:
    from finsam_desktop.ui.pages.overview import OverviewPage

    return OverviewPage


def _referrals() -> PageClass:
    from finsam_desktop.ui.pages.referrals import ReferralsPage

    return ReferralsPage


def _participants() -> PageClass:
    from finsam_desktop.ui.pages.persons import PersonsPage

    return PersonsPage


def _lots() -> PageClass:
    from finsam_desktop.ui.pages.lots import LotsPage

    return LotsPage


def _krans() -> PageClass:
    from finsam_desktop.ui.pages.krans import KransPage

    return KransPage


def _statistics() -> PageClass:
    from finsam_desktop.ui.pages.statistics import StatisticsPage

    return StatisticsPage


def _settings() -> PageClass:
    from finsam_desktop.ui.pages.settings import SettingsPage

    return SettingsPage


def _accounts() -> PageClass:
    from finsam_desktop.ui.pages.admin.accounts import AccountsPage

    return AccountsPage


def _access_log() -> PageClass:
    from finsam_desktop.ui.pages.admin.log_review import LogReviewPage

    return LogReviewPage


PAGES: list[tuple[str, str, Callable[[], PageClass]]] = [
    ("overview", N_("Overview"), _overview),
    ("referrals", N_("Referrals"), _referrals),
    ("participants", N_("Participants"), _participants),
    ("lots", N_("Lotsärenden"), _lots),
    ("krans", N_("Lokal samverkan"), _krans),
    ("statistics", N_("Statistics"), _statistics),
    ("settings", N_("Settings"), _settings),
    ("accounts", N_("Accounts"), _accounts),
    ("access_log", N_("Access log"), _access_log),
]

# Which permission a page needs. A page not listed here shows names, so it needs
# CASEWORK: a new page is closed to the statistics role until someone opens it here.
PAGE_PERMISSIONS: dict[str, Permission] = {
    "statistics": Permission.STATISTICS,
    "settings": Permission.ADMINISTER,
    "accounts": Permission.ADMINISTER,
    "access_log": Permission.ADMINISTER,
}


def visible_for(key: str, user: User | None) -> bool:
    """Whether the signed-in ``user`` sees page ``key`` (None: the program, sees all)."""
    return user is None or user.may(PAGE_PERMISSIONS.get(key, Permission.CASEWORK))


NAV_STYLE = """
QListWidget#navigation { font-size: 11pt; border: none; background: palette(window); }
QListWidget#navigation::item { padding: 9px 14px; }
QListWidget#navigation::item:selected { background: #2d6a9f; color: white; }
"""


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, first_page_after_paint: bool = False):
        super().__init__()
        self.ctx = ctx
        self._first_page: str | None = None
        self.setWindowTitle(program_title(_("DEMO DATABASE") if ctx.demo else ""))
        self._pages: dict[str, QWidget] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(170)
        self.nav.setStyleSheet(NAV_STYLE)
        self.stack = QStackedWidget()
        for number, (key, page_title, _load) in enumerate(PAGES, start=1):
            item = QListWidgetItem(_(page_title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(_("Ctrl+{n}").format(n=number))
            self.nav.addItem(item)
            item.setHidden(not visible_for(key, ctx.runner.user))
            placeholder = QWidget()
            self.stack.addWidget(placeholder)
            QShortcut(
                QKeySequence(f"Ctrl+{number}"), self, activated=lambda k=key: self.show_page(k)
            )
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row][0]))

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 1000])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_menus()
        fit_window(self, 1200, 780)
        self._restore_layout()
        first = str(ctx.settings.value("window/page", "overview"))
        if first_page_after_paint:
            self._first_page = self._choose(first)
            opening = QLabel(_("Opening…"))
            opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder = self.stack.currentWidget()
            self.stack.insertWidget(self.stack.currentIndex(), opening)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentWidget(opening)
        else:
            self.show_page(first)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._first_page is not None:
            key, self._first_page = self._first_page, None
            # Once this paint is on the screen; a page chosen meanwhile stays chosen.
            QTimer.singleShot(
                0, lambda: self.show_page(key) if self.current_page() == key else None
            )

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu(_("&File"))
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        language_menu = self.menuBar().addMenu(_("&Language"))
        current = str(self.ctx.settings.value("language", "sv"))
        # One language at a time: the group keeps exactly one checked.
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        for code, name in (("sv", "Svenska"), ("en", "English")):
            action = QAction(name, self, checkable=True, checked=code == current)
            action.setData(code)
            action.triggered.connect(lambda _checked, c=code: self.choose_language(c))
            self.language_group.addAction(action)
            language_menu.addAction(action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        handbook = QAction(_("&Handbook"), self)
        handbook.setShortcut(QKeySequence("F1"))
        handbook.triggered.connect(self.show_help)
        help_menu.addAction(handbook)
        about = QAction(_("&About Finsam Desktop"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self._pages:
            index = [k for k, *_ in PAGES].index(key)
            page_class = PAGES[index][2]()
            widget = page_class(self.ctx)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._pages[key] = widget
        return self._pages[key]

    def _choose(self, key: str) -> str:
        """The navigation at ``key`` (or the first page the user may see); its key."""
        keys = [k for k, *_ in PAGES]
        if key not in keys or not visible_for(key, self.ctx.runner.user):
            key = next(k for k in keys if visible_for(k, self.ctx.runner.user))
        index = keys.index(key)
        self.stack.setCurrentIndex(index)
        if self.nav.currentRow() != index:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(index)
            self.nav.blockSignals(False)
        return key

    def show_page(self, key: str) -> QWidget:
        key = self._choose(key)
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        self.ctx.settings.setValue("window/page", key)
        return widget

    def choose_language(self, code: str) -> None:
        """Remembered for the next start: every screen is built in one language."""
        self.ctx.settings.setValue("language", code)
        QMessageBox.information(
            self,
            APP_NAME,
            _("The language changes the next time Finsam Desktop starts."),
        )

    def current_page(self) -> str:
        return PAGES[self.stack.currentIndex()][0]

    def show_help(self):
        """The handbook at the section for the page in view."""
        from finsam_desktop.ui.help import open_help

        return open_help(self, self.current_page())

    def show_about(self) -> None:
        from finsam_desktop.ui.dialogs.about import AboutDialog

        AboutDialog(self.ctx, self).exec()

    def _restore_layout(self) -> None:
        geometry = self.ctx.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        state = self.ctx.settings.value("window/splitter")
        if isinstance(state, QByteArray | bytes):
            self.splitter.restoreState(state)

    def closeEvent(self, event) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/splitter", self.splitter.saveState())
        self.ctx.settings.sync()
        super().closeEvent(event)
