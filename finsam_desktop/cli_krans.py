"""`finsam statistik krans`: the local models' week table from the command line, the
same report as the Lokal samverkan page exports.

finsam statistik krans --period 2016-W26:2016-W43 [--modell NAME] [--kommun NAME]
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
        "--period",
        required=True,
        metavar=_("PERIOD"),
        help=_("2016-W26:2016-W43, 2026, 2026Q3, 2026-03 or 2026-01-01:2026-06-30"),
    )
    p.add_argument("--modell", metavar=_("NAME"), help=_("one local model (default: all)"))
    p.add_argument("--kommun", metavar=_("NAME"), help=_("one municipality (default: all of them)"))
    p.add_argument("--format", choices=FORMATS, help=_("output format (default: from --out)"))
    p.add_argument("--out", metavar=_("FILE"), help=_("the file to write"))


def run(args: argparse.Namespace) -> int:
    from finsam_desktop.cli import _open
    from finsam_desktop.domain.errors import ValidationError
    from finsam_desktop.domain.periods import parse_period
    from finsam_desktop.reports import export
    from finsam_desktop.services import krans, organisation
    from finsam_desktop.services.krans_report import krans_report
    from finsam_desktop.services.lots_summary import municipality_named

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
            insats_id = None
            # --modell here; --insats when reached through `finsam statistik`'s own options.
            name = getattr(args, "modell", None) or getattr(args, "insats", None)
            if name:
                found = [i for i, n in krans.local_insatser(session) if n == name]
                if not found:
                    print(_("No local model is called {name}.").format(name=name), file=sys.stderr)
                    return 1
                insats_id = found[0]
            try:
                municipality_id = municipality_named(session, args.kommun) if args.kommun else None
            except ValidationError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            federation = organisation.get_federation(session)
            report = krans_report(
                session, period.start, period.end, insats_id, municipality_id, federation.name
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
