"""The command line: the same services as the window.

finsam [--db PATH] info | migrate | backup DEST | demo [--participants N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from finsam_desktop import APP_NAME, __version__
from finsam_desktop.i18n import _

# Subcommands that later capabilities add register here: name -> (help, configure, run).
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


class SwedishParser(argparse.ArgumentParser):
    """argparse with its own words translated through our catalogue."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("commands")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help and exit"))

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", _("usage:"), 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", _("usage:"), 1)

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}\n").format(prog=self.prog, message=message))


def _open(args):
    from finsam_desktop.paths import database_path
    from finsam_desktop.services.signin import KeyFileMissing, SignInRefused, open_for_command_line

    try:
        return open_for_command_line(database_path(args.db), getattr(args, "user", None))
    except (SignInRefused, KeyFileMissing) as exc:
        raise SystemExit(str(exc)) from None


def cmd_info(args) -> int:
    from finsam_desktop.db.migrate import schema_state
    from finsam_desktop.paths import database_path
    from finsam_desktop.services import stats_overview

    path = database_path(args.db)
    print(_("Program: {name} {version}").format(name=APP_NAME, version=__version__))
    print(_("Database: {path}").format(path=path))
    if not path.exists():
        print(_("The database does not exist yet; it is created when the program starts."))
        return 0
    from finsam_desktop.db.migrate import is_plain_sqlite

    # An encrypted file shows nothing, not even its schema, before the login.
    db = None if is_plain_sqlite(path) else _open(args)
    state = schema_state(path, db.key if db else None)
    print(
        _("Schema: {revision} (latest: {head})").format(
            revision=state.label, head="+".join(sorted(state.heads))
        )
    )
    if not state.is_current:
        print(_("The database needs an upgrade: run 'finsam migrate'."))
        if db is not None:
            db.close()
        return 0
    db = db or _open(args)
    try:
        for label, value in stats_overview.database_counts(db):
            print(f"  {label}: {value}")
    finally:
        db.close()
    return 0


def cmd_migrate(args) -> int:
    from finsam_desktop.db.migrate import schema_state

    db = _open(args)
    db.close()
    print(
        _("The database is up to date (schema {revision}).").format(
            revision=schema_state(db.path, db.key).label
        )
    )
    return 0


def cmd_backup(args) -> int:
    from finsam_desktop.db.backup import timestamped_name
    from finsam_desktop.services import backups

    db = _open(args)
    try:
        dest = Path(args.dest)
        if dest.is_dir() or not dest.suffix:  # a folder (made if missing) gets a dated file name
            dest = dest / timestamped_name(db.path, "backup")
        backups.backup_to_file(db, dest)  # administrators only; logged
    finally:
        db.close()
    print(_("Backup written and verified: {path}").format(path=dest))
    return 0


def cmd_demo(args) -> int:
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.paths import database_path
    from finsam_desktop.services import demo

    path = database_path(args.db, demo=True)
    if path.exists() and not args.replace:
        print(
            _("The demo database already exists: {path}. Use --replace to make a new one.").format(
                path=path
            ),
            file=sys.stderr,
        )
        return 1
    if path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_database(path)
    try:
        demo.fill(db, participants=args.participants, lots=args.lots)
    finally:
        db.close()
    print(_("Demo database created: {path}").format(path=path))
    return 0


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """--db, the same for the window (app.py) and the command line."""
    parser.add_argument(
        "--db",
        metavar=_("PATH"),
        help=_("the database file (default: FINSAM_DB or the data folder)"),
    )


def add_participants_argument(parser: argparse.ArgumentParser) -> None:
    """--participants for a demo database, the same for the window and ``finsam demo``."""
    parser.add_argument(
        "--participants",
        type=int,
        default=60,
        metavar="N",
        help=_("how many fictitious persons (default 60)"),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(
        prog="finsam",
        description=_("Finsam Desktop from the command line."),
    )
    add_database_argument(parser)
    parser.add_argument(
        "--user", metavar=_("NAME"), help=_("your username (needed for an encrypted database)")
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        help=_("show the program's version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=SwedishParser)
    sub.required = True
    p = sub.add_parser("info", help=_("show the database's location, schema and contents"))
    p.set_defaults(run=cmd_info)
    p = sub.add_parser("migrate", help=_("bring the database up to the latest schema"))
    p.set_defaults(run=cmd_migrate)
    p = sub.add_parser("backup", help=_("write a verified copy of the database"))
    p.add_argument("dest", metavar=_("DEST"), help=_("a file or folder for the copy"))
    p.set_defaults(run=cmd_backup)
    p = sub.add_parser("demo", help=_("create a demo database with fictitious data"))
    add_participants_argument(p)
    p.add_argument(
        "--lots",
        type=int,
        default=400,
        metavar="N",
        help=_("how many fictitious lotsärenden (default 400)"),
    )
    p.add_argument("--replace", action="store_true", help=_("replace an existing demo database"))
    p.set_defaults(run=cmd_demo)
    for name, (help_text, configure, run) in extra_commands().items():
        p = sub.add_parser(name, help=help_text)
        configure(p)
        p.set_defaults(run=run)
    return parser


def extra_commands() -> dict[str, Command]:
    """Commands of later capabilities (lotsärenden, restore, ...), imported lazily."""
    from finsam_desktop import cli_lots, cli_protect

    return {
        "lots": (_("lotsärenden: summary and import"), cli_lots.configure, cli_lots.run),
        **cli_protect.commands(),
    }


def main(argv: list[str] | None = None) -> int:
    from finsam_desktop.db.migrate import DatabaseTooNew, NotAFinsamDatabase
    from finsam_desktop.services.access import AccessDenied

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (DatabaseTooNew, NotAFinsamDatabase) as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except AccessDenied as exc:  # the role of --user may not do this
        print(str(exc), file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
