"""Finsam Desktop: case work and statistics for Finsam coordination teams."""

__version__ = "0.1.0"
APP_NAME = "Finsam Desktop"
APP_ID = "finsam-desktop"


def program_title(what: str = "") -> str:
    """A window title that names the program once, at its end ("Låst — Finsam Desktop").

    Qt appends the application's display name (set in app.py) to every title that does
    not already end with it, so a title naming the program elsewhere showed it twice."""
    return f"{what} — {APP_NAME}" if what else APP_NAME
