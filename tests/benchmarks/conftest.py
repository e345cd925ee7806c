"""The 100,000-participant demo database on both engines (see server_copy.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PARTICIPANTS = 100_000
LOTS = 1_000_000  # as test_lots_bench.py: about 100,000 lotsärenden a year over ten years


@pytest.fixture(scope="session")
def demo_file_100k(tmp_path_factory) -> Path:
    """The plain demo file: ``FINSAM_BENCH_DB`` (made there when missing), or a new one."""
    from tests.benchmarks.server_copy import demo_file

    given = os.environ.get("FINSAM_BENCH_DB")
    path = Path(given) if given else tmp_path_factory.mktemp("bench") / "demo100k.sqlite"
    return demo_file(path, PARTICIPANTS, LOTS)


@pytest.fixture(scope="session")
def both_engines(demo_file_100k):
    """{"SQLite": Database, "PostgreSQL": Database} holding the same rows; skipped
    without a server (``FINSAM_BENCH_PG_URL`` or ``FINSAM_TEST_PG_URL``)."""
    from finsam_desktop.db.migrate import open_database
    from tests.benchmarks.server_copy import server_copy, server_url

    url = server_url()
    if not url:
        pytest.skip("no PostgreSQL server: set FINSAM_BENCH_PG_URL (scripts/pg_cluster.sh)")
    lite = open_database(demo_file_100k)  # first: upgrades the file to this schema
    databases = {"SQLite": lite, "PostgreSQL": open_database(server_copy(demo_file_100k, url))}
    yield databases
    for db in databases.values():
        db.close()
