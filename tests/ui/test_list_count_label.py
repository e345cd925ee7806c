"""The row count under a list while a search is typed: past the cap it says "Fler än
1 000 rader" (counting every match of one letter at 100,000 referrals cost each
keystroke tens of ms), and the view scrolled to the end counts the rest."""

from __future__ import annotations

from finsam_desktop.i18n import _, format_number
from finsam_desktop.services import listing
from finsam_desktop.services.demo import fill
from finsam_desktop.services.referral_list import referral_list
from finsam_desktop.ui.widgets import table_model
from finsam_desktop.ui.widgets.list_panel import ListPanel


def test_the_label_says_more_than_the_cap_in_swedish():
    text = _("More than {n} rows").format(n=format_number(listing.COUNT_CAP))
    assert text == "Fler än 1\u00a0000 rader"


def test_a_search_past_the_cap_shows_more_than_and_the_end_counts_the_rest(db, qtbot, monkeypatch):
    fill(db, participants=150)
    for module in (listing, table_model):
        monkeypatch.setattr(module, "COUNT_CAP", 20)
    query = referral_list(db)
    everything, matching = query.count(), query.count("a")
    assert matching > 21
    panel = ListPanel(query)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.count_label.text() == f"{everything} rader"  # no search: exact

    panel.search.setText("a")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 21)
    assert panel.count_label.text() == "Fler än 20 rader"
    assert panel.model.canFetchMore(panel.model.index(-1, -1))

    panel.view.scrollToBottom()  # the view asks for the rest
    qtbot.waitUntil(lambda: panel.model.rowCount() == matching)
    assert panel.count_label.text() == f"{matching} rader"
    assert not panel.model.canFetchMore(panel.model.index(-1, -1))
    assert all(panel.model.id_at(row) is not None for row in range(matching))

    panel.search.setText("zzq")  # few matches: counted exactly at once
    qtbot.waitUntil(lambda: panel.count_label.text() == "0 rader")
    panel.search.setText("")
    qtbot.waitUntil(lambda: panel.count_label.text() == f"{everything} rader")
