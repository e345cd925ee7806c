"""Render every main screen and dialog of a fresh demo database to PNG, offscreen.

    .venv/bin/python scripts/screens.py [OUT_DIR] [--lang sv|en]

Anyone can then review the whole interface at a glance (default OUT_DIR: screens/).
Each entry of SCREENS names a picture and a function that opens it in the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finsam_desktop.ui.widgets.forms import SCREEN_FIT  # noqa: E402


def page(key):
    return lambda w: w.show_page(key)


def tab(key, index):
    def show(w):
        shown = w.show_page(key)
        shown.tabs.setCurrentIndex(index)
        return shown

    return show


def settings_tab(key):
    return lambda w: w.show_page("settings").show_tab(key)


def backups(w):
    shown = w.show_page("settings").show_tab("backups")
    shown.backup_now()  # one backup in the list, as after the first day
    return shown


def gallring(w):
    shown = w.show_page("settings").show_tab("gallring")
    shown.preview()
    return shown


def first_item_dialog(settings_key):
    def open_dialog(w):
        shown = w.show_page("settings").show_tab(settings_key)
        return shown.open_item(shown.panel.model.id_at(0))

    return open_dialog


def one_id(w, sql: str) -> int:
    """The first id a query over the demo database finds (the script's own look-up)."""
    from sqlalchemy import text

    with w.ctx.db.reading() as session:
        return session.execute(text(sql)).scalar_one()


# A referral at each step, and the richest case (plan revisions, contacts, kartläggning).
REFERRAL_WITH_MEETING = "SELECT id FROM referral WHERE info_meeting_id IS NOT NULL ORDER BY id"
REFERRAL_RECEIVED = "SELECT id FROM referral WHERE status = 'received' ORDER BY id"
REFERRAL_ACCEPTED = "SELECT id FROM referral WHERE status = 'accepted' ORDER BY id"
REFERRAL_DECIDED = "SELECT id FROM referral WHERE status IN ('accepted', 'enrolled') ORDER BY id"
RICH_CASE = """
    SELECT p.id FROM participation p WHERE p.status = 'enrolled'
    ORDER BY (SELECT count(*) FROM plan_revision r WHERE r.participation_id = p.id)
           + (SELECT count(*) FROM case_contact c WHERE c.participation_id = p.id)
           + (SELECT count(*) FROM mapping_answer a WHERE a.participation_id = p.id) DESC
"""
PROTECTED_PERSON = "SELECT id FROM person WHERE protected_identity ORDER BY id"
CASE_WITH_SUMMARY = "SELECT participation_id FROM case_file WHERE summary != '' ORDER BY 1"


def referral_case(w):
    return w.show_page("referrals").open_referral(one_id(w, REFERRAL_WITH_MEETING + " LIMIT 1"))


def from_referral(action: str, sql: str):
    def open_dialog(w):
        case = w.show_page("referrals").open_referral(one_id(w, sql + " LIMIT 1"))
        return getattr(case, action)()

    return open_dialog


def meeting_dialog(w):
    referrals = w.show_page("referrals")
    referrals.tabs.setCurrentIndex(1)
    return referrals.open_meeting(referrals.meetings.model.id_at(0))


def new_referral(w):
    return w.show_page("referrals").new_referral(ask_draft=False)


def kallelse(w):
    return meeting_dialog(w).show_kallelse()


def person_dialog(w):
    persons_page = w.show_page("participants")
    return persons_page.open_person(persons_page.panel.model.id_at(0))


def protected_person(w):
    return w.show_page("participants").open_person(one_id(w, PROTECTED_PERSON + " LIMIT 1"))


def case_window(tab_name: str | None = None, sql: str = RICH_CASE):
    def open_window(w):
        from finsam_desktop.ui.pages.case.case_window import open_case

        window = open_case(w.ctx, one_id(w, sql + " LIMIT 1"), w)
        window.resize(SCREEN_FIT)
        if tab_name:
            window.tabs.setCurrentWidget(getattr(window, tab_name))
        return window

    return open_window


def plan_comparison(w):
    window = case_window("plan")(w)
    window.plan.versions.setCurrentItem(window.plan.versions.topLevelItem(1))
    return window.plan.compare()


def case_dialog(tab_name: str, opener: str, *args):
    """A dialog opened from one of the case window's tabs (e.g. a new contact)."""

    def open_dialog(w):
        window = case_window(tab_name)(w)
        return getattr(getattr(window, tab_name), opener)(*args)

    return open_dialog


def new_account(w):
    from finsam_desktop.ui.pages.admin.accounts import NewAccountDialog

    w.show_page("accounts")
    return shown(NewAccountDialog(w.ctx, w))


def change_password(w):
    from finsam_desktop.ui.login import ChangePasswordDialog

    return shown(ChangePasswordDialog(w.ctx, w))


def lots_category(w):
    from finsam_desktop.domain.lots import CategoryKind
    from finsam_desktop.ui.pages.lots.categories import CategoryDialog

    lots_page = w.show_page("lots")
    lots_page.tabs.setCurrentIndex(2)
    return shown(CategoryDialog(w.ctx, CategoryKind.QUESTION, None, lots_page))


def lots_form(w):
    return w.show_page("lots").cases.new()


def lots_import(w):
    path = Path(tempfile.gettempdir()) / "finsam-screens-lots.csv"
    path.write_text(
        "Inkom;Kommun;Part;Kön;Födelseår\n"
        "2016-02-01;Åkerby;Arbetsförmedlingen;K;1980\n"
        "2016-02-03;Åkerby;Försäkringskassan;M;1975\n"
        "2016-02-04;Nowhere;Region;M;1990\n",
        "utf-8",
    )
    dialog = w.show_page("lots").cases.import_file()
    dialog.load(path)
    return dialog


def case_printout(tab_name: str, maker: str, title: str, sql: str = RICH_CASE):
    """A case document's print preview (kartläggning, plan, closing letter), opened
    as the Print… buttons open it, but without waiting for it."""

    def open_preview(w):
        from finsam_desktop.ui.pages.case.printout import PrintoutDialog

        window = case_window(tab_name, sql)(w)
        made = getattr(getattr(window, tab_name), maker)()
        pdf = made[0] if isinstance(made, tuple) else made
        return shown(PrintoutDialog(_t(title), "preview.pdf", pdf, window))

    return open_preview


def help_window(w):
    w.show_page("overview")
    return w.show_help()


def about(w):
    from finsam_desktop.ui.dialogs.about import AboutDialog

    return shown(AboutDialog(w.ctx, w))


def shown(dialog):
    dialog.show()
    return dialog


def login(w):
    from finsam_desktop.ui.login import LoginDialog

    return shown(LoginDialog(Path(tempfile.gettempdir()) / "demo.sqlite", w, demo=True))


def first_start(w):
    from finsam_desktop.services.signin import DatabaseState
    from finsam_desktop.ui.login import FirstStartDialog

    return shown(FirstStartDialog(Path(tempfile.gettempdir()) / "new.sqlite", DatabaseState.NEW, w))


def recovery_key(w):
    from finsam_desktop.ui.login import RecoveryKeyDialog

    key = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789"
    return shown(RecoveryKeyDialog(key, Path(tempfile.gettempdir()) / "finsam.sqlite", w))


def lock(w):
    from finsam_desktop.ui.lock import LockDialog

    return shown(LockDialog(w.ctx, w))  # for the signed-in administrator


def conflict(w):
    from finsam_desktop.ui.widgets.conflict import ConflictDialog, FieldDifference

    found = [
        FieldDifference("phone", _t("Phone"), "070-123 45 67", "070-765 43 21"),
        FieldDifference("email", _t("E-mail"), "anna@example.se", "anna.a@example.se"),
        FieldDifference("address", _t("Street address"), "Storgatan 1", "Lillgatan 2"),
    ]
    return shown(ConflictDialog(found, w))


def _t(text: str) -> str:
    from finsam_desktop.i18n import _

    return _(text)


SCREENS = [
    ("01-oversikt", page("overview")),
    ("02-remisser", tab("referrals", 0)),
    ("03-remisser-infomoten", tab("referrals", 1)),
    ("04-deltagare", page("participants")),
    ("05-lotsarenden", tab("lots", 0)),
    ("06-lotsarenden-sammanstallning", tab("lots", 1)),
    ("07-lotsarenden-listor", tab("lots", 2)),
    ("08-statistik", page("statistics")),
    ("09-konton", page("accounts")),
    ("10-logguppfoljning", page("access_log")),
    ("11-installningar-forbund", settings_tab("federation")),
    ("12-installningar-insatser", settings_tab("insatser")),
    ("13-installningar-kommuner", settings_tab("municipalities")),
    ("14-installningar-parter", settings_tab("parties")),
    ("15-installningar-personal", settings_tab("staff")),
    ("16-installningar-arendearbete", settings_tab("casework")),
    ("17-installningar-brevmallar", settings_tab("letter_templates")),
    ("18-installningar-sakerhetskopior", backups),
    ("19-installningar-gallring", gallring),
    ("20-dialog-insats", first_item_dialog("insatser")),
    ("21-dialog-personal", first_item_dialog("staff")),
    ("22-dialog-kommun", first_item_dialog("municipalities")),
    ("23-dialog-part", first_item_dialog("parties")),
    ("24-dialog-person", person_dialog),
    ("25-dialog-person-skyddad", protected_person),
    ("26-dialog-om", about),
    ("30-remiss-arende", referral_case),
    ("31-dialog-remiss-ny", new_referral),
    ("32-dialog-remiss-andra", from_referral("edit_referral", REFERRAL_WITH_MEETING)),
    ("33-dialog-infomote", meeting_dialog),
    ("34-dialog-beslut", from_referral("decide", REFERRAL_RECEIVED)),
    ("35-dialog-inskrivning", from_referral("enrol", REFERRAL_ACCEPTED)),
    ("36-brev-kallelse", kallelse),
    ("37-brev-remissvar", from_referral("show_remissvar", REFERRAL_DECIDED)),
    ("40-arende-oversikt", case_window()),
    ("41-arende-kartlaggning", case_window("mapping")),
    ("42-arende-handlingsplan", case_window("plan")),
    ("43-arende-plan-jamforelse", plan_comparison),
    ("44-arende-insatser", case_window("insatser")),
    ("45-arende-kontakter", case_window("contacts")),
    ("46-arende-avslut", case_window("closing")),
    ("47-dialog-kartlaggningssamtal", case_dialog("mapping", "add_session")),
    ("48-dialog-handlingsplan", case_dialog("plan", "revise", False)),
    ("49-dialog-arbetstraning", case_dialog("insatser", "edit_work", None)),
    ("4a-dialog-stod-vid-studier", case_dialog("insatser", "edit_study", None)),
    ("4b-dialog-kontakt", case_dialog("contacts", "new_contact")),
    ("50-dialog-lotsarende", lots_form),
    ("51-dialog-lots-import", lots_import),
    ("60-dialog-inloggning", login),
    ("61-dialog-forsta-start", first_start),
    ("62-dialog-aterstallningsnyckel", recovery_key),
    ("63-dialog-last", lock),
    ("64-dialog-konflikt", conflict),
    ("65-dialog-nytt-konto", new_account),
    ("66-dialog-byt-losenord", change_password),
    ("52-dialog-lotskategori", lots_category),
    (
        "70-forhandsvisning-kartlaggning",
        case_printout("mapping", "mapping_pdf_bytes", "Kartläggning"),
    ),
    ("71-forhandsvisning-handlingsplan", case_printout("plan", "plan_pdf_bytes", "Action plan")),
    (
        "72-forhandsvisning-avslut",
        case_printout("closing", "letter_pdf", "Closing summary", CASE_WITH_SUMMARY),
    ),
    ("80-handbok", help_window),
]


def close_others(app: QApplication, window: QWidget) -> None:
    """Close every window a screen opened (dialogs before the windows they belong to)."""
    from PySide6.QtWidgets import QDialog

    others = [w for w in app.topLevelWidgets() if w is not window and w.isVisible()]
    for other in sorted(others, key=lambda w: -depth(w)):
        if isinstance(other, QDialog):
            other.done(0)
        else:
            other.close()
    app.processEvents()


def depth(widget: QWidget) -> int:
    count = 0
    while widget.parentWidget() is not None:
        widget = widget.parentWidget()
        count += 1
    return count


def too_big(widget: QWidget) -> str:
    """Whether the window, as shown or at its smallest, does not fit a 1280×800 screen
    less its frame, title bar and taskbar (ui/widgets/forms.py SCREEN_FIT)."""
    from finsam_desktop.ui.widgets.forms import SCREEN_FIT

    room = SCREEN_FIT
    smallest = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if smallest.width() > room.width() or smallest.height() > room.height():
        return f" (minimum {smallest.width()}×{smallest.height()} does not fit 1280×800)"
    size = widget.size()
    if size.width() > room.width() or size.height() > room.height():
        return f" (opens at {size.width()}×{size.height()}, larger than 1280×800 allows)"
    return ""


def title_problem(widget: QWidget) -> str:
    """Whether the title the desktop shows names the program other than once: Qt
    appends the display name unless the title already ends with it."""
    from finsam_desktop import APP_NAME

    title = widget.windowTitle()
    shown = title if title.endswith(APP_NAME) else f"{title} — {APP_NAME}"
    if shown.count(APP_NAME) != 1:
        return f" (the title bar reads “{shown}”)"
    return ""


def render(
    out: Path, language: str = "sv", participants: int = 200, problems: list[str] | None = None
) -> list[Path]:
    """Every screen to PNG; each window that does not fit 1280×800 is printed to stderr
    and, when ``problems`` is given, added to it (tests/ui/test_window_sizes.py)."""
    from finsam_desktop.app import install_translators
    from finsam_desktop.i18n import set_language
    from finsam_desktop.services import demo, signin
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.main_window import MainWindow
    from finsam_desktop.ui.operations import OperationRunner

    app = QApplication.instance() or QApplication([])
    from finsam_desktop.ui.style import install_style

    install_style(app)
    from finsam_desktop.ui.widgets.forms import install_window_fit

    install_window_fit(app)  # as the program does (app.py)
    set_language(language)
    install_translators(app, language)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        # The demo database as the program makes it: encrypted, with the demo accounts,
        # and the administrator signed in (so Konton and the access log have content).
        path = Path(tmp) / "demo.sqlite"
        demo.create_demo_database(path, participants=participants)
        db, _user = signin.log_in(path, signin.DEMO_ACCOUNTS[0][0], signin.DEMO_PASSWORD)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(AppContext(db, OperationRunner(db), settings, demo=True))
        window.resize(SCREEN_FIT)
        window.show()
        for name, open_screen in SCREENS:
            opened = open_screen(window)
            for _round in range(3):  # layouts of freshly built content settle in a few rounds
                app.processEvents()
            target = opened if isinstance(opened, QWidget) and opened.isWindow() else window
            path = out / f"{name}.png"
            target.grab().save(str(path))
            written.append(path)
            warning = too_big(target) + title_problem(target)
            if warning:
                print(name + warning, file=sys.stderr)
                if problems is not None:
                    problems.append(name + warning)
            close_others(app, window)
        window.close()
        db.close()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "screens"))
    parser.add_argument("--lang", default="sv", choices=["sv", "en"])
    args = parser.parse_args()
    for path in render(Path(args.out), args.lang):
        print(path)
