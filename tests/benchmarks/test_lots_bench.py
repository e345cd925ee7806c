"""Speed of the lots summary with a million lotsärenden (run with -m benchmark).

    QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s tests/benchmarks/test_lots_bench.py

LOTS_BENCH_N sets the size (default 1,000,000); LOTS_BENCH_DB keeps the generated file
between runs (generating a million takes about a minute). The service's summary is
timed next to one hand-written SQL aggregation over the same file that computes the
same counts, and both must agree.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from finsam_desktop.db.migrate import open_database
from finsam_desktop.domain.lots_summary import Breakdown
from finsam_desktop.services import demo, lots
from finsam_desktop.services.demo.lots import fill_lots
from finsam_desktop.services.lots_summary import lots_summary, year_period

pytestmark = pytest.mark.benchmark

N = int(os.environ.get("LOTS_BENCH_N", "1000000"))
TODAY = date(2026, 11, 22)
YEAR = 2025  # a whole year: about a tenth of the file

# One statement, no Python between the rows and the answer: the floor to compare with.
HAND_WRITTEN = """
WITH p AS (
  SELECT * FROM lots_case WHERE received BETWEEN :start AND :end
)
SELECT 'cases', '', count(*) FROM p
UNION ALL SELECT 'individual', '', sum(individual_case) FROM p
UNION ALL SELECT 'officers', '', count(DISTINCT CASE WHEN officer_key <> ''
                                   THEN coalesce(party_id, 0) || '|' || officer_key END) FROM p
UNION ALL SELECT 'gender', gender, count(*) FROM p GROUP BY gender
UNION ALL SELECT 'foreign', foreign_background, count(*) FROM p GROUP BY foreign_background
UNION ALL SELECT 'sick', sick_leave_fs, count(*) FROM p GROUP BY sick_leave_fs
UNION ALL SELECT 'need', coordination_need, count(*) FROM p GROUP BY coordination_need
UNION ALL SELECT 'decade', coalesce(birth_year / 10 * 10, ''), count(*) FROM p
          GROUP BY birth_year / 10
UNION ALL SELECT 'under30', CASE WHEN birth_year IS NULL THEN 'unknown'
                   WHEN CAST(substr(received, 1, 4) AS INTEGER) - birth_year < 30 THEN 'under'
                   ELSE 'over' END, count(*) FROM p GROUP BY 2
UNION ALL SELECT 'municipality', municipality_id, count(*) FROM p GROUP BY municipality_id
UNION ALL SELECT 'party', coalesce(party_id, ''), count(*) FROM p GROUP BY party_id
UNION ALL SELECT 'question', coalesce(question_id, ''), count(*) FROM p GROUP BY question_id
UNION ALL SELECT 'action', coalesce(action_id, ''), count(*) FROM p GROUP BY action_id
UNION ALL SELECT 'outcome', o.category_id, count(*) FROM p
          JOIN lots_case_outcome o ON o.lots_case_id = p.id GROUP BY o.category_id
UNION ALL SELECT 'outcome_ind', o.category_id, count(*) FROM p
          JOIN lots_case_outcome o ON o.lots_case_id = p.id
          WHERE individual_case GROUP BY o.category_id
UNION ALL SELECT 'no_outcome', '', count(*) FROM p
          WHERE NOT EXISTS (SELECT 1 FROM lots_case_outcome o WHERE o.lots_case_id = p.id)
UNION ALL SELECT 'survey_sent', '', count(*) FROM p WHERE closed IS NOT NULL AND survey_sent
UNION ALL SELECT 'survey_answered', '', count(*) FROM p
          WHERE closed IS NOT NULL AND survey_sent AND survey_score IS NOT NULL
UNION ALL SELECT 'survey_satisfied', '', count(*) FROM p
          WHERE closed IS NOT NULL AND survey_sent AND survey_score >= 4
"""


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    path = Path(os.environ.get("LOTS_BENCH_DB") or tmp_path_factory.mktemp("lots") / "big.sqlite")
    fresh = not path.exists()
    db = open_database(path)
    if fresh:
        t = time.perf_counter()
        demo.fill(db, participants=10, lots=0)
        fill_lots(db, N, years=10, today=TODAY)
        print(f"\ngenerated {N:,} lotsärenden in {time.perf_counter() - t:.1f} s")
    yield db
    db.close()


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def total(b: Breakdown) -> int:
    return sum(r.count for r in b.rows)


def test_yearly_summary_for_all_municipalities_is_well_under_a_second(big_db):
    start, end = year_period(YEAR)
    with big_db.reading() as s:
        service_time, summary = best_of(3, lambda: lots_summary(s, start, end))
        sql_time, rows = best_of(
            3, lambda: s.execute(text(HAND_WRITTEN), {"start": start, "end": end}).all()
        )
        one_time, one = best_of(3, lambda: lots_summary(s, start, end, 1))
    figures = {}
    for dim, key, n in rows:
        figures.setdefault(dim, {})[str(key)] = n
    print(
        f"\n{N:,} lotsärenden in the file, {summary.cases:,} received in {YEAR}\n"
        f"  service summary, all municipalities: {service_time * 1000:.0f} ms\n"
        f"  hand-written single SQL query:       {sql_time * 1000:.0f} ms\n"
        f"  service summary, one municipality:   {one_time * 1000:.0f} ms ({one.cases:,} cases)"
    )
    assert summary.cases == figures["cases"][""]
    assert summary.individual_cases == figures["individual"][""]
    assert summary.distinct_officers == figures["officers"][""]
    assert [r.count for r in summary.breakdown("gender").rows] == [
        figures["gender"].get(g, 0) for g in ("kvinna", "man", "annat", "okant")
    ]
    assert summary.breakdown("age").rows[0].count == figures["under30"]["under"]
    assert summary.survey.sent == figures["survey_sent"][""]
    assert summary.survey.answered == figures["survey_answered"][""]
    assert summary.survey.satisfied == figures["survey_satisfied"][""]
    for key in ("question", "action", "municipality", "birth_decade"):
        assert total(summary.breakdown(key)) == summary.cases
    outcome = summary.breakdown("outcome")  # marks, and the cases with none
    assert outcome.marks == sum(figures["outcome"].values())
    assert outcome.rows[-1].count == figures["no_outcome"][""]
    assert total(outcome) == outcome.marks + figures["no_outcome"][""]
    assert service_time < 1.0


def test_registering_stays_instant(big_db):
    with big_db.reading() as s:
        municipality = s.execute(text("SELECT min(id) FROM municipality")).scalar_one()
    draft = lots.LotsCase(id=None, received=TODAY, municipality_id=municipality, officer="AF-1")
    times = []
    for _ in range(20):
        t = time.perf_counter()
        with big_db.session() as s:
            lots.save_lots_case(s, draft, today=TODAY)
        times.append(time.perf_counter() - t)
    query = lots.lots_case_list(big_db)
    t = time.perf_counter()
    query.count(filters={"year": TODAY.year})
    page = query.page(0, 200, sort_index=0, descending=True, filters={"year": TODAY.year})
    list_time = time.perf_counter() - t
    print(
        f"\nsave one lotsärende: median {sorted(times)[10] * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; list count + first page: {list_time * 1000:.0f} ms"
    )
    assert page and sorted(times)[10] < 0.1
