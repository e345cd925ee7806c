"""Command-line commands that protect the data: restore a backup, print a registerutdrag.

finsam restore BACKUPFILE
finsam registerutdrag PERSONNUMMER --out FILE

"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finsam_desktop.cli.common import open_database, say
from finsam_desktop.i18n import _
from finsam_desktop.paths import is_server


def configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", metavar=_("BACKUPFILE"), help=_("the backup to restore"))
    parser.add_argument(
        "--yes",
        action="store_true",
        help=_("do not ask before replacing a server database's contents"),
    )
    parser.set_defaults(run=run_restore)


def run_restore(args: argparse.Namespace) -> int:
    """Restore a backup over the database; the current file is kept aside first."""
    from finsam_desktop.db.backup import BackupError
    from finsam_desktop.paths import database_path
    from finsam_desktop.services import backups

    path = database_path(args.db)
    backup = Path(args.backup).expanduser().resolve()
    if is_server(path):
        return _restore_on_server(args, backup)
    db = None
    if path.exists():
        # Opening proves who we are (for an encrypted file) and gives its key, with which
        # the backup is checked before anything is moved.
        try:
            db = open_database(args)
        except Exception:  # a damaged file: nobody can sign in, restoring is the way back
            db = None
    try:
        if db is None:
            kept = backups.restore_file(path, backup)
        else:
            with db.reading() as session:
                backups.check_may_restore(session)  # administrators only
            kept = backups.restore_into(db, backup)  # logged in the restored database
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        if db is not None:
            db.close()
    if kept is not None:
        print(_("The database that was in use is kept as {path}.").format(path=kept))
    print(_("Restored {backup} to {path}.").format(backup=backup.name, path=path))
    return 0


def _restore_on_server(args: argparse.Namespace, backup: Path) -> int:
    """pg_restore over the server database: an administrator, after confirming (or
    ``--yes``); what was there is first saved as a verified pg_dump."""
    from finsam_desktop.cli.common import table_progress
    from finsam_desktop.services import backups

    db = open_database(args)
    try:
        with db.reading() as session:
            backups.check_may_restore(session)  # administrators only
        if not args.yes and not _confirmed(db.name, backup.name):
            print(_("Nothing has been changed."), file=sys.stderr)
            return 1
        kept = backups.restore_into(db, backup, progress=table_progress)  # logged
    finally:
        db.close()
    print(_("What the database held before is saved as {path}.").format(path=kept))
    print(_("Restored {backup} to {path}.").format(backup=backup.name, path=db.name))
    return 0


def _confirmed(database: str, backup: str) -> bool:
    say(
        _(
            "Everything in {database} is replaced by the backup {backup}. Close the program "
            "on every workstation first."
        ).format(database=database, backup=backup)
    )
    try:
        answer = input(_("Type yes to restore: "))
    except EOFError:
        return False
    return answer.strip().lower() in (_("yes"), "yes")


def configure_register_extract(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "personnummer", metavar=_("PERSONNUMMER"), help=_("the person's personal identity number")
    )
    parser.add_argument("--out", required=True, metavar=_("FILE"), help=_("where to write the PDF"))
    parser.set_defaults(run=run_register_extract)


def run_register_extract(args: argparse.Namespace) -> int:
    """Everything held about one person, as a PDF (GDPR article 15)."""
    from finsam_desktop.domain.errors import NotFound
    from finsam_desktop.domain.personnummer import InvalidPersonnummer
    from finsam_desktop.reports import register_extract_pdf
    from finsam_desktop.services import register_extract

    db = open_database(args)
    try:
        with db.session() as session:
            person_id = register_extract.find_person(session, args.personnummer)
            extract = register_extract.build_extract(session, person_id)
    except InvalidPersonnummer as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except NotFound:
        print(_("No person with that personal identity number is registered."), file=sys.stderr)
        return 1
    finally:
        db.close()
    out = Path(args.out)
    register_extract_pdf.write(extract, out)
    print(_("Register extract written: {path}").format(path=out))
    return 0


def commands() -> dict:
    return {
        "restore": (
            _("restore a backup (the current database is kept aside first)"),
            configure_restore,
        ),
        "registerutdrag": (
            _("write everything held about one person as a PDF (GDPR art. 15)"),
            configure_register_extract,
        ),
    }
