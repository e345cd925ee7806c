"""What encryption at rest costs: the same work on a plain and on an SQLCipher file.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_encryption_bench.py

Open (engine + first query on an existing file), insert 100,000 persons (Core bulk
insert, as the demo generator and importers do), a GROUP BY over them, and the
Deltagare list's first page sorted by name. Best of three runs; the insert runs once.
The key is raw (no SQLCipher key derivation), so opening costs no ~0.37 s.
The login's argon2id derivation (~0.1 s, once per login) is measured separately.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, insert, select, text

from finsam_desktop.db.keys import KDF_PARAMS, _derive, new_database_key
from finsam_desktop.db.migrate import open_database
from finsam_desktop.db.models import MunicipalityRow, PersonRow
from finsam_desktop.services import demo, organisation, persons
from tests.benchmarks import bench_helpers

pytestmark = pytest.mark.benchmark
N = 100_000


def best_of(fn) -> float:
    return bench_helpers.best_of(fn, runs=3)


def measure(path, key) -> dict[str, float]:
    figures = {}
    db = open_database(path, key=key)
    with db.session() as s:
        ids = [m.id for m in organisation.list_municipalities(s)]
        if not ids:
            demo.create_organisation(s)
            ids = [m.id for m in organisation.list_municipalities(s)]
    rows = demo.person_rows(N, ids)
    start = time.perf_counter()
    with db.session() as s:
        for i in range(0, N, 10_000):
            s.execute(insert(PersonRow), rows[i : i + 10_000])
    figures["insert 100k persons"] = time.perf_counter() - start
    db.close()

    def open_and_query():
        d = open_database(path, key=key)
        with d.reading() as s:
            s.execute(text("SELECT count(*) FROM person")).scalar_one()
        d.close()

    figures["open + first query"] = best_of(open_and_query)
    db = open_database(path, key=key)

    def group_by():
        with db.reading() as s:
            stmt = (
                select(MunicipalityRow.name, PersonRow.gender, func.count(PersonRow.id))
                .join(MunicipalityRow, MunicipalityRow.id == PersonRow.municipality_id)
                .group_by(MunicipalityRow.name, PersonRow.gender)
            )
            return s.execute(stmt).all()

    figures["GROUP BY municipality, gender"] = best_of(group_by)
    query = persons.person_list(db)
    figures["person list: count + first page"] = best_of(
        lambda: (query.count(), query.page(0, 100, sort_index=1))
    )
    figures["person list: page in the middle"] = best_of(
        lambda: query.page(N // 2, 100, sort_index=1)
    )
    db.close()
    return figures


def test_encryption_cost(tmp_path):
    plain = measure(tmp_path / "plain.sqlite", None)
    encrypted = measure(tmp_path / "encrypted.sqlite", new_database_key())
    derive = best_of(lambda: _derive("a password of some length", b"0" * 16, KDF_PARAMS))
    print(f"\n{'':34} {'plain':>9} {'SQLCipher':>10} {'ratio':>6}")
    for name in plain:
        ratio = encrypted[name] / plain[name] if plain[name] else float("nan")
        print(
            f"{name:34} {plain[name] * 1000:7.1f} ms {encrypted[name] * 1000:7.1f} ms {ratio:5.2f}x"
        )
    print(f"{'argon2id key derivation (login)':34} {derive * 1000:7.1f} ms")
    assert encrypted["open + first query"] < 0.2
    assert encrypted["person list: count + first page"] < 1.0
