"""The 100,000-participant demo database on both engines (see server_copy.py): fixtures
that test_postgresql_bench.py imports. Not a conftest.py: a second module named
"conftest" took the place of tests/conftest.py for the tests that import from it."""

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


COORDINATOR = "bench_samordnare"
COORDINATOR_PASSWORD = "Bänkprov-lösenord-2026"


@pytest.fixture(scope="session")
def coordinator_engines(both_engines):
    """{"SQLite": Database, "PostgreSQL": Database} as a coordinator working in the demo's
    insats (the one with most participants): on the server the account's own role, under
    row-level security (``server_roles``: groups, policies, an administrator and the
    account, made once on the bench copy); on the file the same account signed in."""
    from sqlalchemy import func, select

    from finsam_desktop.db import server_roles
    from finsam_desktop.db.referral_models import ParticipationRow
    from finsam_desktop.db.security_models import UserRow
    from finsam_desktop.services import accounts, signin
    from finsam_desktop.services.access import Role, User

    owner = both_engines["PostgreSQL"]
    url = str(owner.url)
    with both_engines["SQLite"].reading() as s:
        insats = s.execute(
            select(ParticipationRow.insats_id)
            .group_by(ParticipationRow.insats_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    with owner.reading() as s:
        made = s.scalar(
            select(func.count()).select_from(UserRow).where(UserRow.username == COORDINATOR)
        )
    if not made:
        server_roles.setup(url)
        started = signin.first_start(
            url, "bench_admin", "Bänk Admin", COORDINATOR_PASSWORD, COORDINATOR_PASSWORD
        )
        started.db.close()
        admin_db, _admin = signin.log_in(url, "bench_admin", COORDINATOR_PASSWORD)
        with admin_db.session() as session:
            bo = accounts.create_user(
                session,
                COORDINATOR,
                "Bänk Samordnare",
                Role.COORDINATOR,
                COORDINATOR_PASSWORD,
                COORDINATOR_PASSWORD,
            )
            accounts.set_insatser(session, bo.id, [insats])
        admin_db.close()
    pg, user = signin.log_in(url, COORDINATOR, COORDINATOR_PASSWORD)
    assert user.role == Role.COORDINATOR
    lite = both_engines["SQLite"]
    before = lite.user
    lite.user = User(user.id, COORDINATOR, "Bänk Samordnare", Role.COORDINATOR)
    yield {"SQLite": lite, "PostgreSQL": pg}
    lite.user = before
    pg.close()
