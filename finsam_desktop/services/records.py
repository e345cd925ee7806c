"""Rules every saved record follows: required text, optimistic versions, rows that exist."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.models import SettingRow
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.i18n import _

# Importing the rules of saving also installs the access log's change log on every Session
# (audit.install_change_log): every change is recorded. tests/test_architecture.py checks
# that every service module imports audit, directly or through this module.
from finsam_desktop.services import audit  # noqa: F401
from finsam_desktop.services.access import building_block, pure

T = TypeVar("T")


class ConcurrentChange(RuntimeError):
    """Someone else saved this record after it was opened here."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else has changed this record since you opened it. "
                "Your text is kept: compare with the saved version and save again."
            )
        )


@pure
def apply_version(row, expected_version: int) -> None:
    """Refuse to save over a newer version than the one the user started from."""
    if expected_version and row.version != expected_version:
        raise ConcurrentChange()


@pure
def check_unchanged(saved: Any, expected: Any) -> None:
    """The optimistic check for a part of a row that a form edits on its own (the
    kartläggning's counselling, the avslut and the situation at entry of a case file):
    refuse when that part as saved now is not what the form was loaded with. Both are
    the comparable values of the part (a tuple); a form that started from nothing
    passes the values of an empty part, so a first save never overwrites someone's."""
    if saved != expected:
        raise ConcurrentChange()


@pure
def require_text(fields: dict[str, tuple[str, str]]) -> None:
    """``{field: (value, message)}``: raise one ValidationError naming every empty field."""
    problems = {k: msg for k, (value, msg) in fields.items() if not (value or "").strip()}
    if problems:
        raise ValidationError(problems)


@building_block
def existing_row(session: Session, model: type[T], record_id: Any) -> T:
    """The row with this id, or NotFound: the record was removed since it was listed."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(record_id)
    return row


@building_block
def row_to_save(session: Session, model: type[T], record_id: int | None) -> T:
    """A new row (added to the session) when ``record_id`` is None, else the existing one."""
    if record_id is None:
        row = model()
        session.add(row)
        return row
    return existing_row(session, model, record_id)


@building_block
def setting_value(session: Session, key: str) -> Any:
    """The stored value of a database-wide setting (None when it was never saved)."""
    row = session.get(SettingRow, key)
    return row.value if row is not None else None


@building_block
def store_setting(session: Session, key: str, value: Any) -> None:
    """Save a database-wide setting (the change log records it like any other row)."""
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value
    session.flush()


@building_block
def require_unique_name(
    session: Session, model: type, record_id: int | None, message: str, *same: Any
) -> None:
    """A field message on "name" when another row of ``model`` meets every ``same`` condition."""
    clash = session.scalar(select(model.id).where(*same, model.id != (record_id or 0)))
    if clash is not None:
        raise ValidationError.single("name", message)
