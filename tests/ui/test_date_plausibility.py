"""Plausibility of dates in the case screen: warnings that do not stop saving, and a
mistyped study start that can be corrected afterwards, with the correction logged."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from test_casework_ui import case_ctx, screen  # noqa: F401  (the case screen fixtures)

from finsam_desktop.db.security_models import AuditRow
from finsam_desktop.domain.casework import mapping_date_warning, study_start_warning

ENROLLED = date(2026, 1, 12)


def test_the_warning_rules():
    assert mapping_date_warning(date(2026, 1, 11), ENROLLED)
    assert mapping_date_warning(ENROLLED, ENROLLED) == ""
    assert study_start_warning(date(2025, 2, 12), ENROLLED)  # eleven months before
    assert study_start_warning(date(2026, 1, 1), ENROLLED) == ""  # days before: fine
    assert study_start_warning(None, ENROLLED) == ""


def test_a_conversation_before_enrolment_is_warned_about_but_saved(screen):  # noqa: F811
    enrolled_on = screen.case.limits.enrolled_on
    dialog = screen.mapping.add_session()
    dialog.held_on.setDate(date(enrolled_on.year - 1, enrolled_on.month, enrolled_on.day))
    dialog.held_on.textEdited.emit(dialog.held_on.text())
    assert "inskrivningen" in dialog.fields.warning_text("held_on")
    assert dialog.fields.error_label("held_on").isVisible()
    assert dialog.fields.error_text("held_on") == ""  # a warning, not an error
    dialog.held_on.setDate(enrolled_on)
    dialog.held_on.textEdited.emit(dialog.held_on.text())
    assert dialog.fields.warning_text("held_on") == ""
    dialog.held_on.setDate(date(enrolled_on.year - 1, enrolled_on.month, enrolled_on.day))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted  # saving goes ahead


def test_a_mistyped_study_start_is_corrected_and_logged(screen):  # noqa: F811
    enrolled_on = screen.case.limits.enrolled_on
    wrong = date(enrolled_on.year - 1, enrolled_on.month, enrolled_on.day)
    tab = screen.insatser
    dialog = tab.edit_study(None)
    dialog.school.setText("Komvux Åkerby")
    dialog.start.setDate(wrong)
    dialog.start.textEdited.emit(dialog.start.text())
    assert "inskrivningen" in dialog.fields.warning_text("study_start")
    dialog.accept()
    support = tab.supports[0]
    assert support.study_start == wrong
    dialog = tab.edit_study(support)
    assert dialog.start.isEnabled()  # not greyed out: a wrong date can be put right
    dialog.start.setDate(enrolled_on)
    dialog.accept()
    assert tab.supports[0].study_start == enrolled_on
    with screen.ctx.db.reading() as s:
        rows = s.execute(
            select(AuditRow.details).where(AuditRow.table_name == "study_support")
        ).all()
    changes = [r.details for r in rows if r.details and "study_start" in str(r.details)]
    assert any(wrong.isoformat() in str(c) and enrolled_on.isoformat() in str(c) for c in changes)
