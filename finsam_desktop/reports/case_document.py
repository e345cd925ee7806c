"""The common shape of a printed case document (kartläggning, handlingsplan) on the
shared page layout (``reports.page``): the team's letterhead, the document's title,
date and case number, the participant, headings, question/answer tables, and
signature lines. Fonts are embedded (DejaVu Sans), so å ä ö print everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from finsam_desktop.domain.casework import CaseOverview
from finsam_desktop.domain.letters import Letterhead
from finsam_desktop.i18n import _
from finsam_desktop.reports.page import (
    BODY,
    CELL,
    HEADING,
    LABEL,
    SMALL,
    TITLE,
    WIDTH,
    Head,
    Part,
    clip,
    flow,
    grid,
    heading,
    label_value_rows,
    long_cells_table,
    text,
)
from finsam_desktop.reports.page import render as render_parts

__all__ = [
    "BODY",
    "CELL",
    "HEADING",
    "LABEL",
    "SMALL",
    "WIDTH",
    "DocumentHeader",
    "case_pdf",
    "flow",
    "grid",
    "heading",
    "label_value_rows",
    "long_cells_table",
    "render",
    "signature_lines",
    "text",
]


@dataclass(frozen=True)
class DocumentHeader:
    title: str
    team: str
    person_name: str
    personnummer: str
    printed_on: date
    subtitle: str = ""
    reference: str = ""


def signature_lines(signers: list[tuple[str, str]]) -> Flowable:
    """Lines to sign on: (role, name) pairs side by side, with place and date."""
    width = WIDTH / len(signers)
    line = "_" * 34
    place_and_date = _("Place and date")
    cells = [
        text(f"{place_and_date}\n\n{line}\n\n\n{line}\n{clip(name, 80)}\n{role}", BODY)
        for role, name in signers
    ]
    table = Table([cells], colWidths=[width] * len(signers), hAlign="LEFT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 10 * mm), table])


def render(header: DocumentHeader, story: list[Flowable]) -> bytes:
    head = Head(
        letterhead=Letterhead(organisation=header.team),
        title=header.title,
        date=header.printed_on,
        reference=header.reference,
    )
    top: list[Flowable] = [*heading(clip(header.title, 200), TITLE)]
    if header.subtitle:
        top.append(text(clip(header.subtitle, 300), SMALL))
    top.append(Spacer(1, 3 * mm))
    top += label_value_rows(
        [
            (_("Participant"), clip(header.person_name, 200)),
            (_("Personal identity number"), header.personnummer),
        ]
    )
    return render_parts(
        [Part(head, top + story)],
        title=f"{clip(header.title, 100)} – {clip(header.person_name, 100)}",
        author=header.team,
    )


def case_pdf(
    case: CaseOverview, title: str, subtitle: str, printed_on: date, story: list[Flowable]
) -> bytes:
    """A case document about the participant, signed by them and the contact person."""
    header = DocumentHeader(
        title=title,
        team=case.insats_name,
        person_name=case.person_name,
        personnummer=case.personnummer,
        printed_on=printed_on,
        subtitle=subtitle,
        reference=case.case_number,
    )
    signers = [
        (_("Participant"), case.person_name),
        (_("Contact person"), case.contact_person_name),
    ]
    return render(header, [*story, signature_lines(signers)])
