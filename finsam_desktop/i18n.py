"""The one translation function and the one way to format dates, numbers and weeks.

Source strings are English; Swedish is the default language. The catalogues ship
inside the package, ``finsam_desktop/translations/<lang>/LC_MESSAGES/finsam.po``,
managed with Babel (``scripts/i18n.py update``), each beside its compiled
``finsam.mo``, which is committed (``scripts/i18n.py compile``;
``tests/test_translations.py`` fails when one is out of date). The program reads the
``.mo`` with the standard library's ``gettext``, from the file beside this module (a
source tree, an installed wheel and the PyInstaller bundle all have it on disk) or else
through ``importlib.resources`` (a package in a zip), so it is found everywhere, and Babel is imported
only by the formatting that needs it (``format_number``, ``format_percent``).
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from pathlib import Path

DOMAIN = "finsam"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
# The folder in a source tree (scripts/i18n.py edits it), and in an installed package.
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def po_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` shipped in the package; none (the English
    source strings) when there is no such file."""
    try:
        data = mo_path(language).read_bytes()
    except OSError:
        # Not a file on disk: importlib.resources (imported only then: it costs a
        # command line process more than reading the catalogue).
        from importlib.resources import files

        resource = files(__package__) / "translations" / language / "LC_MESSAGES"
        try:
            data = (resource / f"{DOMAIN}.mo").read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(data))


def set_language(language: str) -> None:
    """Load the catalogue for ``language``; English needs none (source strings)."""
    global _translations, _language
    _language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _translations = catalogue(_language)


def language() -> str:
    return _language


def locale_name() -> str:
    return "sv_SE" if _language == "sv" else "en_GB"


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


# --- formatting: ISO dates and weeks everywhere, numbers in the Swedish way ---


def format_date(value: date | None) -> str:
    """Dates are ISO 8601 (2026-11-22) in every language."""
    return value.isoformat() if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def format_week(value: date) -> str:
    """ISO week, e.g. 'v. 47 2026' (Swedish) or 'week 47 2026'."""
    year, week, _day = value.isocalendar()
    return _("week {week} {year}").format(week=week, year=year)


# The digit grouping of the program's two languages in CLDR, the data Babel formats with:
# whole numbers are grouped here without importing Babel (its import and locale data
# cost a command like ``finsam lots summary`` more than its queries).
# tests/test_number_format.py checks these against Babel for a range of numbers.
GROUP_SEPARATORS = {"sv_SE": "\u00a0", "en_GB": ","}


def _grouped(value: object) -> str | None:
    """A whole, non-negative number grouped as Babel would, or None (Babel formats it)."""
    separator = GROUP_SEPARATORS.get(locale_name())
    if type(value) is not int or value < 0 or separator is None:
        return None
    return f"{value:,}".replace(",", separator)


def format_number(value: float | int, decimals: int = 0) -> str:
    if not decimals:
        grouped = _grouped(value)
        if grouped is not None:
            return grouped
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale_name())


# Between a number and its unit ("41 %"): a line never breaks there.
NBSP = "\u00a0"


def _whole_percent(share: object) -> int | None:
    """``share`` in whole percents as Babel rounds it: the decimal Python writes for it,
    times 100, rounded half to even (0.125 -> 12, 0.135 -> 14); None for what is not a
    plain non-negative number (Babel formats that)."""
    if type(share) not in (int, float) or not 0 <= share < 1e15:
        return None
    text = repr(float(share))
    if "e" in text:
        return None
    whole, _point, fraction = text.partition(".")
    fraction = fraction.ljust(2, "0")
    percent, rest = int(whole + fraction[:2]), fraction[2:].rstrip("0")
    if rest and (rest[0] > "5" or (rest[0] == "5" and (len(rest) > 1 or percent % 2))):
        percent += 1
    return percent


def format_percent(share: float, decimals: int = 0) -> str:
    """A share (0.0–1.0) as a percentage, '37 %' in Swedish, with a non-breaking space
    between the number and the sign so the two never land on different lines."""
    whole = _whole_percent(share) if not decimals else None
    if whole is not None:
        grouped = _grouped(whole)
        if grouped is not None:
            return grouped + NBSP + "%"
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    return babel_percent(share, format=pattern, locale=locale_name()).replace(" ", NBSP)


def format_whole_percent(value: int | float | None) -> str:
    """A percentage already in whole percents (60 → '60 %'); '' for None."""
    return "" if value is None else format_percent(value / 100)


set_language(DEFAULT_LANGUAGE)
