"""``OperationRunner.read_together``: a screen's independent reads, at the same time on
a server (each in a connection of its own), one after the other on a file. Runs on both
engines (dev.sh runs it again against PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest

from finsam_desktop.services import organisation


@pytest.fixture
def runner(demo_db):
    from finsam_desktop.ui.operations import OperationRunner

    return OperationRunner(demo_db)


def test_each_read_gives_what_it_gives_alone(runner):
    reads = {"staff": (organisation.list_staff,), "federation": (organisation.get_federation,)}
    found = runner.read_together(reads)
    assert list(found) == ["staff", "federation"]
    for name, read in reads.items():
        assert found[name] == runner.read(*read)
    assert found["staff"]  # the demo's team: the comparison is of something


def _waits_for_the_other(barrier: threading.Barrier):
    def read(_session):
        barrier.wait()  # broken (an error) if the other read has not begun within 5 s
        return threading.current_thread().name

    return read


def test_on_a_server_the_reads_run_at_once_on_a_file_one_after_the_other(runner):
    if runner.db.on_server:
        barrier = threading.Barrier(2, timeout=5)
        found = runner.read_together(
            {"a": (_waits_for_the_other(barrier),), "b": (_waits_for_the_other(barrier),)}
        )
        assert found["a"] != found["b"]
        assert all(name.startswith("finsam-read") for name in found.values())
    else:
        here = threading.current_thread().name
        found = runner.read_together(
            {"a": (lambda _s: threading.current_thread().name,), "b": (lambda _s: here,)}
        )
        assert found == {"a": here, "b": here}


def test_the_first_failed_read_raises(runner):
    """On a server once the others have ended (none is left reading behind the message);
    on a file the reads after it are not made."""
    ended = []

    def fails(_session):
        raise ValueError("a read failed")

    def slow(_session):
        time.sleep(0.2)
        ended.append(True)
        return 1

    with pytest.raises(ValueError, match="a read failed"):
        runner.read_together({"fails": (fails,), "slow": (slow,)})
    assert ended == ([True] if runner.db.on_server else [])
