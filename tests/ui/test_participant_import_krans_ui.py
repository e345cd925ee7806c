"""The import dialog previews and imports a krans municipality's list (issue 11 item 6)
into one of the demo förbund's local models, driving the real widgets."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ReferralRow
from finsam_desktop.services import demo

MODEL = "Lokal samverkan Granvik"  # one of the demo's local models


def test_the_dialog_previews_and_imports_aktualiseringar(ctx, qtbot, tmp_path):
    from finsam_desktop.ui.pages.persons.import_dialog import ParticipantImportDialog

    numbers = [demo.fake_personnummer(None, date(1951, 2, 3 + i), i) for i in range(3)]
    book = Workbook()
    book.active.append(
        ["Personnummer", "Namn", "Insats", "Kommun", "Aktualiserad", "Part", "Beslut",
         "Vart", "Resultat", "Avslutad", "Skäl"]
    )  # fmt: skip
    book.active.append(
        [numbers[0], "Provlund, Eja", MODEL, "Granvik", "2025-03-03", "Granviks skola", None,
         "Lokal samverkan unga", "Studier", "2025-09-30", None]
    )  # fmt: skip
    book.active.append(
        [numbers[1], "Testberg, Nils", MODEL, "Granvik", "2025-03-10", "FK", "Avslag", None,
         None, None, "Har redan stöd"]
    )  # fmt: skip
    book.active.append(
        [numbers[2], "Fel, Månbas", MODEL, "Granvik", "2025-03-10", "AF", None, "Månbasen",
         None, None, None]
    )  # fmt: skip
    path = tmp_path / "granvik.xlsx"
    book.save(path)
    with ctx.db.reading() as s:
        model_id = s.scalar(select(InsatsRow.id).where(InsatsRow.name == MODEL))
        before = s.scalar(
            select(func.count()).select_from(ReferralRow).where(ReferralRow.insats_id == model_id)
        )

    dialog = ParticipantImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load(path)
    summary = dialog.summary.text()
    assert "3 rader lästa: 2 att importera (2 nya personer)" in summary
    assert (
        f"{MODEL}: 2 aktualiseringar (1 till en destination, 0 avvaktan, 1 avslag, "
        "0 ej beslutade; 1 med utfall)"
    ) in summary
    view = dialog.rows_view
    header = [view.headerItem().text(i) for i in range(view.columnCount())]
    decision, closed, outcome = (
        header.index(h) for h in ("Beslut", "Avslutad", "Väg ut eller utfall")
    )
    first, second = view.topLevelItem(0), view.topLevelItem(1)
    assert (first.text(2), first.text(5)) == ("Provlund, Eja", MODEL)
    assert (first.text(decision), first.text(outcome), first.text(closed)) == (
        "Lokal samverkan unga",
        "Studier",
        "2025-09-30",
    )
    assert second.text(decision) == "Avslag" and second.text(outcome) == ""
    bad = dialog.rejected_view.topLevelItem(0)
    assert (bad.text(0), bad.text(1)) == ("4", "Vart")
    assert bad.text(2).startswith(f"Okänd destination 'Månbasen' för {MODEL}. Använd en av: ")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Lokala modeller: 2 aktualiseringar, 2 beslutade, 1 med utfall." in (
        dialog.summary.text()
    )
    with ctx.db.reading() as s:
        statuses = s.scalars(
            select(ReferralRow.status).where(
                ReferralRow.insats_id == model_id,
                ReferralRow.arrived_on.between(date(2025, 3, 3), date(2025, 3, 10)),
                ReferralRow.consent,
                (ReferralRow.decision_reason != "") | ReferralRow.outcome_id.is_not(None),
            )
        ).all()
        after = s.scalar(
            select(func.count()).select_from(ReferralRow).where(ReferralRow.insats_id == model_id)
        )
    assert after == before + 2
    assert sorted(statuses) == ["accepted", "rejected"]
    dialog.load(path)  # the same file again
    assert "0 att importera" in dialog.summary.text() and "2 finns redan" in dialog.summary.text()


def test_the_lokal_samverkan_page_imports_and_an_undated_outcome_stays_undated(
    ctx, qtbot, tmp_path
):
    """The page opens the same import; an imported outcome without an end date is kept
    as it is when the aktualisering is corrected later (the date field shows today)."""
    from finsam_desktop.services import krans
    from finsam_desktop.ui.pages.krans import KransPage
    from finsam_desktop.ui.pages.persons.import_dialog import ParticipantImportDialog

    page = KransPage(ctx)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.cases.import_button, Qt.MouseButton.LeftButton)
    dialog = page.cases.dialog
    assert isinstance(dialog, ParticipantImportDialog) and dialog.isVisible()
    number = demo.fake_personnummer(None, date(1952, 4, 5), 7)
    path = tmp_path / "utfall.csv"
    path.write_text(
        "Personnummer;Namn;Insats;Aktualiserad;Part;Handläggare;Syfte;Destination;Utfall\n"
        f"{number};Exempelsson, Alva;{MODEL};2025-04-07;AF;Ola Handläggarsson;Arbete;"
        "Lokal samverkan vuxna;Arbete\n",
        encoding="utf-8",
    )
    dialog.load(path)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    dialog.close()
    with ctx.db.reading() as s:
        referral_id = s.scalar(
            select(ReferralRow.id)
            .join(InsatsRow, InsatsRow.id == ReferralRow.insats_id)
            .where(InsatsRow.name == MODEL, ReferralRow.arrived_on == date(2025, 4, 7))
        )
    state = ctx.runner.read(krans.case_state, referral_id)
    assert state.outcome_id is not None and state.outcome_on is None
    edit = page.cases.open(referral_id)
    edit.reason.setPlainText("Arbete med stöd av AF och socialtjänsten.")
    edit.accept()
    assert not edit.isVisible(), edit.banner.text()
    after = ctx.runner.read(krans.case_state, referral_id)
    assert (after.outcome_id, after.outcome_on) == (state.outcome_id, None)
    edit = page.cases.open(referral_id)
    edit.outcome_on.setDate(date(2025, 10, 1))  # now the coordinator knows the day
    edit.accept()
    assert ctx.runner.read(krans.case_state, referral_id).outcome_on == date(2025, 10, 1)
