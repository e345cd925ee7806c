"""`finsam statistik`: the statistics report from the command line, the same as the page,
and `finsam statistik krans`: the local models' week table, the same report as the
Lokal samverkan page exports.

finsam statistik --period 2026 | 2026H1 | 2026Q3 | 2026-03 | 2016-W26:2016-W43 | FROM:TO
                 [--insats NAME] [--kommun NAME] [--hide-small]
                 --format text|json|csv|xlsx|pdf [--out FILE]
finsam statistik krans --period 2016-W26:2016-W43 [--modell NAME] [--kommun NAME]
                 --format text|json|csv|xlsx|pdf [--out FILE]
"""

from __future__ import annotations

import argparse
import sys

from finsam_desktop.cli.common import (
    add_output_arguments,
    open_database,
    output_format,
    print_report,
    write_report,
)
from finsam_desktop.i18n import _


def commands() -> dict:
    return {
        "statistik": (_("the statistics report for a period (styrgrupp, förbund)"), configure),
    }


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
    # --modell names the local model of `statistik krans`; the same option.
    p.add_argument(
        "--insats", "--modell", metavar=_("NAME"), help=_("one insats (default: all of them)")
    )
    p.add_argument("--kommun", metavar=_("NAME"), help=_("one municipality (default: all of them)"))
    p.add_argument("--hide-small", action="store_true", help=_("show counts from 1 to 4 as <5"))
    add_output_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from finsam_desktop.domain.errors import ValidationError
    from finsam_desktop.domain.periods import parse_period

    fmt = output_format(args)
    if fmt is None:
        return 2
    try:
        period = parse_period(args.period)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    krans = args.what == "krans"
    from finsam_desktop.services import organisation
    from finsam_desktop.services.lots_summary import municipality_named

    db = open_database(args)
    try:
        with db.reading() as session:
            try:
                insats_id = _insats(session, args.insats, krans) if args.insats else None
                municipality_id = municipality_named(session, args.kommun) if args.kommun else None
            except ValidationError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            federation = organisation.get_federation(session)
            if krans:
                from finsam_desktop.services.krans_report import krans_report

                report = krans_report(
                    session, period.start, period.end, insats_id, municipality_id, federation.name
                )
            else:
                from finsam_desktop.services.statistics import statistics

                report = statistics(
                    session,
                    period,
                    insats_id,
                    municipality_id,
                    organisation=federation.name,
                    hide_small=args.hide_small,
                )
        if not args.out:
            print_report(report, fmt)
            return 0
        if not write_report(report, args, fmt, federation):
            return 1
        if not krans:
            from finsam_desktop.services.statistics import record_export

            with db.session() as session:
                record_export(session, fmt)
    finally:
        db.close()
    print(_("Written: {path}").format(path=args.out))
    return 0


def _insats(session, name: str, krans: bool) -> int:
    """The insats named (a local model for krans); ValidationError when there is none."""
    from finsam_desktop.domain.errors import ValidationError

    if not krans:
        from finsam_desktop.services.statistics import insats_named

        return insats_named(session, name)
    from finsam_desktop.services.krans import local_insatser

    found = [i for i, n in local_insatser(session) if n == name]
    if not found:
        raise ValidationError.single(
            "insats", _("No local model is called {name}.").format(name=name)
        )
    return found[0]
