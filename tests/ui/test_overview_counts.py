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
