"""The command line's argparse pieces, shared by every command group and by the window
(``app.py`` reads ``--db`` and ``--participants`` the same way).

Light on purpose: argparse and i18n only, so that ``finsam --help`` and the parsing of
any command import nothing of the database or the reports.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator

from finsam_desktop.i18n import N_, _


@functools.cache
def _help_width() -> int:
    """The width argparse's help is wrapped to, as argparse reckons it (the columns of
    ``shutil.get_terminal_size``, less 2), found once: argparse asks again for every
    option it is given, and importing shutil costs a command more than its options."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _HelpFormatter(argparse.HelpFormatter):
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        width = _help_width() if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class SwedishParser(argparse.ArgumentParser):
    """argparse with its own words translated through our catalogue."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _HelpFormatter)
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


def subcommands(parser: argparse.ArgumentParser, dest: str):
    """A required group of subcommands (``finsam lots summary|import``)."""
    sub = parser.add_subparsers(dest=dest, metavar=_("COMMAND"), parser_class=SwedishParser)
    sub.required = True
    return sub


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
        help=_(
            "the database file, or a PostgreSQL server's postgresql:// URL "
            "(default: FINSAM_DB or the data folder)"
        ),
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


@contextlib.contextmanager
def argparse_in_swedish() -> Iterator[None]:
    """argparse looks its own words up through gettext: through our catalogue while the
    block runs. Building the parser inside it too saves the standard gettext's search
    for an "argparse" catalogue on disk at each of its words (a few ms per command)."""

    def plural(singular: str, plural_: str, n: int) -> str:
        return _(singular if n == 1 else plural_)

    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved
