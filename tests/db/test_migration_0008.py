"""Migration 0008: every lotsärende's one outcome becomes an outcome mark, and the
default exit routes get their statistics flags."""

from __future__ import annotations

import sqlite3

import pytest

from finsam_desktop.db.engine import Database
from finsam_desktop.db.migrate import open_database, upgrade

pytestmark = pytest.mark.sqlite_only(reason="upgrades a released SQLite fixture file")


def test_outcomes_move_to_marks_and_exit_routes_get_their_flags(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    upgrade(db, "0007")
    db.engine.dispose()
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO municipality (id, name, name_key, active, version) VALUES
            (1, 'Heby', 'heby', 1, 1);
        INSERT INTO lots_category (id, kind, name, name_key, active, position,
                                   work_or_studies, version) VALUES
            (1, 'outcome', 'Arbete', 'arbete', 1, 1, 1, 1),
            (2, 'outcome', 'RITA', 'rita', 1, 2, 0, 1);
        INSERT INTO lots_case (id, received, municipality_id, officer, officer_key, gender,
                               foreign_background, sick_leave_fs, individual_case,
                               coordination_need, outcome_id, reference, survey_sent, version)
        VALUES (1, '2017-02-01', 1, '', '', 'kvinna', 'okant', 'okant', 1, 'okant', 1, '', 0, 1),
               (2, '2017-02-02', 1, '', '', 'man', 'okant', 'okant', 1, 'okant', 2, '', 0, 1),
               (3, '2017-02-03', 1, '', '', 'man', 'okant', 'okant', 0, 'okant', NULL, '', 0, 1);
        """
    )
    con.commit()
    con.close()

    db = open_database(path)
    db.close()
    con = sqlite3.connect(path)
    try:
        marks = con.execute(
            "SELECT lots_case_id, category_id FROM lots_case_outcome ORDER BY 1"
        ).fetchall()
        assert marks == [(1, 1), (2, 2)]
        columns = {r[1] for r in con.execute("PRAGMA table_info(lots_case)")}
        assert "outcome_id" not in columns and "received" in columns
        assert con.execute("SELECT count(*) FROM lots_case").fetchone()[0] == 3
        flags = dict(
            (name, (a, w))
            for name, a, w in con.execute(
                "SELECT name, in_activity, work_or_studies FROM case_option "
                "WHERE list_key = 'exit_route'"
            )
        )
        assert flags["Arbete"] == (1, 1) and flags["Arbetsträning/praktik"] == (1, 0)
        assert flags["Avbrott"] == (0, 0)
    finally:
        con.close()
