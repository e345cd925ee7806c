"""The kartläggning as a printed document: sessions, every section's answers in the
template version the case was mapped with, and ekonomisk rådgivning."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from finsam_desktop.domain.casework import CaseOverview, mapping_session_warning
from finsam_desktop.domain.mapping import Mapping, display_answer
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.case_document import (
    SMALL,
    WIDTH,
    case_pdf,
    heading,
    label_value_rows,
    long_cells_table,
    text,
)


def mapping_pdf(case: CaseOverview, mapping: Mapping, printed_on: date) -> bytes:
    story: list[Flowable] = [*heading(_("Mapping conversations"))]
    if mapping.sessions:
        story += long_cells_table(
            [[format_date(s.held_on), s.staff_name, s.note] for s in mapping.sessions],
            [_("Date"), _("Staff"), _("Note")],
            [28 * mm, 50 * mm, WIDTH - 78 * mm],
            row_name=lambda row: row[0],
        )
    warning = mapping_session_warning(len(mapping.sessions))
    if warning:
        story.append(text(warning, SMALL))
    for section in mapping.template.sections:
        story += heading(section.title)
        rows = [
            (question.text, display_answer(question, mapping.answers.get(question.key, "")))
            for question in section.questions
        ]
        story += label_value_rows(rows, 70 * mm)
    story += heading(_("Financial counselling"))
    advice = mapping.advice
    if advice.offered_on:
        rows = [
            (_("Offered"), format_date(advice.offered_on)),
            (_("Offered by"), advice.offered_by_name),
            (_("Benefits discussed"), ", ".join(advice.benefit_names) or "–"),
        ]
        if advice.note:
            rows.append((_("Note"), advice.note))
        story += label_value_rows(rows)
    else:
        story.append(text(_("Not yet offered.")))
    subtitle = _("Template version {n}").format(n=mapping.template.number)
    return case_pdf(case, _("Kartläggning"), subtitle, printed_on, story)
