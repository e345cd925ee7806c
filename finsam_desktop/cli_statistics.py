"""`finsam statistik`: the statistics report from the command line, the same as the page.

finsam statistik --period 2026 | 2026H1 | 2026Q3 | 2026-03 | 2016-W26:2016-W43 | FROM:TO
                 [--insats NAME] [--kommun NAME] [--hide-small]
                 --format text|json|csv|xlsx|pdf [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finsam_desktop.i18n import _

FORMATS = ("text", "json", "csv", "xlsx", "pdf")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "what",
        nargs="?",
        choices=("krans",),
        help=_("krans: the krans municipalities' week table instead of the statistics"),
    )
    p.add_argument(
        "--period",
        required=True,
        metavar=_("PERIOD"),
        help=_("2026, 2026H1, 2026Q3, 2026-03, 2016-W26:2016-W43 or 2026-01-01:2026-06-30"),
    )
    p.add_argument("--insats", metavar=_("NAME"), help=_("one insats (default: all of them)"))
    p.add_argument("--kommun", metavar=_("NAME"), help=_("one municipality (default: all of them)"))
    p.add_argument("--hide-small", action="store_true", help=_("show counts from 1 to 4 as <5"))
    p.add_argument("--format", choices=FORMATS, help=_("output format (default: from --out)"))
    p.add_argument("--out", metavar=_("FILE"), help=_("the file to write"))


def run(args: argparse.Namespace) -> int:
    from finsam_desktop.cli import _open
    from finsam_desktop.domain.errors import ValidationError
    from finsam_desktop.domain.periods import parse_period
    from finsam_desktop.reports import export
    from finsam_desktop.services import organisation
    from finsam_desktop.services.lots_summary import municipality_named
    from finsam_desktop.services.statistics import insats_named, record_export, statistics

    if getattr(args, "what", None) == "krans":
        from finsam_desktop import cli_krans

        return cli_krans.run(args)
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "text")
    if fmt not in FORMATS:
        print(_("Choose --format: {formats}.").format(formats=", ".join(FORMATS)), file=sys.stderr)
        return 2
    if fmt in ("xlsx", "pdf") and not args.out:
        print(_("--out FILE is needed for {format}.").format(format=fmt), file=sys.stderr)
        return 2
    try:
        period = parse_period(args.period)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    db = _open(args)
    try:
        with db.reading() as session:
            try:
                insats_id = insats_named(session, args.insats) if args.insats else None
                municipality_id = municipality_named(session, args.kommun) if args.kommun else None
            except ValidationError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            federation = organisation.get_federation(session)
            report = statistics(
                session,
                period,
                insats_id,
                municipality_id,
                organisation=federation.name,
                hide_small=args.hide_small,
            )
        if args.out:
            try:
                export.write(report, args.out, fmt if fmt != "text" else "csv", federation)
            except OSError:
                print(
                    _("The file could not be written: {path}").format(path=args.out),
                    file=sys.stderr,
                )
                return 1
            with db.session() as session:
                record_export(session, fmt)
            print(_("Written: {path}").format(path=args.out))
        elif fmt == "json":
            sys.stdout.write(export.json_text(report))
        elif fmt == "csv":
            sys.stdout.write(export.csv_text(report))
        else:
            print(export.plain_text(report))
    finally:
        db.close()
    return 0
