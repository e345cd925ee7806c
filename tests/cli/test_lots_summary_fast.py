"""`finsam lots summary` as text on a plain file reads through db/fast_query.py without
SQLAlchemy: what it prints is byte for byte what the ordinary way prints, and every
other case (--user, an encrypted file, a server, a file to upgrade) takes the ordinary
way, with its login, role check and access log."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pytest

from finsam_desktop.cli import lots as cli_lots
from finsam_desktop.cli import main
from finsam_desktop.cli.common import open_fast_reader
from finsam_desktop.db.fast_query import FastReader
from finsam_desktop.services.lots_summary_sql import HEADS


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import demo, lots

    path = tmp_path_factory.mktemp("fast") / "plain.sqlite"
    db = open_database(path)
    demo.fill(db, participants=40, lots=300)
    with db.session() as session:
        category = lots.list_categories(session, lots.CategoryKind.OUTCOME)[0]
        lots.save_category(session, replace(category, active=False))
    db.close()
    return path


COMMANDS = [
    ["--year", "2026"],
    ["--year", "2025", "--kommun", "Granvik"],
    ["--period", "2026H1"],
    ["--from", "2025-03-01", "--to", "2026-02-28", "--kommun", "Älvsnäs kommun"],
    ["--year", "1990"],  # nothing received
    ["--year", "2026", "--kommun", "Ingenstans"],  # no such municipality: exit 1
    ["--from", "2026-05-01", "--to", "2026-01-01"],  # ends before it starts: exit 1
]


def run(capsys, path: Path, options: list[str]) -> tuple[int, str, str]:
    code = main(["--db", str(path), "lots", "summary", *options])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("options", COMMANDS, ids=" ".join)
def test_the_text_is_the_same_as_the_ordinary_way(plain, capsys, monkeypatch, options):
    opened: list[FastReader] = []

    def counted(args, heads):
        reader = open_fast_reader(args, heads)
        opened.append(reader)
        return reader

    monkeypatch.setattr(cli_lots, "open_fast_reader", counted)
    fast = run(capsys, plain, options)
    assert len(opened) == 1 and isinstance(opened[0], FastReader)
    monkeypatch.setattr(cli_lots, "open_fast_reader", lambda args, heads: None)
    ordinary = run(capsys, plain, options)
    assert fast == ordinary
    assert fast[0] in (0, 1) and (fast[1] or fast[2])


def test_the_fast_way_is_only_for_a_plain_file_opened_as_the_program(plain, tmp_path, demo_path):
    def args(db, user=None):
        return argparse.Namespace(db=str(db), user=user)

    reader = open_fast_reader(args(plain), HEADS)
    assert isinstance(reader, FastReader)
    reader.close()
    # A named user signs in the ordinary way: the password checked, the login logged.
    assert open_fast_reader(args(plain, "samordnare"), HEADS) is None
    assert open_fast_reader(args(demo_path), HEADS) is None  # encrypted
    assert open_fast_reader(args("postgresql://nobody@localhost/finsam"), HEADS) is None
    assert open_fast_reader(args(plain), ["0001"]) is None  # a schema to upgrade
    assert open_fast_reader(args(tmp_path / "new.sqlite"), HEADS) is None
    assert not (tmp_path / "new.sqlite").exists()


def test_an_encrypted_file_still_asks_for_the_user(demo_path):
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(demo_path), "lots", "summary", "--year", "2026"])
    assert "--user" in str(stopped.value.code)
