"""Every list exports what it shows — filters, search and sort — to XLSX or CSV through
the one exporter; the samordnare role only, with a warning, and logged."""

import csv

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from finsam_desktop.db.security_models import AuditRow

# The case-work pages: every list on them exports (Översikt, Remisser with
# Informationsmöten, Deltagare, Lotsärenden).
PAGES = ("overview", "referrals", "participants", "lots")


def visible_rows(panel) -> list[list[str]]:
    model = panel.model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_every_list_has_the_export_action(window):
    from finsam_desktop.ui.widgets.list_panel import ListPanel

    panels = [p for key in PAGES for p in window.page(key).findChildren(ListPanel)]
    assert len(panels) >= 5
    for panel in panels:
        assert panel.export_button.text() == "Exportera…", panel.export_spec


def test_export_follows_the_filters_and_sort_of_the_list(window, tmp_path):
    page = window.show_page("referrals")
    panel = page.panel
    box = page.filters["status"]
    box.setCurrentIndex(1)  # "Öppna" (not decided or not enrolled)
    panel.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    shown = visible_rows(panel)
    assert len(shown) > 0

    path = panel.export_to(tmp_path / "remisser.xlsx", "xlsx")
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values.index([panel.model.headerData(c, Qt.Orientation.Horizontal)
                           for c in range(panel.model.columnCount())])  # fmt: skip
    body = values[header + 1 :]
    assert len(body) == len(shown)
    assert [[("" if v is None else str(v)) for v in row] for row in body] == shown
    heading = [row[0] for row in values[:header]]
    assert any(str(h).startswith("Sorterad efter: ") for h in heading)
    assert any(box.currentText() in str(h) for h in heading)

    csv_path = panel.export_to(tmp_path / "remisser.csv", "csv")
    rows = list(csv.reader(csv_path.read_text("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[-len(shown) :] == shown

    with window.ctx.db.reading() as s:
        kinds = list(s.scalars(select(AuditRow.what)))
    assert "list-referrals-xlsx" in kinds and "list-referrals-csv" in kinds


def test_the_warning_says_the_file_is_not_encrypted(window, monkeypatch, tmp_path):
    seen = []

    def warning(parent, title, text, *args):
        seen.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", warning)
    panel = window.page("participants").panel
    assert panel.export_list() is None
    assert "INTE krypterad" in seen[0]


def test_the_statistics_role_has_no_list_export(sign_in, qtbot):
    from finsam_desktop.services.access import AccessDenied
    from finsam_desktop.services.listing import ListState, list_report
    from finsam_desktop.services.persons import person_list

    ctx = sign_in("statistik")
    with pytest.raises(AccessDenied):
        list_report(person_list(ctx.db), "Deltagare", ListState())
