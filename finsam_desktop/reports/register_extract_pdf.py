"""The registerutdrag as a PDF on the shared page layout: a heading per table, a
label/value block per record; long values flow in full across pages."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from finsam_desktop.domain.letters import Letterhead
from finsam_desktop.domain.register_extract import RegisterExtract
from finsam_desktop.i18n import _, format_datetime
from finsam_desktop.reports.page import (
    BODY,
    LABEL,
    SMALL,
    TITLE,
    WIDTH,
    Head,
    Part,
    clip,
    heading,
    label_value_rows,
    text,
)
from finsam_desktop.reports.page import (
    render as render_parts,
)

LABEL_WIDTH = 55 * mm


def render(extract: RegisterExtract) -> bytes:
    name = clip(extract.name, 200)
    head = Head(
        letterhead=Letterhead(organisation=extract.organisation or _("the team")),
        title=_("Register extract"),
        date=extract.produced_at.date(),
    )
    story: list[Flowable] = [
        *heading(_("Register extract"), TITLE),
        text(
            _("Everything {organisation} holds about {name}, {personnummer}.").format(
                organisation=clip(extract.organisation, 200) or _("the team"),
                name=name,
                personnummer=extract.personnummer,
            ),
            BODY,
        ),
        text(
            _("Produced {when} under article 15 of the General Data Protection Regulation.").format(
                when=format_datetime(extract.produced_at)
            ),
            SMALL,
        ),
    ]
    for section in extract.sections:
        records = [r for r in section.records if r.fields]
        if not records:
            continue
        story += heading(section.title)
        for record in records:
            story += label_value_rows(record.fields, LABEL_WIDTH)
            story.append(Spacer(1, 4 * mm))  # records read apart
    story += heading(_("Who has opened or changed the record"))
    if extract.access_log:
        rows = [[text(h, LABEL) for h in (_("When"), _("Who"), _("What"))]]
        rows += [[text(clip(c, 300), SMALL) for c in entry] for entry in extract.access_log]
        log_table = Table(rows, colWidths=[32 * mm, 40 * mm, WIDTH - 72 * mm], repeatRows=1)
        log_table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ]
            )
        )
        story.append(log_table)
    else:
        story.append(text(_("No entries."), BODY))
    return render_parts([Part(head, story)], title=_("Register extract"))


def write(extract: RegisterExtract, path) -> None:
    from pathlib import Path

    Path(path).write_bytes(render(extract))
