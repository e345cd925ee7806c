"""The demo: a clearly fictitious team for newcomers, tests and benchmarks.

``create_demo_database`` makes the encrypted demo file with its three accounts
(``finsam demo``, ``finsam-desktop --demo``); ``fill`` puts the team, persons,
referrals, case work, lotsärenden and local models into an empty database. Each part is
its own module: ``database`` (the demo file, its marker, the team and the persons),
``referrals``, ``cases``, ``lots`` and ``krans``.
"""

from finsam_desktop.services.demo.database import (
    DEMO_FEDERATION,
    NotADemoDatabase,
    create_demo_database,
    create_organisation,
    demo_files,
    fake_personnummer,
    fill,
    is_demo_database,
    luhn_check_digit,
    person_rows,
    remove_demo,
)

__all__ = [
    "DEMO_FEDERATION",
    "NotADemoDatabase",
    "create_demo_database",
    "create_organisation",
    "demo_files",
    "fake_personnummer",
    "fill",
    "is_demo_database",
    "luhn_check_digit",
    "person_rows",
    "remove_demo",
]
