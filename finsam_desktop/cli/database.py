"""The database itself from the command line.

finsam [--db PATH] info | migrate | backup DEST | demo [--participants N] [--lots N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finsam_desktop import APP_NAME, __version__
from finsam_desktop.cli.common import open_database, table_progress
from finsam_desktop.cli.parser import add_participants_argument, bounded_int
from finsam_desktop.i18n import _
from finsam_desktop.paths import is_server


def cmd_info(args) -> int:
    from finsam_desktop.db.migrate import schema_state
    from finsam_desktop.paths import database_path

    path = database_path(args.db)
    print(_("Program: {name} {version}").format(name=APP_NAME, version=__version__))
    if is_server(path):
        from finsam_desktop.db.server import shown

        print(_("Database: {path}").format(path=shown(path)))
        return _server_info(args)
    print(_("Database: {path}").format(path=path))
    if not path.exists():
        print(_("The database does not exist yet; it is created when the program starts."))
        return 0
    from finsam_desktop.db.migrate import is_plain_sqlite

    # An encrypted file shows nothing, not even its schema, before the login.
    db = None if is_plain_sqlite(path) else open_database(args)
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
    _print_counts(db or open_database(args))
    return 0


def _print_counts(db) -> None:
    """What the database holds, one count a line; closes ``db``."""
    from finsam_desktop.services import stats_overview

    try:
        for label, value in stats_overview.database_counts(db):
            print(f"  {label}: {value}")
    finally:
        db.close()


def _server_info(args) -> int:
    """A server's database: opening it brings it to the current schema (as the window does)."""
    from finsam_desktop.db.migrate import schema_state

    db = open_database(args)
    try:
        state = schema_state(db.location)
    except BaseException:
        db.close()
        raise
    print(
        _("Schema: {revision} (latest: {head})").format(
            revision=state.label, head="+".join(sorted(state.heads))
        )
    )
    _print_counts(db)
    return 0


def cmd_migrate(args) -> int:
    from finsam_desktop.db.migrate import schema_state

    db = open_database(args)
    db.close()
    print(
        _("The database is up to date (schema {revision}).").format(
            revision=schema_state(db.location, db.key).label
        )
    )
    return 0


def cmd_backup(args) -> int:
    from finsam_desktop.db.backup import free_path
    from finsam_desktop.services import backups

    db = open_database(args)
    try:
        dest = Path(args.dest)
        if dest.is_dir() or not dest.suffix:  # a folder (made if missing) gets a dated file name
            dest = free_path(dest / backups.dated_name(db, "backup"))
        # administrators only; logged. On a server a pg_dump, its progress on stderr.
        backups.backup_to_file(db, dest, progress=table_progress if db.on_server else None)
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
    if is_server(path):
        from finsam_desktop.db.server import NotOnServerYet

        raise NotOnServerYet(_("The demo database"))
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


def configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", metavar=_("DEST"), help=_("a file or folder for the copy"))
    parser.set_defaults(run=cmd_backup)


def configure_demo(parser: argparse.ArgumentParser) -> None:
    add_participants_argument(parser)
    parser.add_argument(
        "--lots",
        type=bounded_int(0, 10_000_000, _("The number of lotsärenden")),
        default=400,
        metavar="N",
        help=_("how many fictitious lotsärenden (default 400)"),
    )
    parser.add_argument(
        "--replace", action="store_true", help=_("replace an existing demo database")
    )
    parser.set_defaults(run=cmd_demo)


def commands() -> dict:
    """name -> (help, configure); configure sets the ``run`` of the command."""
    return {
        "info": (
            _("show the database's location, schema and contents"),
            lambda p: p.set_defaults(run=cmd_info),
        ),
        "migrate": (
            _("bring the database up to the latest schema"),
            lambda p: p.set_defaults(run=cmd_migrate),
        ),
        "backup": (_("write a verified copy of the database"), configure_backup),
        "demo": (_("create a demo database with fictitious data"), configure_demo),
    }
