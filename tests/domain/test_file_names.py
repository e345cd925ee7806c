from datetime import date

from finsam_desktop.domain.file_names import export_file_name, period_text


def test_an_export_is_named_by_what_municipality_and_period():
    year = (date(2016, 1, 1), date(2016, 12, 31))
    assert export_file_name("lotsarenden", "xlsx", *year, "Håbo") == "lotsarenden_Håbo_2016.xlsx"
    assert export_file_name("lotsarenden", "pdf", *year) == "lotsarenden_alla-kommuner_2016.pdf"
    assert (
        export_file_name("lotsarenden", "csv", date(2016, 1, 1), date(2016, 6, 30), "Östra Ny/By")
        == "lotsarenden_Östra-Ny-By_2016-01-01–2016-06-30.csv"
    )
    assert period_text(date(2026, 2, 1), date(2026, 2, 28)) == "2026-02"
    assert period_text(date(2026, 2, 1), date(2026, 2, 27)) == "2026-02-01–2026-02-27"
    assert (
        export_file_name(
            "logguppfoljning", "csv", date(2026, 11, 1), date(2026, 11, 30), with_municipality=False
        )
        == "logguppfoljning_2026-11.csv"
    )


def test_the_lots_summary_suggests_its_municipality_and_period(ctx, qtbot):
    from finsam_desktop.ui.pages.lots.summary import SummaryTab

    tab = SummaryTab(ctx)
    qtbot.addWidget(tab)
    tab.municipality.setCurrentIndex(1)
    name = tab.municipality.currentText()
    start, end = tab.period()
    assert (
        tab.suggested_name("xlsx")
        == f"lotsarenden_{name.replace(' ', '-')}_{period_text(start, end)}.xlsx"
    )
    tab.municipality.setCurrentIndex(0)
    assert "_alla-kommuner_" in tab.suggested_name("pdf")
