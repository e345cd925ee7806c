"""Moving a database file to a PostgreSQL server from the command line.

finsam [--db FILE] [--user NAME] flytta --till postgresql://…
"""

from __future__ import annotations

import argparse
import os
import sys

from finsam_desktop.i18n import _


def run_move(args: argparse.Namespace) -> int:
    """Move the file to an empty server database; a table of counts and hashes."""
    import getpass

    from finsam_desktop.cli.common import table_progress
    from finsam_desktop.paths import database_path, is_server
    from finsam_desktop.services import move

    source_path = database_path(args.db)
    if is_server(source_path):
        print(_("--db must name the database file to move, not a server."), file=sys.stderr)
        return 2
    if not is_server(args.till):
        print(
            _("--till must be a PostgreSQL URL, for example postgresql://finsam@server/finsam."),
            file=sys.stderr,
        )
        return 2
    password = None
    if args.user:
        password = os.environ.get("FINSAM_PASSWORD")
        if password is None:
            password = getpass.getpass(_("Password for {user}: ").format(user=args.user))
    source = move.check_source(source_path, args.user, password)
    results = move.move_to_server(source, args.till, progress=table_progress)
    print_results(results)
    from finsam_desktop.db.server import shown

    print(
        _("Moved {file} to {server}. The file is unchanged.").format(
            file=source_path, server=shown(args.till)
        )
    )
    return 0


def print_results(results) -> None:
    """One line a table: rows in the file and on the server, and whether the contents
    (the hash of every row) are equal."""
    headers = (_("Table"), _("Rows in the file"), _("Rows on the server"), _("Contents"))
    rows = [
        (
            r.table,
            str(r.source.rows),
            str(r.target.rows),
            _("equal ({hash})").format(hash=r.target.digest[:12]) if r.equal else _("DIFFERENT"),
        )
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    for line in (headers, *rows):
        print(
            "  ".join(
                cell.ljust(w) if i in (0, 3) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )


def configure_move(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--till",
        required=True,
        metavar="URL",
        help=_("the empty server database, postgresql://user@host/database"),
    )
    parser.set_defaults(run=run_move)


def commands() -> dict:
    return {
        "flytta": (
            _("move the database file to an empty PostgreSQL database (the file is unchanged)"),
            configure_move,
        ),
    }
