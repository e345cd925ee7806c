"""The recovery key on one A4 page, to print and keep in a safe, on the shared page
layout (``reports.page``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def recovery_key_pdf(recovery_key: str, db_path: Path, printed_on: date | None = None) -> bytes:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from finsam_desktop.domain.letters import Letterhead
    from finsam_desktop.i18n import _
    from finsam_desktop.reports.fonts import BOLD
    from finsam_desktop.reports.page import (
        BODY,
        TEXT_WIDTH,
        TITLE,
        Head,
        Part,
        flow,
        markup,
        render,
        text,
    )

    box = TEXT_WIDTH
    key = " ".join(recovery_key.split())
    # The embedded bold face (base32 has no 0/1/8, so no look-alikes), as large as fits.
    size = 20
    while size > 10 and stringWidth(key, BOLD, size) > box - 12 * mm:
        size -= 1
    key_style = ParagraphStyle("key", fontName=BOLD, fontSize=size, leading=size * 1.3, alignment=1)
    key_table = Table([[Paragraph(markup(key), key_style)]], colWidths=[box])
    key_table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, "black"),
                ("TOPPADDING", (0, 0), (-1, -1), 5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
            ]
        )
    )
    advice = ParagraphStyle("advice", parent=BODY, fontSize=11, leading=15, spaceAfter=6)
    story = [
        text(_("Recovery key for Finsam Desktop"), TITLE),
        Spacer(1, 2 * mm),
        *flow(_("Database: {path}").format(path=db_path), BODY),
        Spacer(1, 10 * mm),
        key_table,
        Spacer(1, 10 * mm),
        *flow(
            _("With this key an administrator who has forgotten the password can open the")
            + " "
            + _("database and choose a new password (the login window: “Forgot the password?”)."),
            advice,
        ),
        *flow(
            " ".join(
                (
                    _(
                        "Keep this paper in a safe, not next to the computer. Anyone who has both the"
                    ),
                    _("key and a copy of the database can read it. Do not save this file on the"),
                    _("computer after printing it."),
                )
            ),
            advice,
        ),
    ]
    head = Head(
        letterhead=Letterhead(organisation="Finsam Desktop"),
        title=_("Recovery key"),
        date=printed_on or date.today(),
    )
    return render([Part(head, story)], title=_("Recovery key"))


def write_recovery_key_pdf(dest: Path, recovery_key: str, db_path: Path) -> Path:
    dest = Path(dest)
    dest.write_bytes(recovery_key_pdf(recovery_key, db_path))
    return dest
