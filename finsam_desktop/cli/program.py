"""The command line's entry: the parser of every command group, and one Swedish message
and an exit code for whatever goes wrong.

Each command group is a module of this package with ``commands()``: name -> (help,
configure), where configure adds the options and sets ``run``. The groups import only
argparse and i18n at the top; a command loads its services when it runs, so
``finsam lots summary`` never imports the reports of ``finsam registerutdrag``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable

from finsam_desktop import APP_NAME, __version__
from finsam_desktop.cli.common import say
from finsam_desktop.cli.database import commands as database_commands
from finsam_desktop.cli.keys import commands as keys_commands
from finsam_desktop.cli.lots import commands as lots_commands
from finsam_desktop.cli.move import commands as move_commands
from finsam_desktop.cli.parser import SwedishParser, add_database_argument, argparse_in_swedish
from finsam_desktop.cli.participants import commands as participants_commands
from finsam_desktop.cli.protect import commands as protect_commands
from finsam_desktop.cli.server import commands as server_commands
from finsam_desktop.cli.statistics import commands as statistics_commands
from finsam_desktop.i18n import _

# In the order `finsam --help` lists them.
GROUPS = (
    database_commands,
    lots_commands,
    statistics_commands,
    participants_commands,
    protect_commands,
    keys_commands,
    move_commands,
    server_commands,
)


class _GroupChosen(argparse._SubParsersAction):
    """The command groups' subparsers, each given its commands and options when it is
    chosen on the command line (``build_parser(lazy=True)``): a command need not build
    the options of every other group (a few ms of every run of ``finsam``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unconfigured: dict[str, Callable[[argparse.ArgumentParser], None]] = {}

    def __call__(self, parser, namespace, values, option_string=None):
        configure = self.unconfigured.pop(values[0], None)
        if configure is not None:
            configure(self._name_parser_map[values[0]])
        super().__call__(parser, namespace, values, option_string)


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``lazy``: each group's options are added only when the
    group is chosen (what ``main`` parses with; help and errors read the same)."""
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
    parser.register("action", "parsers", _GroupChosen)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=SwedishParser)
    sub.required = True
    for group in GROUPS:
        for name, (help_text, configure) in group().items():
            chosen = sub.add_parser(name, help=help_text)
            if lazy:
                sub.unconfigured[name] = configure
            else:
                configure(chosen)
    return parser


# Exit codes: 1 could not be done, 2 bad command line, 3 not a usable database,
# 4 the role may not, 70 an unexpected fault (a crash report is written), 130 interrupted.
EXIT_CODES = {
    "finsam_desktop.db.migrate.DatabaseTooNew": 3,
    "finsam_desktop.db.migrate.NotAFinsamDatabase": 3,
    "finsam_desktop.services.access.AccessDenied": 4,
}


def _tolerant_output() -> None:
    """A name with a character the terminal cannot encode must not stop the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every expected failure (a full or read-only disk, a missing
    folder, a busy or damaged database, a refused login, text that cannot be stored,
    our own errors) becomes one Swedish message on stderr and a non-zero exit code;
    never a traceback (see ``finsam_desktop.problems``)."""
    from finsam_desktop.problems import user_message

    _tolerant_output()
    try:
        with argparse_in_swedish():
            args = build_parser(lazy=True).parse_args(argv)
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
