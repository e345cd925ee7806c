"""Every row the program holds about one person, found by walking foreign keys.

Gallring and the registerutdrag must both reach *everything* about a person, also in
tables added after they were written. So neither lists tables: they start at the
``person`` row, take every table with a foreign key to it (referrals, participations,
letters, ...), then every table with a foreign key to those (case files, plans,
contacts, ...), and so on down. Lookup tables (municipality, party, staff, options)
are never entered, because nothing in them points at a person's rows.

The access log (``audit_log``) holds a person id without a foreign key on purpose:
it is kept on its own rules and is never walked into here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import LargeBinary, Table, Text, or_, select
from sqlalchemy.orm import Session

from finsam_desktop.db.schema import metadata
from finsam_desktop.services.access import Permission, pure, requires

ROOT = "person"
HEAVY = (LargeBinary, Text)
NEVER_WALKED = frozenset({"audit_log"})


@dataclass(frozen=True)
class Link:
    """``table.column`` points at ``parent.parent_column``."""

    table: str
    column: str
    parent: str
    parent_column: str


@pure
def person_tables() -> list[tuple[Table, list[Link]]]:
    """The person table, then every table under it, parents before children, each with
    the links that tie its rows to rows already reached."""
    tables = metadata.tables
    order: list[tuple[Table, list[Link]]] = [(tables[ROOT], [])]
    reached = {ROOT}
    while True:
        added = []
        for name, table in sorted(tables.items()):
            if name in reached or name in NEVER_WALKED:
                continue
            links = [
                Link(name, fk.parent.name, fk.column.table.name, fk.column.name)
                for fk in table.foreign_keys
                if fk.column.table.name in reached and fk.column.table.name != name
            ]
            if links:
                added.append((table, links))
        if not added:
            return order
        for table, links in added:
            reached.add(table.name)
            order.append((table, links))


@dataclass
class PersonRows:
    """The rows of one or more persons: ``rows[table][person_id]`` is a list of dicts."""

    rows: dict[str, dict[int, list[dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def of(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        return {t: by[person_id] for t, by in self.rows.items() if by.get(person_id)}

    def last_activity(self, person_id: int) -> date | None:
        """The newest date or time anywhere in the person's rows."""
        newest: date | None = None
        for table_rows in self.of(person_id).values():
            for row in table_rows:
                for value in row.values():
                    if isinstance(value, datetime):
                        value = value.date()
                    if isinstance(value, date) and (newest is None or value > newest):
                        newest = value
        return newest


@requires(Permission.CASEWORK)
def collect(session: Session, person_ids: list[int] | None = None, full: bool = True) -> PersonRows:
    """The rows of the given persons (None: of every person). ``full=False`` leaves out
    free text and binary columns (stored letters): gallring over every person needs
    only keys, dates and statuses, and must not read every PDF into memory."""
    result = PersonRows()
    # For each reached table: value of a referenced column -> the person it belongs to.
    owners: dict[tuple[str, str], dict[Any, int]] = defaultdict(dict)
    referenced = defaultdict(set)
    for _table, links in person_tables():
        for link in links:
            referenced[link.parent].add(link.parent_column)
    for table, links in person_tables():
        wanted_columns = [c for c in table.columns if full or not isinstance(c.type, HEAVY)]
        stmt = select(*wanted_columns)
        if person_ids is not None:
            # Only the rows that can belong to the chosen persons (one person: a few rows).
            if table.name == ROOT:
                stmt = stmt.where(table.c.id.in_(person_ids))
            else:
                wanted = [
                    table.c[link.column].in_(list(owners[(link.parent, link.parent_column)]))
                    for link in links
                ]
                stmt = stmt.where(or_(*wanted))
        for row in session.execute(stmt).mappings():
            owner = _owner(table.name, row, links, owners)
            if owner is None:
                continue
            result.rows[table.name][owner].append(dict(row))
            for column in referenced[table.name]:
                if row[column] is not None:
                    owners[(table.name, column)][row[column]] = owner
    return result


def _owner(name: str, row, links: list[Link], owners) -> int | None:
    if name == ROOT:
        return row["id"]
    for link in links:
        value = row[link.column]
        if value is not None:
            owner = owners[(link.parent, link.parent_column)].get(value)
            if owner is not None:
                return owner
    return None
