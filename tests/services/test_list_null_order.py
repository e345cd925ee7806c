"""NULL sorts alike on both engines (issue 14 §6): in every list, sorted by any column,
the rows whose sort value is NULL come first ascending and last descending, on SQLite
(its own order) and on PostgreSQL (told so by ``listing.sort_order``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from sqlalchemy import update

import finsam_desktop.services as services_package
from finsam_desktop.db.models import PersonRow
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.services.listing import ListQuery, may_be_null


def every_list(db) -> dict[str, ListQuery]:
    """Every function of the services that returns a ``ListQuery``, called for ``db``."""
    found: dict[str, ListQuery] = {}
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"finsam_desktop.services.{info.name}")
        for name, fn in vars(module).items():
            if not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if inspect.signature(fn).return_annotation not in (ListQuery, "ListQuery"):
                continue
            if "kind" in inspect.signature(fn).parameters:
                for kind in CategoryKind:
                    found[f"{name}({kind})"] = fn(db, kind)
            else:
                found[name] = fn(db)
    return found


def test_the_lists_are_found():
    names = set(every_list(None))
    assert {"person_list", "referral_list", "participation_list", "lots_case_list"} <= names
    assert len(names) >= 12


def test_null_sorts_first_ascending_and_last_descending_in_every_list(demo_db):
    with demo_db.session() as s:  # persons without a home municipality
        ids = s.scalars(PersonRow.__table__.select().with_only_columns(PersonRow.id).limit(3))
        s.execute(update(PersonRow).where(PersonRow.id.in_(list(ids))).values(municipality_id=None))
    checked_with_nulls = []
    for name, query in every_list(demo_db).items():
        for index, column in enumerate(query.columns):
            if column.sort is None:
                continue
            values = query.base.with_only_columns(query.id_column, column.sort)
            with demo_db.reading() as s:
                nulls = {i for i, v in s.execute(values) if v is None}
            if nulls:
                assert may_be_null(query.base, column.sort), (name, column.key)
                checked_with_nulls.append((name, column.key))
            up = [r.id for r in query.page(None, None, index, False)]
            down = [r.id for r in query.page(None, None, index, True)]
            assert set(up[: len(nulls)]) == nulls, (name, column.key, "ascending")
            assert set(down[len(down) - len(nulls) :]) == nulls, (name, column.key, "descending")
            assert down == list(reversed(up)), (name, column.key)
    assert ("person_list", "municipality") in checked_with_nulls
