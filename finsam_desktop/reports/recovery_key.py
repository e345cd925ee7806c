"""The recovery key on one A4 page, to print and keep in a safe."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from finsam_desktop.i18n import _, format_date


def write_recovery_key_pdf(dest: Path, recovery_key: str, db_path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from finsam_desktop.reports.fonts import BOLD, register_fonts

    regular = register_fonts()
    canvas = Canvas(str(dest), pagesize=A4, initialFontName=regular)
    canvas.setTitle(_("Recovery key"))
    width, height = A4
    y = height - 30 * mm
    canvas.setFont(BOLD, 18)
    canvas.drawString(25 * mm, y, _("Recovery key for Finsam Desktop"))
    y -= 12 * mm
    canvas.setFont(regular, 10)
    canvas.drawString(25 * mm, y, _("Database: {path}").format(path=db_path))
    y -= 6 * mm
    canvas.drawString(25 * mm, y, _("Printed: {date}").format(date=format_date(date.today())))
    y -= 22 * mm
    # The embedded bold face (base32 has no 0/1/8, so no look-alikes), as large as fits.
    box = width - 44 * mm
    size = 20
    while size > 10 and canvas.stringWidth(recovery_key, BOLD, size) > box - 12 * mm:
        size -= 1
    canvas.setFont(BOLD, size)
    canvas.rect(22 * mm, y - 6 * mm, box, 20 * mm)
    canvas.drawCentredString(width / 2, y, recovery_key)
    y -= 24 * mm
    canvas.setFont(regular, 11)
    text = canvas.beginText(25 * mm, y)
    for paragraph in (
        _("With this key an administrator who has forgotten the password can open the"),
        _("database and choose a new password (the login window: “Forgot the password?”)."),
        "",
        _("Keep this paper in a safe, not next to the computer. Anyone who has both the"),
        _("key and a copy of the database can read it. Do not save this file on the"),
        _("computer after printing it."),
    ):
        text.textLine(paragraph)
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return dest
