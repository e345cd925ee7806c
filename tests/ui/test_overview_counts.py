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
    model = page.due_model
    groups = {model.index(i, 0).data(): model.index(i, 0) for i in range(model.rowCount())}
    cut = 0
    for kind in ReminderKind:
        items = everything[kind]
        if not items:
            assert not any(g.startswith(kind.label) for g in groups)
            continue
        group = groups[f"{kind.label} ({len(items)})"]
        names = [model.index(i, 2, group).data() for i in range(min(2, len(items)))]
        assert names == [x.person_name for x in items[:2]]
        if len(items) > 2:
            cut += 1
            assert model.rowCount(group) == 3
            assert model.index(2, 0, group).data() == f"… och {len(items) - 2} till"
        else:
            assert model.rowCount(group) == len(items)
    assert cut >= 2


def test_the_due_list_reads_like_the_tree_it_replaced(db, qtbot, tmp_path, monkeypatch):
    """The model behind Due: every group open and its title across the row, bold; a
    reminder's when, date, name and detail, red when overdue; "… and N more" last;
    Enter (activated) or a double click on a reminder opens its case."""
    from PySide6.QtCore import QModelIndex, Qt

    from finsam_desktop.i18n import format_date
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview import page as overview
    from finsam_desktop.ui.pages.overview.due_list import OVERDUE, when
    from finsam_desktop.ui.pages.overview.page import OverviewPage
    from finsam_desktop.ui.widgets.choices import today

    demo.fill(db, participants=150, lots=0)
    monkeypatch.setattr(overview, "SHOWN_PER_KIND", 3)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = OverviewPage(AppContext(db, OperationRunner(db), settings))
    qtbot.addWidget(page)
    page.only_mine.setChecked(False)
    day = today()
    with db.reading() as s:
        found = reminders.due_summary(s, day, None, 3)
    model, view = page.due_model, page.due
    kinds = [kind for kind in ReminderKind if found[kind].total]
    assert model.group_titles() == [f"{k.label} ({found[k].total})" for k in kinds]
    overdue_seen = on_time_seen = 0
    for row, kind in enumerate(kinds):
        group = model.index(row, 0)
        assert view.isExpanded(group) and view.isFirstColumnSpanned(row, QModelIndex())
        assert group.data(Qt.ItemDataRole.FontRole).bold()
        items = found[kind].items
        for n, reminder in enumerate(items):
            texts = [model.index(n, c, group).data() for c in range(4)]
            assert texts == [
                when(reminder, day),
                format_date(reminder.due_on),
                reminder.person_name,
                reminder.detail,
            ]
            colour = model.index(n, 2, group).data(Qt.ItemDataRole.ForegroundRole)
            if reminder.due_on < day:
                overdue_seen += 1
                assert colour == OVERDUE
            else:
                on_time_seen += 1
                assert colour is None
            assert not view.isFirstColumnSpanned(n, group)
        more = found[kind].total - len(items)
        assert model.rowCount(group) == len(items) + (1 if more else 0)
        if more:
            assert model.index(len(items), 0, group).data() == f"… och {more} till"
            assert model.index(len(items), 0, group).data(Qt.ItemDataRole.UserRole) is None
    assert overdue_seen and on_time_seen
    opened = []
    monkeypatch.setattr(page, "open_case", lambda pid: opened.append(pid))
    plans = model.index(kinds.index(ReminderKind.PLAN_FOLLOW_UP), 0)
    view.activated.emit(model.index(0, 3, plans))  # any column of the row
    view.doubleClicked.emit(model.index(1, 0, plans))
    view.activated.emit(plans)  # a group opens nothing
    first, second = found[ReminderKind.PLAN_FOLLOW_UP].items[:2]
    assert opened == [first.participation_id, second.participation_id]


def test_nothing_due_says_so(db, qtbot, tmp_path):
    from finsam_desktop.ui.context import AppContext
    from finsam_desktop.ui.operations import OperationRunner
    from finsam_desktop.ui.pages.overview.page import OverviewPage

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = OverviewPage(AppContext(db, OperationRunner(db), settings))
    qtbot.addWidget(page)
    assert page.due_model.group_titles() == ["Inget att göra just nu. Bra jobbat!"]
    assert page.due_model.rowCount(page.due_model.index(0, 0)) == 0
