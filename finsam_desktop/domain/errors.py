"""Errors a user can fix: each names the field and says what is wrong, in the UI language."""

from __future__ import annotations


class ValidationError(ValueError):
    """One or more fields hold values that cannot be saved.

    ``problems`` maps a field name to a message already translated for the user.
    """

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class NotFound(LookupError):
    """A record the caller asked for does not exist (any more)."""
