"""The command line: the same services as the window.

finsam [--db PATH] info | migrate | backup DEST | demo [--participants N]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

from finsam_desktop import APP_NAME, __version__
from finsam_desktop.i18n import N_, _

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
    # A statistics account's database is the de-identified extract beside the file.
    state = schema_state(db.path if db else path, db.key if db else None)
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
    from finsam_desktop.db.backup import free_path, timestamped_name
    from finsam_desktop.services import backups

    db = _open(args)
    try:
        dest = Path(args.dest)
        if dest.is_dir() or not dest.suffix:  # a folder (made if missing) gets a dated file name
            dest = free_path(dest / timestamped_name(db.path, "backup"))
        backups.backup_to_file(db, dest)  # administrators only; logged
    finally:
        db.close()
    print(_("Backup written and verified: {path}").format(path=dest))
    return 0


def cmd_demo(args) -> int:
    """An encrypted demo database with the demo accounts, like the window's ``--demo``.
    ``--replace`` removes only a database that is recognisably a demo (it opens with the
    demo password and carries the demo marker), with its key file and side files."""
    from finsam_desktop.paths import database_path
    from finsam_desktop.services import demo, signin

    path = database_path(args.db, demo=True)
    exists = path.exists() and path.stat().st_size > 0
    if exists and not args.replace:
        print(
            _("The demo database already exists: {path}. Use --replace to make a new one.").format(
                path=path
            ),
            file=sys.stderr,
        )
        return 1
    if exists:
        demo.remove_demo(path)  # NotADemoDatabase for anything else
    demo.create_demo_database(path, participants=args.participants, lots=args.lots)
    print(_("Demo database created: {path}").format(path=path))
    print(
        _("Log in as {accounts} with the password {password}.").format(
            accounts=", ".join(name for name, _label, _role in signin.DEMO_ACCOUNTS),
            password=signin.DEMO_PASSWORD,
        )
    )
    return 0


def bounded_int(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a Swedish message."""

    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("{value} is not a whole number.").format(value=repr(text))
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("{what} must be between {low} and {high}.").format(what=what, low=low, high=high)
            )
        return value

    convert.__name__ = what
    return convert


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
        type=bounded_int(0, 1_000_000, _("The number of persons")),
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
        type=bounded_int(0, 10_000_000, _("The number of lotsärenden")),
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
    from finsam_desktop import cli_keys, cli_lots, cli_participants, cli_protect, cli_statistics

    return {
        "lots": (_("lotsärenden: summary and import"), cli_lots.configure, cli_lots.run),
        "statistik": (
            _("the statistics report for a period (styrgrupp, förbund)"),
            cli_statistics.configure,
            cli_statistics.run,
        ),
        "deltagare": (
            _("participants: import earlier ones from a spreadsheet"),
            cli_participants.configure,
            cli_participants.run,
        ),
        **cli_protect.commands(),
        **cli_keys.commands(),
    }


# argparse's own words, translated through our catalogue while the command line is read.
ARGPARSE_MESSAGES = (
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
)

# Exit codes: 1 could not be done, 2 bad command line, 3 not a usable database,
# 4 the role may not, 70 an unexpected fault (a crash report is written), 130 interrupted.
EXIT_CODES = {
    "finsam_desktop.db.migrate.DatabaseTooNew": 3,
    "finsam_desktop.db.migrate.NotAFinsamDatabase": 3,
    "finsam_desktop.services.access.AccessDenied": 4,
}


def say(text: str, stream=None) -> None:
    """Print a message even when it holds characters the terminal cannot show."""
    stream = stream or sys.stderr
    try:
        print(text, file=stream)
    except UnicodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def _tolerant_output() -> None:
    """A name with a character the terminal cannot encode must not stop the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """argparse with its messages in Swedish (it looks its words up through gettext)."""

    def plural(singular: str, plural_: str, n: int) -> str:
        return _(singular if n == 1 else plural_)

    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, plural
    try:
        return build_parser().parse_args(argv)
    finally:
        argparse._, argparse.ngettext = saved


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every expected failure (a full or read-only disk, a missing
    folder, a busy or damaged database, a refused login, text that cannot be stored,
    our own errors) becomes one Swedish message on stderr and a non-zero exit code;
    never a traceback (see ``finsam_desktop.problems``)."""
    from finsam_desktop.problems import user_message

    _tolerant_output()
    try:
        args = _parse(argv)
        return args.run(args)
    except KeyboardInterrupt:
        say(_("Interrupted."))
        return 130
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            return _unexpected(exc)
        say(message)
        kinds = [f"{k.__module__}.{k.__qualname__}" for k in type(exc).__mro__]
        return next((EXIT_CODES[k] for k in kinds if k in EXIT_CODES), 1)


def _unexpected(exc: Exception) -> int:
    """A fault in the program: a report without personal data, and a Swedish message."""
    import os

    if os.environ.get("FINSAM_DEBUG"):
        raise exc
    from finsam_desktop.crash_report import write_report
    from finsam_desktop.paths import data_dir

    try:
        report = write_report(data_dir() / "crash-reports", type(exc), exc, exc.__traceback__)
        where = str(report)
    except Exception:
        where = "–"
    say(
        _(
            "Something unexpected went wrong ({kind}). Nothing more was done. A report "
            "without personal data is in {path}."
        ).format(kind=type(exc).__name__, path=where)
    )
    return 70


if __name__ == "__main__":
    sys.exit(main())
