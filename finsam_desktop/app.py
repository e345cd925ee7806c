"""The one place that wires settings, database, migrations, services and window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTimer,
    QTranslator,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from finsam_desktop import APP_ID, APP_NAME, __version__
from finsam_desktop.i18n import _, set_language

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    from finsam_desktop.cli.parser import (
        SwedishParser,
        add_database_argument,
        add_participants_argument,
    )

    parser = SwedishParser(prog="finsam-desktop", description=_("Start Finsam Desktop."))
    add_database_argument(parser)
    parser.add_argument(
        "--demo", action="store_true", help=_("open the demo database (created the first time)")
    )
    add_participants_argument(parser)
    parser.add_argument("--lang", choices=["sv", "en"], default=None, help=_("language: sv or en"))
    return parser.parse_args(argv)


def install_translators(app: QApplication, language: str) -> None:
    """Qt's own Swedish strings for stock dialogs (buttons, file dialogs)."""
    if language != "sv":
        return
    QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_sv", "qt_sv"):
        translator = QTranslator(app)
        if translator.load(name, path):
            app.installTranslator(translator)


def needs_demo(path: Path) -> bool:
    """No demo database yet, or a plain one from before encryption (it gets the accounts)."""
    from finsam_desktop.services.signin import DatabaseState, KeyFileMissing, database_state

    try:
        return database_state(path) is not DatabaseState.ENCRYPTED
    except KeyFileMissing:
        return False  # the login explains it


def create_demo_or_explain(path: Path, participants: int) -> bool:
    """A new encrypted demo database with the demo accounts; False after telling why not."""
    from finsam_desktop.services import demo
    from finsam_desktop.ui.login import BusyCursor

    try:
        with BusyCursor():
            demo.create_demo_database(path, participants=participants)
    except OSError as exc:
        log.error("cannot create the demo database: %s", type(exc).__name__)
        QMessageBox.critical(
            None,
            APP_NAME,
            _(
                "The database {path} could not be opened: the folder is missing or read-only."
            ).format(path=path),
        )
        return False
    except Exception as exc:  # not a demo database, a full disk, a damaged file
        from finsam_desktop.problems import user_message

        message = user_message(exc)
        if message is None:
            raise
        log.error("cannot create the demo database: %s", type(exc).__name__)
        QMessageBox.critical(None, APP_NAME, message)
        return False
    return True


def add_security_actions(window, ctx, lock) -> None:
    """Lock now, change password, and who is signed in, on the main window."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel

    from finsam_desktop.ui.lock import LOCK_KEY
    from finsam_desktop.ui.login import ChangePasswordDialog

    lock_action = QAction(_("&Lock now") + "\t" + LOCK_KEY, window)  # the key: lock.py
    lock_action.triggered.connect(lambda: lock.lock(by_hand=True))
    password_action = QAction(_("Change &password…"), window)
    password_action.triggered.connect(lambda: ChangePasswordDialog(ctx, parent=window).exec())
    first = window.file_menu.actions()[0] if window.file_menu.actions() else None
    window.file_menu.insertAction(first, lock_action)
    window.file_menu.insertAction(first, password_action)
    window.file_menu.insertSeparator(first)
    user = ctx.runner.user
    window.statusBar().addPermanentWidget(
        QLabel(_("Logged in: {name} ({role})").format(name=user.display_name, role=user.role.label))
    )
    made = ctx.db.extract_made_at
    if made is not None:  # a statistics account works in the de-identified extract
        from finsam_desktop.services.audit import local_time

        window.statusBar().addPermanentWidget(
            QLabel(_("Data as of {when}").format(when=local_time(made).strftime("%Y-%m-%d %H:%M")))
        )


def run(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from finsam_desktop.paths import data_dir
    from finsam_desktop.ui import crash

    crash.install(data_dir())  # crash reports and log file without personal data
    QCoreApplication.setOrganizationName("Finsam")
    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    from finsam_desktop.ui.style import install_style

    install_style(app)
    from finsam_desktop.ui.widgets.forms import install_window_fit

    install_window_fit(app)  # every window and dialog fits a 1280×800 screen
    settings = QSettings()
    language = args.lang or str(settings.value("language", "sv"))
    set_language(language)
    install_translators(app, language)

    from finsam_desktop.paths import database_path

    path = database_path(args.db, demo=args.demo)
    if args.demo and needs_demo(path) and not create_demo_or_explain(path, args.participants):
        return 1

    # The first start creates the administrator (and encrypts the file); after that
    # a login opens it. Without a signed-in user the program shows nothing. "Byt
    # användare" on the lock screen ends a session with SWITCH_USER_EXIT: the next user
    # signs in and gets a window of their own.
    while True:
        code = run_session(app, settings, path, args.demo)
        from finsam_desktop.ui.lock import SWITCH_USER_EXIT

        if code != SWITCH_USER_EXIT:
            return code


def import_the_window() -> None:
    """What the program shows after the login, imported while the user types the password
    (``ui.login.warm_up``): the window, its first page and the backup schedule."""
    import finsam_desktop.ui.backup_schedule  # noqa: F401
    import finsam_desktop.ui.lock  # noqa: F401 - the inactivity lock, made with the window
    import finsam_desktop.ui.main_window  # noqa: F401
    import finsam_desktop.ui.pages.overview.page  # noqa: F401 - the page the window opens on


# Once the window and its first page are up: what was made so far (the modules, the
# window) lives as long as the program, and the cyclic collector's full passes walked it
# all again (tens of milliseconds, at random, during a keystroke or a page built).
SETTLE_MS = 3000


def settle_the_heap() -> None:
    import gc

    gc.collect()
    gc.freeze()  # the survivors are left out of later collections


def run_session(app, settings, path, demo: bool) -> int:
    """Sign one user in, show the window until the program quits or the user changes."""
    from finsam_desktop.ui.login import ChangePasswordDialog, sign_in_or_quit

    opened = sign_in_or_quit(path, demo=demo, warm_up_next=import_the_window)
    if opened is None:
        return 0
    db, user = opened

    from PySide6.QtWidgets import QDialog

    from finsam_desktop.services import accounts
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.lock import InactivityLock
    from finsam_desktop.ui.main_window import MainWindow
    from finsam_desktop.ui.operations import OperationRunner

    ctx = AppContext(db=db, runner=OperationRunner(db), settings=settings, demo=demo)
    forced = ChangePasswordDialog(ctx, forced=True) if user.must_change_password else None
    if forced is not None and forced.exec() != QDialog.DialogCode.Accepted:
        db.close()
        return 0
    window = MainWindow(ctx, first_page_after_paint=True)  # the page fills in once shown
    lock = InactivityLock(ctx, parent=window)
    add_security_actions(window, ctx, lock)
    window.show()
    app.setQuitOnLastWindowClosed(True)
    from finsam_desktop.ui.backup_schedule import BackupSchedule

    backup_schedule = BackupSchedule(ctx, parent=window)  # at least daily while open
    QTimer.singleShot(SETTLE_MS, settle_the_heap)
    code = app.exec()
    lock.stop()
    ctx.runner.run(accounts.record_logout)
    if lock.switch_requested:
        # The window (and the cases it opened) go with the session; the next sign-in
        # must not end the program as "the last window closed".
        app.setQuitOnLastWindowClosed(False)
        window.close()
        window.deleteLater()
    backup_schedule.backup_on_close()
    from finsam_desktop.services.statistics_extract import refresh_extract

    refresh_extract(db)  # a coordinator's or administrator's session ends: statistics
    db.close()
    return code
