"""Översikt lists the first reminders of each kind and says how many there are in all,
counted in SQL (reminders.due_summary), not by building every reminder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from finsam_desktop.domain.casework import ReminderKind
from finsam_desktop.services import demo, reminders


def test_overview_shows_the_first_of_each_kind_and_how_many_in_all(
    db, qtbot, tmp_path, monkeypatch
):
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview import page as overview
    from finsam_desktop.ui.pages.overview.page import OverviewPage
    from finsam_desktop.ui.widgets.choices import today

    demo.fill(db, participants=150, lots=0)
    monkeypatch.setattr(overview, "SHOWN_PER_KIND", 2)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = OverviewPage(AppContext(db, OperationRunner(db), settings))
    qtbot.addWidget(page)
    page.only_mine.setChecked(False)  # everyone's
    with db.reading() as s:
        everything = reminders.due_items(s, today())
    groups = {
        page.due.topLevelItem(i).text(0): page.due.topLevelItem(i)
        for i in range(page.due.topLevelItemCount())
    }
    cut = 0
    for kind in ReminderKind:
        items = everything[kind]
        if not items:
            assert not any(g.startswith(kind.label) for g in groups)
            continue
        group = groups[f"{kind.label} ({len(items)})"]
        names = [group.child(i).text(2) for i in range(min(2, len(items)))]
        assert names == [x.person_name for x in items[:2]]
        if len(items) > 2:
            cut += 1
            assert group.childCount() == 3
            assert group.child(2).text(0) == f"… och {len(items) - 2} till"
        else:
            assert group.childCount() == len(items)
    assert cut >= 2


def test_each_reminder_says_when_it_is_due(db, qtbot, tmp_path):
    """When and the date of every reminder shown (made once per due day and shared by the
    reminders of that day), red when overdue."""
    from PySide6.QtCore import Qt

    from finsam_desktop.i18n import format_date
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview.page import OVERDUE, SHOWN_PER_KIND, OverviewPage
    from finsam_desktop.ui.widgets.choices import today

    demo.fill(db, participants=150, lots=0)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = OverviewPage(AppContext(db, OperationRunner(db), settings))
    qtbot.addWidget(page)
    page.only_mine.setChecked(False)
    day = today()
    with db.reading() as s:
        found = reminders.due_summary(s, day, None, SHOWN_PER_KIND)
    groups = {
        page.due.topLevelItem(i).text(0): page.due.topLevelItem(i)
        for i in range(page.due.topLevelItemCount())
    }
    seen = {"overdue": 0, "today": 0, "ahead": 0}
    for kind, due in found.items():
        if not due.total:
            continue
        group = groups[f"{kind.label} ({due.total})"]
        for n, reminder in enumerate(due.items):
            item = group.child(n)
            days = (reminder.due_on - day).days
            if days < 0:
                seen["overdue"] += 1
                when = f"{-days} dag{'ar' if days < -1 else ''} försenad"
            elif days == 0:
                seen["today"] += 1
                when = "i dag"
            else:
                seen["ahead"] += 1
                when = f"om {days} dag{'ar' if days > 1 else ''}"
            assert [item.text(c) for c in range(4)] == [
                when,
                format_date(reminder.due_on),
                reminder.person_name,
                reminder.detail,
            ]
            red = [item.foreground(c) == OVERDUE for c in range(4)]
            assert red == [days < 0] * 4
            assert item.data(0, Qt.ItemDataRole.UserRole)[1:] == (
                reminder.participation_id,
                reminder.referral_id,
            )
    assert seen["overdue"] and seen["ahead"]
