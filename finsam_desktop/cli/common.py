"""What the command groups share: opening the database as the signed-in user, messages
that survive any terminal, and a report's way out (``--format``/``--out``).

Imports nothing heavy at the top: each command loads the services it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finsam_desktop.i18n import _

FORMATS = ("text", "json", "csv", "xlsx", "pdf")


def open_database(args: argparse.Namespace):
    """The same opening for every command: an encrypted database needs --user and a
    password (FINSAM_PASSWORD or asked without echo); a plain one opens as the program."""
    from finsam_desktop.paths import database_path
    from finsam_desktop.services.signin import KeyFileMissing, SignInRefused, open_for_command_line

    try:
        return open_for_command_line(database_path(args.db), getattr(args, "user", None))
    except (SignInRefused, KeyFileMissing) as exc:
        raise SystemExit(str(exc)) from None


def open_fast_reader(args: argparse.Namespace, heads):
    """A read-only ``db.fast_query.FastReader`` when the command may skip the ordinary
    opening: a plain database file opened as the program (no --user: an account's login
    is checked and logged by the ordinary way), at exactly the schema ``heads``; what an
    interrupted first start left is finished first, as always. None otherwise."""
    if getattr(args, "user", None):
        return None
    from finsam_desktop.paths import database_path, is_server

    path = database_path(args.db)
    if is_server(path):
        return None
    from finsam_desktop.db.fast_query import open_reader
    from finsam_desktop.services.database_state import DatabaseState, database_state

    if database_state(path) is not DatabaseState.PLAIN:
        return None
    return open_reader(path, heads)


def say(text: str, stream=None) -> None:
    """Print a message even when it holds characters the terminal cannot show."""
    stream = stream or sys.stderr
    try:
        print(text, file=stream)
    except UnicodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream)


def table_progress(done: int, total: int, table: str) -> None:
    """A long job's progress per table, on stderr (stdout stays the command's answer)."""
    say(_("{done}/{total} {table}").format(done=done, total=total, table=table))


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, help=_("output format (default: from --out)"))
    parser.add_argument("--out", metavar=_("FILE"), help=_("the file to write"))


def output_format(args: argparse.Namespace) -> str | None:
    """--format, else the suffix of --out, else text; None after a message (exit 2)."""
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "text")
    if fmt not in FORMATS:
        print(_("Choose --format: {formats}.").format(formats=", ".join(FORMATS)), file=sys.stderr)
        return None
    if fmt in ("xlsx", "pdf") and not args.out:
        print(_("--out FILE is needed for {format}.").format(format=fmt), file=sys.stderr)
        return None
    return fmt


def write_report(report, args: argparse.Namespace, fmt: str, federation) -> bool:
    """The report to --out (text goes as CSV); False after a message when it cannot be
    written."""
    from finsam_desktop.reports import export

    try:
        export.write(report, args.out, "csv" if fmt == "text" else fmt, federation)
    except OSError:
        print(_("The file could not be written: {path}").format(path=args.out), file=sys.stderr)
        return False
    return True


def print_report(report, fmt: str) -> None:
    """The report on standard output: JSON, CSV, or plain text."""
    from finsam_desktop.reports import export

    if fmt == "json":
        sys.stdout.write(export.json_text(report))
    elif fmt == "csv":
        sys.stdout.write(export.csv_text(report))
    else:
        print(export.plain_text(report))
