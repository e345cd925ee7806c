"""Rules every saved record follows: required text and optimistic versions."""

from __future__ import annotations

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _


class ConcurrentChange(RuntimeError):
    """Someone else saved this record after it was opened here."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else has changed this record since you opened it. "
                "Your text is kept: compare with the saved version and save again."
            )
        )


def apply_version(row, expected_version: int) -> None:
    """Refuse to save over a newer version than the one the user started from."""
    if expected_version and row.version != expected_version:
        raise ConcurrentChange()


def require_text(fields: dict[str, tuple[str, str]]) -> None:
    """``{field: (value, message)}``: raise one ValidationError naming every empty field."""
    problems = {k: msg for k, (value, msg) in fields.items() if not (value or "").strip()}
    if problems:
        raise ValidationError(problems)
