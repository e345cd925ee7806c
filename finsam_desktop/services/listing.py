"""Lists that every screen shows: counted, sorted, filtered and paged in SQL.

A ``ListQuery`` is what the UI's one lazy table model reads from. It owns the SQL;
the widget only asks for a count and for pages of display rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, func

from finsam_desktop.db.engine import Database


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English source text marked with N_; the UI translates it
    sort: Any = None  # SQL expression to ORDER BY; None: not sortable
    numeric: bool = False


@dataclass(frozen=True)
class ListRow:
    id: int
    values: tuple
    muted: bool = False  # retired values and the like, shown greyed


@dataclass
class ListQuery:
    db: Database
    columns: list[Column]
    base: Select  # selects the id first, then what ``to_row`` needs
    to_row: Callable[[Any], ListRow]
    id_column: Any
    search: Callable[[str], ColumnElement] | None = None
    filters: Mapping[str, Callable[[Any], ColumnElement]] = field(default_factory=dict)
    # The order before anyone clicks a header: (column index, descending); the id
    # breaks ties. None: the order the records were made in.
    default_sort: tuple[int, bool] | None = None

    def _where(self, stmt: Select, text: str, chosen: Mapping[str, Any] | None) -> Select:
        text = (text or "").strip()
        if text and self.search is not None:
            stmt = stmt.where(self.search(text))
        for key, value in (chosen or {}).items():
            if value is not None and key in self.filters:
                stmt = stmt.where(self.filters[key](value))
        return stmt

    def count(self, text: str = "", filters: Mapping[str, Any] | None = None) -> int:
        stmt = self._where(self.base.with_only_columns(func.count(self.id_column)), text, filters)
        stmt = stmt.order_by(None)
        with self.db.reading() as session:
            return session.execute(stmt).scalar_one()

    def page(
        self,
        offset: int,
        limit: int,
        sort_index: int | None = None,
        descending: bool = False,
        text: str = "",
        filters: Mapping[str, Any] | None = None,
    ) -> list[ListRow]:
        stmt = self._where(self.base, text, filters)
        order = []
        if sort_index is None and self.default_sort is not None:
            sort_index, descending = self.default_sort
        if sort_index is not None and self.columns[sort_index].sort is not None:
            expr = self.columns[sort_index].sort
            order.append(expr.desc() if descending else expr.asc())
        order.append(self.id_column.desc() if descending else self.id_column.asc())
        stmt = stmt.order_by(None).order_by(*order).offset(offset).limit(limit)
        with self.db.reading() as session:
            return [self.to_row(r) for r in session.execute(stmt)]


def like_any(text: str, *columns) -> ColumnElement:
    """'Contains' on any of the columns; pass key columns and a swedish_key() text."""
    from sqlalchemy import or_

    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(c.like(pattern, escape="\\") for c in columns))
