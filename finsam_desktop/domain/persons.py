"""A person the team works with (deltagare)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from finsam_desktop.domain.gender import Gender
from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.i18n import N_, _


def gender_from_personnummer(text: str) -> Gender | None:
    """The gender a personnummer suggests: its second-to-last digit is odd for men and
    even for women. Only a proposal (the person may be annat or the number may say
    nothing of it); None while the number is not a valid personnummer."""
    from finsam_desktop.domain.personnummer import InvalidPersonnummer, parse_personnummer

    try:
        digits = parse_personnummer(text).digits
    except (InvalidPersonnummer, ValueError):
        return None
    return Gender.MAN if int(digits[-2]) % 2 else Gender.WOMAN


class ForeignBackground(enum.StrEnum):
    """Utländsk bakgrund as the statistics count it; unknown is a value of its own."""

    YES = "ja"  # stored values stay Swedish
    NO = "nej"
    UNKNOWN = "okant"

    @property
    def label(self) -> str:
        return _(_FOREIGN_LABELS[self])


_FOREIGN_LABELS = {
    ForeignBackground.YES: N_("Yes"),
    ForeignBackground.NO: N_("No"),
    ForeignBackground.UNKNOWN: N_("Unknown"),
}
# The definition shown next to the field (SCB's: born abroad, or both parents born abroad).
FOREIGN_BACKGROUND_DEFINITION = N_(
    "Foreign background: born abroad, or born in Sweden with both parents born abroad."
)


@dataclass
class Person:
    id: int | None
    personnummer: PersonalNumber
    first_name: str
    last_name: str
    address: PostalAddress = field(default_factory=PostalAddress)
    municipality_id: int | None = None
    gender: Gender = Gender.UNKNOWN
    foreign_background: ForeignBackground = ForeignBackground.UNKNOWN
    protected_identity: bool = False
    phone: str = ""
    email: str = ""
    version: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}".strip(", ")

    def postal_address(self) -> PostalAddress | None:
        """The address for letters and lists: none for a person with protected identity."""
        return None if self.protected_identity else self.address
