"""Counts that show a database is alive (info command, Översikt, About)."""

from __future__ import annotations

from sqlalchemy import func, select

from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.i18n import _
from finsam_desktop.services.access import no_personal_data


@no_personal_data
def database_counts(db: Database) -> list[tuple[str, int]]:
    with db.reading() as session:

        def count(model, *where) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return [
            (_("Insatser"), count(InsatsRow, InsatsRow.active)),
            (_("Municipalities"), count(MunicipalityRow, MunicipalityRow.active)),
            (_("Parties"), count(PartyRow, PartyRow.active)),
            (_("Staff"), count(StaffRow, StaffRow.active)),
            (_("Persons"), count(PersonRow)),
        ]
