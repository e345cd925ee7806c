"""The command line as a package (issue 13): one module per command group, no import
cycles among them, and a command that imports only what it needs."""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

from finsam_desktop.cli import build_parser

PACKAGE = Path(__file__).resolve().parents[2] / "finsam_desktop"
CLI = PACKAGE / "cli"


def command_names() -> set[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def cli_imports() -> dict[str, set[str]]:
    """Every cli module and the cli modules it imports, at the top or inside a function."""
    graph: dict[str, set[str]] = {}
    for path in sorted(CLI.glob("*.py")):
        name = f"finsam_desktop.cli.{path.stem}"
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in found if m.startswith("finsam_desktop.cli")}
    return graph


def test_no_flat_cli_modules_are_left():
    assert sorted(p.name for p in PACKAGE.glob("cli*.py")) == []


def test_no_import_cycles_in_the_command_line():
    graph = cli_imports()
    # Only the package's own __init__ and __main__ name the entry; no group imports it.
    for module, imported in graph.items():
        if module.rsplit(".", 1)[1] not in {"__init__", "__main__"}:
            assert "finsam_desktop.cli" not in imported, module
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for following in graph.get(module, ()):
            if following in path:
                cycles.append([*path[path.index(following) :], following])
            elif following in graph:
                visit(following, [*path, following])

    for module in graph:
        visit(module, [module])
    assert cycles == []


def test_every_command_group_is_registered():
    """A module of the package with commands() is in the parser: nothing is left out."""
    from finsam_desktop.cli import program

    groups = {g.__module__ for g in program.GROUPS}
    with_commands = {
        f"finsam_desktop.cli.{p.stem}"
        for p in CLI.glob("*.py")
        if "\ndef commands()" in p.read_text(encoding="utf-8")
    }
    assert groups == with_commands
    for group in program.GROUPS:
        assert set(group()) <= command_names()


def test_the_recovery_command_is_the_one_the_messages_name():
    from finsam_desktop.cli.keys import RECOVERY_COMMAND
    from finsam_desktop.services.signin import RECOVERY_COMMAND as NAMED

    assert RECOVERY_COMMAND == NAMED
    assert NAMED in command_names()


def test_statistik_krans_takes_the_model_by_either_name():
    from finsam_desktop.cli import statistics

    parser = build_parser()
    for flag in ("--modell", "--insats"):
        args = parser.parse_args(["statistik", "krans", "--period", "2026", flag, "Bryggan"])
        assert args.what == "krans" and args.insats == "Bryggan"
        assert args.run is statistics.run


def loaded(code: str, *argv: str) -> set[str]:
    """The top-level packages a fresh process has imported after ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=PACKAGE.parent,
    )
    last = out.stdout.strip().splitlines()[-1]
    return set(last.split(","))


SHOW = "import sys; print(','.join(sorted({m.split('.')[0] for m in sys.modules})))"


def test_reading_the_command_line_imports_no_database_or_reports():
    code = (
        "import contextlib, io, sys; from finsam_desktop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "from finsam_desktop.cli import build_parser\n"
        "build_parser().parse_args(['lots', 'summary', '--year', '2016'])\n" + SHOW
    )
    heavy = loaded(code) & {"sqlalchemy", "alembic", "reportlab", "openpyxl", "sqlcipher3"}
    assert heavy == set()


def test_a_text_summary_imports_no_report_writers(tmp_path):
    from finsam_desktop.db.migrate import open_database

    path = tmp_path / "f.sqlite"
    open_database(path).close()
    code = (
        "import contextlib, io, sys; from finsam_desktop.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(sys.argv[1:]) == 0\n" + SHOW
    )
    args = ("--db", str(path), "lots", "summary", "--year", "2016")
    # The text of a plain file opened as the program: the summary's own statements as
    # SQLite text on the DB-API (db/fast_query.py), so not even SQLAlchemy or Babel.
    modules = loaded(code, *args)
    assert "finsam_desktop" in modules and "sqlite3" in modules  # it did run the summary
    heavy = {"sqlalchemy", "babel", "reportlab", "openpyxl", "alembic", "cryptography"}
    assert modules & heavy == set()
    # Nor dataclasses (with inspect, ast, dis, tokenize), typing or the key file's module:
    # their import and the classes they build took more than the summary's queries
    # (issue 13: the whole process within 2x of python + sqlite3).
    assert modules & {"dataclasses", "inspect", "typing", "ast"} == set()
    show_ours = "import sys; print(','.join(sorted(m for m in sys.modules if 'finsam' in m)))"
    ours = loaded(code.replace(SHOW, show_ours), *args)
    assert "finsam_desktop.services.lots_summary" in ours
    assert ours & {"finsam_desktop.db.keys", "finsam_desktop.services.signin"} == set()
    modules = loaded(code, *args, "--format", "json")  # the ordinary way: a report
    assert "sqlalchemy" in modules
    assert modules & {"reportlab", "openpyxl", "alembic"} == set()
