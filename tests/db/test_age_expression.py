"""Age in SQL from a personnummer, and from the statistics extract's birth year."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import literal, select
from sqlalchemy.dialects import sqlite

from finsam_desktop.db.expressions import age_at


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("199012319801", 35),  # 31 December 1990: not yet 36 on 1 December 2026
        ("199001019801", 36),
        ("199001619801", 36),  # a samordningsnummer: day + 60
        ("1990-p0123456789abcdef", 36),  # the extract: born "1 July 1990"
        ("", None),
    ],
)
def test_age_on_1_december_2026(number, expected):
    stmt = select(age_at(literal(number), literal(date(2026, 12, 1))))
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    assert sqlite3.connect(":memory:").execute(sql).fetchone()[0] == expected
