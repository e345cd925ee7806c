"""Backups thinned to daily, weekly and monthly copies, on a fixed calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from finsam_desktop.db.backup import (
    backup_name,
    backups_to_keep,
    list_backups,
    parse_backup_name,
    thin_backups,
)

NOW = datetime(2026, 11, 22, 18, 0)


def test_names_carry_the_time_and_other_files_are_ignored():
    name = backup_name("finsam", datetime(2026, 11, 22, 9, 5, 7))
    assert name == "finsam-backup-20261122-090507.sqlite"
    assert parse_backup_name(name, "finsam") == datetime(2026, 11, 22, 9, 5, 7)
    assert parse_backup_name("finsam-backup-2026.sqlite", "finsam") is None
    assert parse_backup_name("other-backup-20261122-090507.sqlite", "finsam") is None


def test_several_backups_a_day_keep_only_the_newest_of_each_day():
    stamps = [NOW - timedelta(hours=h) for h in range(0, 48, 6)]  # 8 copies over two days
    keep = backups_to_keep(stamps)
    assert keep == {NOW, datetime(2026, 11, 21, 18, 0)}


def test_a_year_of_daily_backups_thins_to_7_daily_5_weekly_12_monthly():
    stamps = [NOW - timedelta(days=d) for d in range(400)]
    keep = sorted(backups_to_keep(stamps), reverse=True)
    assert len(keep) == 7 + 5 + 12
    assert keep[:7] == [NOW - timedelta(days=d) for d in range(7)]
    # Before the 7th day (Monday 2026-11-16) each ISO week keeps its newest copy (Sunday),
    # and each month its newest copy, whichever tier gets there first.
    assert [d.date().isoformat() for d in keep[7:]] == [
        "2026-11-15",
        "2026-11-08",
        "2026-11-01",  # weekly
        "2026-10-31",  # monthly: October's newest
        "2026-10-25",
        "2026-10-18",  # weekly (5 in all)
        "2026-09-30",
        "2026-08-31",
        "2026-07-31",
        "2026-06-30",
        "2026-05-31",
        "2026-04-30",
        "2026-03-31",
        "2026-02-28",
        "2026-01-31",
        "2025-12-31",
        "2025-11-30",  # monthly
    ]
    assert min(keep) == datetime(2025, 11, 30, 18, 0)


def test_gaps_in_the_calendar_do_not_lose_the_only_copies():
    # A PC switched off for weeks: every copy is in a different day, week and month.
    stamps = [datetime(2026, 11, 20), datetime(2026, 9, 1), datetime(2026, 3, 3)]
    assert backups_to_keep(stamps) == set(stamps)


def test_thin_backups_deletes_files_thinning_drops(tmp_path):
    for d in range(30):
        (tmp_path / backup_name("finsam", NOW - timedelta(days=d))).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = thin_backups(tmp_path, "finsam")
    left = list_backups(tmp_path, "finsam")
    assert len(left) + len(removed) == 30
    assert left[0].taken_at == NOW
    assert len(left) == len(backups_to_keep(NOW - timedelta(days=d) for d in range(30)))
    assert (tmp_path / "notes.txt").exists()
