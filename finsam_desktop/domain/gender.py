"""A person's gender as the program stores and counts it (kvinna, man, annat, okänt).

Apart from the person's record (``domain.persons``, which re-exports it) so that the
statistics read it without importing what a person is made of.
"""

from __future__ import annotations

import enum

from finsam_desktop.i18n import N_, _


class Gender(enum.StrEnum):
    WOMAN = "kvinna"  # stored values stay Swedish
    MAN = "man"
    OTHER = "annat"
    UNKNOWN = "okant"

    @property
    def label(self) -> str:
        return _(_GENDER_LABELS[self])


_GENDER_LABELS = {
    Gender.WOMAN: N_("Woman"),
    Gender.MAN: N_("Man"),
    Gender.OTHER: N_("Other"),
    Gender.UNKNOWN: N_("Unknown"),
}
