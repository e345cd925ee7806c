"""The A4 page the flowing printouts share: margins, the document and its footer line.

Used by the case documents (kartläggning, handlingsplan) and the lots summary PDF;
letters have their own window-envelope layout (``letters.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from finsam_desktop.i18n import _
from finsam_desktop.reports.fonts import REGULAR

MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN


def a4_document(target, *, top: float, bottom: float, **info: str) -> SimpleDocTemplate:
    """An A4 document with the shared side margins; ``info`` is the PDF's title, author, ..."""
    return SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top,
        bottomMargin=bottom,
        initialFontName=REGULAR,
        **info,
    )


def footer(left: str, right: Callable[[int], str], colour: colors.Color) -> Callable:
    """A page callback writing ``left`` and ``right(page number)`` along the bottom edge."""

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(colour)
        canvas.drawString(MARGIN, 12 * mm, left)
        canvas.drawRightString(A4[0] - MARGIN, 12 * mm, right(doc.page))
        canvas.restoreState()

    return draw


def page_number(page: int) -> str:
    return _("Page {n}").format(n=page)
