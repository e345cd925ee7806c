"""`finsam deltagare import FILE [--dry-run]`: a team's earlier participants from a
spreadsheet (see docs/deltagare-import.md)."""

from __future__ import annotations

import argparse
import sys

from finsam_desktop.cli.common import open_database
from finsam_desktop.cli.parser import subcommands
from finsam_desktop.i18n import _


def commands() -> dict:
    return {
        "deltagare": (_("participants: import earlier ones from a spreadsheet"), configure),
    }


def configure(parser: argparse.ArgumentParser) -> None:
    sub = subcommands(parser, "participants_command")
    p = sub.add_parser(
        "import",
        help=_(
            "import earlier referrals and participations, or a local model's "
            "aktualiseringar, from an XLSX or CSV file"
        ),
    )
    p.add_argument("file", metavar=_("FILE"), help=_("an .xlsx or .csv file"))
    p.add_argument("--dry-run", action="store_true", help=_("only show what would be imported"))
    p.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from finsam_desktop.services.participant_import import (
        ImportFileError,
        import_rows,
        preview_import,
        result_text,
    )

    db = open_database(args)
    try:
        try:
            with db.reading() as session:
                preview = preview_import(session, args.file)
        except ImportFileError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print_preview(preview)
        if args.dry_run:
            print(_("Dry run: nothing was imported."))
            return 0
        if not preview.rows:
            print(_("Nothing new to import."))
            return 0
        with db.session() as session:
            result = import_rows(session, preview)
        print(result_text(result))
    finally:
        db.close()
    return 0


def print_preview(preview) -> None:
    from finsam_desktop.services.participant_import import krans_summary

    print(_("File: {name}").format(name=preview.file_name))
    print(_("Rows read: {n}").format(n=preview.rows_read))
    print(_("Rows to import: {n}").format(n=len(preview.rows)))
    for line in krans_summary(preview):  # aktualiseringar of local models, per model
        print("  " + line)
    print(_("Persons to register: {n}").format(n=preview.new_persons))
    print(_("Already in the program: {n}").format(n=preview.already_imported))
    print(_("Rejected rows: {n}").format(n=preview.rejected_rows))
    if preview.ignored_columns:
        print(_("Columns not used: {names}").format(names=", ".join(preview.ignored_columns)))
    for r in preview.rejected:
        print(
            "  "
            + _("Row {row}, {column}: {reason}").format(
                row=r.row, column=r.column or "–", reason=r.reason
            )
        )
