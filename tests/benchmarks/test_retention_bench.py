"""Gallring and registerutdrag on a large demo database (run with -m benchmark)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import text

from finsam_desktop.services import demo, register_extract, retention


@pytest.mark.benchmark
def test_gallring_preview_and_run_on_20000_persons(db):
    demo.fill(db, participants=20_000)
    later = date(2032, 1, 1)  # far enough ahead that most of the demo is due
    started = time.perf_counter()
    with db.reading() as s:
        found = retention.candidates(s, later)
    preview = time.perf_counter() - started
    started = time.perf_counter()
    with db.session() as s:
        extract = register_extract.build_extract(s, found[0].person_id)
    extract_time = time.perf_counter() - started
    started = time.perf_counter()
    with db.session() as s:
        result = retention.run(s, [c.person_id for c in found], later)
    run_time = time.perf_counter() - started
    with db.reading() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    print(
        f"\ngallring: preview {len(found)} of 20000 persons {preview:.2f} s; "
        f"run {result.persons} persons / {result.rows} rows {run_time:.2f} s; "
        f"registerutdrag {len(extract.sections)} sections {extract_time * 1000:.0f} ms"
    )
    assert result.persons == len(found)
