"""Helpers for the lotsärenden tests (no tests here): the eight Uppsala län
municipalities of seed 003, the four parties, and a quick way to register cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from finsam_desktop.db.engine import Database
from finsam_desktop.domain.lots import LotsCase
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.domain.organisation import Municipality, Party
from finsam_desktop.services import lots, organisation

SEED_MUNICIPALITIES = (
    "Enköping",
    "Håbo",
    "Heby",
    "Knivsta",
    "Tierp",
    "Uppsala",
    "Älvkarleby",
    "Östhammar",
)
PARTIES = (
    ("Arbetsförmedlingen", "AF"),
    ("Försäkringskassan", "FK"),
    ("Socialtjänsten", "SOC"),
    ("Region Uppsala", "REG"),
)


def county(db: Database) -> dict[str, int]:
    """Municipalities by name, parties by short name, categories by 'kind:position'."""
    ids: dict[str, int] = {}
    with db.session() as s:
        for name in SEED_MUNICIPALITIES:
            ids[name] = organisation.save_municipality(s, Municipality(None, name)).id
        for name, short in PARTIES:
            ids[short] = organisation.save_party(s, Party(None, name, short)).id
        lots.ensure_default_categories(s)
        for kind in CategoryKind:
            for c in lots.list_categories(s, kind):
                ids[f"{kind.value}:{c.position}"] = c.id
    return ids


def register(db: Database, count: int, template: LotsCase, **changes) -> None:
    """Register ``count`` lotsärenden like ``template`` with ``changes`` applied."""
    with db.session() as s:
        for _ in range(count):
            lots.save_lots_case(s, replace(template, **changes), today=date(2026, 11, 22))


def case(ids: dict[str, int], municipality: str, received: date, **fields) -> LotsCase:
    return LotsCase(id=None, received=received, municipality_id=ids[municipality], **fields)
