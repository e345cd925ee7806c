"""Timing and the big demo database the benchmarks share."""

from __future__ import annotations

import time


def best_of(fn, runs: int = 5, clock=time.perf_counter) -> float:
    """The fastest of ``runs`` calls, in seconds: the figure least disturbed by the machine.
    ``clock=time.process_time``: this process's CPU time, which the other processes of a
    shared machine do not stretch (the wall clock's figure they do)."""
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def demo_database(tmp_path_factory, what: str, participants: int, **fill):
    """A new database filled by the demo generator, saying how long that took."""
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import demo

    db = open_database(tmp_path_factory.mktemp("bench") / "big.sqlite")
    start = time.perf_counter()
    demo.fill(db, participants=participants, **fill)
    print(f"\ndemo data, {participants} {what}: {time.perf_counter() - start:.1f} s")
    return db


def print_figures(figures: dict[str, float]) -> None:
    """One line per measurement, in milliseconds, names right-aligned."""
    for name, seconds in figures.items():
        print(f"{name:>24}: {seconds * 1000:7.1f} ms")
