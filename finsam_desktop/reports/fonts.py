"""The embedded font every printout uses, so å ä ö print the same on every PC.

ReportLab's built-in Helvetica is not embedded in the PDF; DejaVu Sans is
registered once from ``finsam_desktop/resources/fonts`` (shipped in the package) and embedded
as a subset. Import this module only from report code: it imports ReportLab.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from finsam_desktop.paths import package_data

FONT_DIRS = (
    package_data("resources", "fonts"),
    Path("/usr/share/fonts/truetype/dejavu"),
)

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

_registered = False


def font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        candidate = folder / f"{name}.ttf"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"font {name}.ttf not found in {[str(d) for d in FONT_DIRS]}")


def register_fonts() -> str:
    """Register DejaVu Sans (all four faces) once; returns the regular font's name."""
    global _registered
    if not _registered:
        for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
            pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
        # Lets <b> and <i> in Paragraph markup pick the right face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD_ITALIC)
        _registered = True
    return REGULAR
