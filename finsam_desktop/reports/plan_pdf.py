"""The handlingsplan as a printed document, with signature lines for the participant
and the contact person. Any version can be printed; the version number is on it."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from finsam_desktop.domain.casework import CaseOverview
from finsam_desktop.domain.plans import PlanRevision
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.case_document import (
    HEADING,
    LABEL,
    WIDTH,
    case_pdf,
    grid,
    text,
)


def plan_pdf(
    case: CaseOverview, plan: PlanRevision, printed_on: date, next_follow_up: date
) -> bytes:
    facts = [
        [text(_("Contact person"), LABEL), case.contact_person_name],
        [text(_("Second contact person"), LABEL), case.second_contact_person_name],
        [text(_("Enrolled"), LABEL), format_date(case.limits.enrolled_on)],
        [text(_("Participation ends"), LABEL), format_date(case.limits.ends_on)],
        [text(_("Next follow-up"), LABEL), format_date(next_follow_up)],
    ]
    story: list[Flowable] = [grid(facts, [45 * mm, WIDTH - 45 * mm], header=False)]
    story.append(text(_("Goals"), HEADING))
    rows = [[text(_("Goal"), LABEL), text(_("Status"), LABEL)]]
    rows += [[g.text, g.status.label] for g in plan.goals]
    story.append(grid(rows, [WIDTH - 35 * mm, 35 * mm]))
    story.append(text(_("Planned insatser"), HEADING))
    if plan.insatser:
        rows = [
            [
                text(h, LABEL)
                for h in (_("Type"), _("Description"), _("Responsible"), _("Start"), _("End"))
            ]
        ]
        rows += [
            [
                i.type_name,
                i.description,
                i.responsible_name,
                format_date(i.starts_on),
                format_date(i.ends_on),
            ]
            for i in plan.insatser
        ]
        story.append(grid(rows, [38 * mm, WIDTH - 130 * mm, 40 * mm, 26 * mm, 26 * mm]))
    else:
        story.append(text("–"))
    if plan.note:
        story.append(text(_("Note"), HEADING))
        story.append(text(plan.note))
    subtitle = _("Version {n} of {date}").format(n=plan.number, date=format_date(plan.made_on))
    return case_pdf(case, _("Action plan"), subtitle, printed_on, story)
