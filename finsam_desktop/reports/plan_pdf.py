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
    WIDTH,
    case_pdf,
    flow,
    heading,
    label_value_rows,
    long_cells_table,
    text,
)


def plan_pdf(
    case: CaseOverview, plan: PlanRevision, printed_on: date, next_follow_up: date
) -> bytes:
    facts = [
        (_("Contact person"), case.contact_person_name),
        (_("Second contact person"), case.second_contact_person_name),
        (_("Enrolled"), format_date(case.limits.enrolled_on)),
        (_("Participation ends"), format_date(case.limits.ends_on)),
        (_("Next follow-up"), format_date(next_follow_up)),
    ]
    story: list[Flowable] = label_value_rows(facts)
    story += heading(_("Goals"))
    if plan.goals:
        story += long_cells_table(
            [[g.text, g.status.label] for g in plan.goals],
            [_("Goal"), _("Status")],
            [WIDTH - 35 * mm, 35 * mm],
            row_name=lambda row: _("Goal"),
        )
    else:
        story.append(text("–"))
    story += heading(_("Planned insatser"))
    if plan.insatser:
        story += long_cells_table(
            [
                [
                    i.type_name,
                    i.description,
                    i.responsible_name,
                    format_date(i.starts_on),
                    format_date(i.ends_on),
                ]
                for i in plan.insatser
            ],
            [_("Type"), _("Description"), _("Responsible"), _("Start"), _("End")],
            [34 * mm, WIDTH - 122 * mm, 36 * mm, 26 * mm, 26 * mm],
            row_name=lambda row: row[0][:60],
        )
    else:
        story.append(text("–"))
    if plan.note:
        story += heading(_("Note"))
        story += flow(plan.note)
    subtitle = _("Version {n} of {date}").format(n=plan.number, date=format_date(plan.made_on))
    return case_pdf(case, _("Action plan"), subtitle, printed_on, story)
