"""Personnummer and samordningsnummer: validation with a reason, stored as 12 digits.

Validation itself is the maintained ``personnummer`` library's; this module only
adds a message that says *what* is wrong, so a coordinator can correct the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from personnummer import personnummer as _lib

from finsam_desktop.i18n import _

_SHAPE = re.compile(r"^(\d{6}|\d{8})[-+]?\d{4}$")


class InvalidPersonnummer(ValueError):
    """Raised with a translated message saying what is wrong with the number."""


@dataclass(frozen=True)
class PersonalNumber:
    digits: str  # always 12 digits, YYYYMMDDNNNC

    @property
    def is_coordination_number(self) -> bool:
        return int(self.digits[6:8]) > 60

    @property
    def birth_date(self) -> date:
        day = int(self.digits[6:8])
        return date(int(self.digits[:4]), int(self.digits[4:6]), day - 60 if day > 60 else day)

    def formatted(self) -> str:
        """YYYYMMDD-NNNN, the form used in letters and on screen."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_personnummer(text: str, today: date | None = None) -> PersonalNumber:
    """Parse 10 or 12 digits, with or without '-' or '+'; raise InvalidPersonnummer."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        raise InvalidPersonnummer(_("Enter a personal identity number."))
    if not _SHAPE.match(raw):
        raise InvalidPersonnummer(
            _(
                "A personal identity number has 10 or 12 digits, "
                "for example 19900101-1234 or 900101-1234."
            )
        )
    try:
        parsed = _lib.Personnummer(raw)
    except _lib.PersonnummerException:
        raise InvalidPersonnummer(_diagnose(raw)) from None
    digits = parsed.format(long_format=True)
    number = PersonalNumber(digits)
    if number.birth_date > (today or date.today()):
        raise InvalidPersonnummer(_("The date of birth in the number lies in the future."))
    return number


def _diagnose(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    short = digits[-10:]
    month, day = int(short[2:4]), int(short[4:6])
    if not 1 <= month <= 12:
        return _("The month in the number ({month}) does not exist.").format(month=short[2:4])
    if day > 60:
        day -= 60
    year = int(digits[:4]) if len(digits) == 12 else 2000 + int(short[:2])
    try:
        date(year, month, day)
    except ValueError:
        return _("The day in the number ({day}) does not exist in that month.").format(
            day=short[4:6]
        )
    if short[6:9] == "000":
        return _("The birth number (digits 7–9) cannot be 000.")
    return _("The check digit is wrong: check the last four digits.")
