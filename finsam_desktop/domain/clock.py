"""The program's one clock: every "today" and "now" of the services and the screens.

Services take ``today``/``now`` from their caller where the day matters to the result
and fall back to ``clock.today()`` / ``clock.now()`` here; screens read the same clock
(``AppContext.clock`` is this one). Nothing in ``services/`` or ``ui/`` calls
``date.today()`` or ``datetime.now()`` itself (``tests/test_architecture.py`` scans for it,
with a short list of real-time stamps such as the access log's).

Tests pin the day in one place: the ``clock`` fixture of ``tests/conftest.py`` installs a
``FixedClock`` and puts the system clock back afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, time


class Clock:
    """The wall clock of the machine (local time, naive, as the database stores it)."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now()


class FixedClock(Clock):
    """A clock that stands still on one moment until it is ``set`` to another."""

    def __init__(self, moment: date | datetime) -> None:
        self.set(moment)

    def set(self, moment: date | datetime) -> None:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12, 0))
        self.moment = moment

    def today(self) -> date:
        return self.moment.date()

    def now(self) -> datetime:
        return self.moment


SYSTEM = Clock()
_current: Clock = SYSTEM


def current() -> Clock:
    """The clock the program reads now."""
    return _current


def install(clock: Clock) -> Clock:
    """Make ``clock`` the program's clock; returns the one it replaces."""
    global _current
    previous, _current = _current, clock
    return previous


def today() -> date:
    return _current.today()


def now() -> datetime:
    return _current.now()
