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
    HEADING,
    LABEL,
    SMALL,
    WIDTH,
    case_pdf,
    grid,
    text,
)


def mapping_pdf(case: CaseOverview, mapping: Mapping, printed_on: date) -> bytes:
    story: list[Flowable] = [text(_("Mapping conversations"), HEADING)]
    if mapping.sessions:
        rows = [[text(_("Date"), LABEL), text(_("Staff"), LABEL), text(_("Note"), LABEL)]]
        rows += [[format_date(s.held_on), s.staff_name, s.note] for s in mapping.sessions]
        story.append(grid(rows, [28 * mm, 50 * mm, WIDTH - 78 * mm]))
    warning = mapping_session_warning(len(mapping.sessions))
    if warning:
        story.append(text(warning, SMALL))
    for section in mapping.template.sections:
        story.append(text(section.title, HEADING))
        rows = []
        for question in section.questions:
            answer = display_answer(question, mapping.answers.get(question.key, ""))
            rows.append([text(question.text, LABEL), answer or "–"])
        if rows:
            story.append(grid(rows, [70 * mm, WIDTH - 70 * mm], header=False))
    story.append(text(_("Financial counselling"), HEADING))
    advice = mapping.advice
    if advice.offered_on:
        rows = [
            [text(_("Offered"), LABEL), format_date(advice.offered_on)],
            [text(_("Offered by"), LABEL), advice.offered_by_name],
            [text(_("Benefits discussed"), LABEL), ", ".join(advice.benefit_names) or "–"],
        ]
        if advice.note:
            rows.append([text(_("Note"), LABEL), advice.note])
        story.append(grid(rows, [45 * mm, WIDTH - 45 * mm], header=False))
    else:
        story.append(text(_("Not yet offered.")))
    subtitle = _("Template version {n}").format(n=mapping.template.number)
    return case_pdf(case, _("Kartläggning"), subtitle, printed_on, story)
