"""The team's configurable lists for case work (exit routes and sub-routes, benefits,
types of planned insatser, follow-up terms). Values are retired, never deleted."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import CaseOptionRow
from finsam_desktop.domain.closing import Option, OptionList
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, no_personal_data, require, requires
from finsam_desktop.services.records import apply_version, existing_row, require_unique_name


def _option(row: CaseOptionRow) -> Option:
    return Option(
        row.id,
        OptionList(row.list_key),
        row.name,
        row.parent_id,
        row.position,
        row.active,
        row.version,
        bool(row.in_activity),
        bool(row.work_or_studies),
    )


@requires(Permission.CASEWORK)
def list_options(
    session: Session, list_key: OptionList, include_retired: bool = False
) -> list[Option]:
    """Top-level values first in their order, each followed by its sub-values."""
    require(session, Permission.CASEWORK)
    list_key = OptionList(list_key)
    stmt = select(CaseOptionRow).where(CaseOptionRow.list_key == list_key.value)
    if not include_retired:
        stmt = stmt.where(CaseOptionRow.active)
    rows = list(session.scalars(stmt.order_by(CaseOptionRow.position, CaseOptionRow.id)))
    tops = [r for r in rows if r.parent_id is None]
    out: list[Option] = []
    for top in tops:
        out.append(_option(top))
        out.extend(_option(r) for r in rows if r.parent_id == top.id)
    return out


@no_personal_data
def option_names(session: Session, ids) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(
        select(CaseOptionRow.id, CaseOptionRow.name).where(CaseOptionRow.id.in_(wanted))
    )
    return {r.id: r.name for r in rows}


@requires(Permission.CASEWORK)
def save_option(session: Session, option: Option) -> Option:
    """Add a value (at the end of its list) or rename/retire one."""
    require(session, Permission.CASEWORK)
    name = option.name.strip()
    if not name:
        raise ValidationError.single("name", _("Enter a name."))
    require_unique_name(
        session,
        CaseOptionRow,
        option.id,
        _("The list already holds that value."),
        CaseOptionRow.list_key == option.list_key.value,
        CaseOptionRow.name == name,
        CaseOptionRow.parent_id.is_(option.parent_id)
        if option.parent_id is None
        else CaseOptionRow.parent_id == option.parent_id,
    )
    if option.parent_id is not None:
        parent = session.get(CaseOptionRow, option.parent_id)
        if parent is None or parent.list_key != option.list_key.value or parent.parent_id:
            raise ValidationError.single("parent_id", _("Choose a value at the top level."))
    if option.id is None:
        row = CaseOptionRow(list_key=option.list_key.value, parent_id=option.parent_id)
        row.position = (
            session.scalar(
                select(func.max(CaseOptionRow.position)).where(
                    CaseOptionRow.list_key == option.list_key.value
                )
            )
            or 0
        ) + 1
        session.add(row)
    else:
        row = existing_row(session, CaseOptionRow, option.id)
        apply_version(row, option.version)
    row.name, row.active = name, option.active
    exit_route = OptionList(option.list_key) is OptionList.EXIT_ROUTE
    row.in_activity = bool(option.in_activity) and exit_route
    row.work_or_studies = bool(option.work_or_studies) and exit_route
    session.flush()
    return _option(row)
