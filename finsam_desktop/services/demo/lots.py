"""Fictitious lotsärenden for the demo database and the speed benchmarks.

Officers are pseudonymous codes ('AF-07'); references are short made-up codes. Rows
are written with Core bulk inserts in batches, so a million take seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.lots_models import LotsCaseOutcomeRow, LotsCaseRow, LotsCategoryRow
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.services.access import Permission, pure, requires
from finsam_desktop.services.lots import ensure_default_categories

BATCH = 20_000
GENDERS = (("kvinna", 46), ("man", 44), ("annat", 2), ("okant", 8))
ANSWERS_FOREIGN = (("ja", 18), ("nej", 62), ("okant", 20))
ANSWERS_SICK = (("ja", 38), ("nej", 45), ("okant", 17))
ANSWERS_NEED = (("ja", 74), ("nej", 16), ("okant", 10))
SCORES = ((1, 4), (2, 6), (3, 15), (4, 40), (5, 35))


def _picker(rng: random.Random, weighted):
    values = [v for v, _w in weighted]
    cum, total = [], 0
    for _v, w in weighted:
        total += w
        cum.append(total)
    return lambda: rng.choices(values, cum_weights=cum)[0]


def _category_ids(session: Session, kind: CategoryKind) -> list[int]:
    return list(
        session.scalars(
            select(LotsCategoryRow.id)
            .where(LotsCategoryRow.kind == kind.value, LotsCategoryRow.active)
            .order_by(LotsCategoryRow.position)
        )
    )


@pure
def lots_rows(
    count: int,
    municipality_ids: list[int],
    parties: list[tuple[int, str]],
    categories: dict[CategoryKind, list[int]],
    first_year: int,
    last_day: date,
    seed: int = 2026,
) -> list[dict]:
    """``count`` fictitious lotsärenden received from 1 January ``first_year`` to ``last_day``."""
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # second outcomes: the other values stay as they were
    gender = _picker(rng, GENDERS)
    foreign = _picker(rng, ANSWERS_FOREIGN)
    sick = _picker(rng, ANSWERS_SICK)
    need = _picker(rng, ANSWERS_NEED)
    score = _picker(rng, SCORES)

    # The first value of each list is the most common, as in the seed (information and
    # advice; handled in ordinary services comes late in the default list, so weight it).
    def weighted(ids: list[int]):
        return _picker(rng, [(i, max(1, 10 - n * 1.2)) for n, i in enumerate(ids)])

    question = weighted(categories[CategoryKind.QUESTION])
    action = weighted(categories[CategoryKind.ACTION])
    outcome = weighted(categories[CategoryKind.OUTCOME])
    start = date(first_year, 1, 1)
    span = (last_day - start).days + 1
    rows = []
    for n in range(count):
        received = start + timedelta(days=rng.randrange(span))
        party_id, short = parties[rng.randrange(len(parties))]
        closed = None
        age_days = (last_day - received).days
        if age_days > 20 and rng.random() < 0.92:
            closed = received + timedelta(days=rng.randrange(5, min(age_days, 120)))
        individual = rng.random() < 0.45
        sent = closed is not None and rng.random() < 0.9
        officer = f"{short}-{rng.randrange(1, 13):02d}" if rng.random() < 0.95 else ""
        rows.append(
            {
                "received": received,
                "municipality_id": municipality_ids[rng.randrange(len(municipality_ids))],
                "party_id": party_id,
                "officer": officer,
                "officer_key": officer.casefold(),
                "gender": gender(),
                "birth_year": (
                    None if rng.random() < 0.06 else received.year - rng.randrange(17, 66)
                ),
                "foreign_background": foreign(),
                "sick_leave_fs": sick(),
                "individual_case": individual,
                "question_id": question(),
                "coordination_need": need(),
                "action_id": action(),
                "outcomes": _outcomes(outcome, extra, categories, closed is not None),
                "closed": closed,
                "reference": f"L{n % 100000:05d}" if rng.random() < 0.3 else "",
                "survey_sent": sent,
                "survey_score": score() if sent and rng.random() < 0.45 else None,
                "version": 1,
            }
        )
    return rows


def _outcomes(outcome, extra: random.Random, categories, closed: bool) -> list[int]:
    """None while open; one when closed, and now and then a second (a case may go from
    försörjningsstöd to another benefit *and* be RITA, as in seed 003's Heby)."""
    if not closed:
        return []
    first = outcome()
    if extra.random() < 0.12:
        second = extra.choice(categories[CategoryKind.OUTCOME])
        if second != first:
            return [first, second]
    return [first]


@requires(Permission.ADMINISTER)
def insert_cases(session: Session, rows: list[dict]) -> None:
    """Bulk-insert rows of ``lots_rows`` with their outcome marks."""
    first_id = (session.scalar(select(func.max(LotsCaseRow.id))) or 0) + 1
    marks = []
    for n, row in enumerate(rows):
        row["id"] = first_id + n
        marks.extend(
            {
                "lots_case_id": row["id"],
                "category_id": c,
                "received": row["received"],
                "municipality_id": row["municipality_id"],
                "individual_case": row["individual_case"],
            }
            for c in row.pop("outcomes", [])
        )
    for i in range(0, len(rows), BATCH):
        session.execute(insert(LotsCaseRow), rows[i : i + BATCH])
    for i in range(0, len(marks), BATCH):
        session.execute(insert(LotsCaseOutcomeRow), marks[i : i + BATCH])


@requires(Permission.ADMINISTER)
def fill_lots(
    db: Database,
    count: int = 400,
    seed: int = 2026,
    years: int | None = None,
    today: date | None = None,
) -> int:
    """Add ``count`` fictitious lotsärenden over the last ``years`` years; returns count.

    By default a small demo covers two years; a large one ten, which gives the
    benchmarks about 100,000 lotsärenden a year at a million.
    """
    today = today or clock.today()
    years = years or (2 if count <= 2000 else 10)
    with db.session() as session:
        ensure_default_categories(session)
        municipality_ids = list(
            session.scalars(select(MunicipalityRow.id).where(MunicipalityRow.active))
        )
        parties = [
            (pid, short or name[:3].upper())
            for pid, name, short in session.execute(
                select(PartyRow.id, PartyRow.name, PartyRow.short_name).where(PartyRow.active)
            )
        ]
        categories = {kind: _category_ids(session, kind) for kind in CategoryKind}
    if not municipality_ids or not parties:
        raise ValueError("the demo needs municipalities and parties first")
    done = 0
    while done < count:
        size = min(BATCH * 5, count - done)
        rows = lots_rows(
            size,
            municipality_ids,
            parties,
            categories,
            today.year - years + 1,
            today,
            seed + done,
        )
        with db.session() as session:
            insert_cases(session, rows)
        done += size
    return done
