"""`finsam lots ...`: the lots summary and the spreadsheet import from the command line.

finsam lots summary --year 2016 --kommun Håbo --format json|csv|xlsx|pdf --out FILE
finsam lots summary --from 2015-12-01 --to 2016-12-31
finsam lots summary --period 2016H2
finsam lots import FILE [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from finsam_desktop.cli.common import (
    add_output_arguments,
    open_database,
    open_fast_reader,
    output_format,
    print_report,
    write_report,
)
from finsam_desktop.cli.parser import bounded_int, subcommands
from finsam_desktop.i18n import _


def commands() -> dict:
    return {"lots": (_("lotsärenden: summary and import"), configure)}


def configure(parser: argparse.ArgumentParser) -> None:
    sub = subcommands(parser, "lots_command")
    p = sub.add_parser("summary", help=_("the lots summary for a year or a period"))
    p.add_argument(
        "--period",
        metavar=_("PERIOD"),
        help=_("2026, 2026H1, 2026Q3, 2026-03, 2016-W26:2016-W43 or 2026-01-01:2026-06-30"),
    )
    p.add_argument(
        "--year",
        type=bounded_int(1900, 2200, _("The year")),
        metavar=_("YEAR"),
        help=_("a calendar year"),
    )
    p.add_argument("--from", dest="start", metavar=_("DATE"), help=_("first day (2016-01-01)"))
    p.add_argument("--to", dest="end", metavar=_("DATE"), help=_("last day (2016-12-31)"))
    p.add_argument("--kommun", metavar=_("NAME"), help=_("one municipality (default: all of them)"))
    add_output_arguments(p)
    p.set_defaults(run=run_summary)
    p = sub.add_parser("import", help=_("import lotsärenden from an XLSX or CSV file"))
    p.add_argument("file", metavar=_("FILE"), help=_("an .xlsx or .csv file"))
    p.add_argument("--dry-run", action="store_true", help=_("only show what would be imported"))
    p.set_defaults(run=run_import)


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _period(args) -> tuple[date, date]:
    if args.period:
        from finsam_desktop.domain.errors import ValidationError
        from finsam_desktop.domain.periods import parse_period

        try:
            period = parse_period(args.period)
        except ValidationError as exc:
            raise SystemExit(str(exc)) from None
        return period.start, period.end
    if args.year is not None:
        return _year(args.year)
    from finsam_desktop.domain.dates import parse_date_text as parse_date

    try:
        start = parse_date(args.start) if args.start else None
        end = parse_date(args.end) if args.end else None
    except ValueError as exc:
        raise SystemExit(_("Not a date: {value}").format(value=exc)) from None
    if start is None and end is None:
        return _year(date.today().year)
    start = start or date((end or date.today()).year, 1, 1)
    end = end or date(start.year, 12, 31)
    return start, end


def run_summary(args: argparse.Namespace) -> int:
    fmt = output_format(args)
    if fmt is None:
        return 2
    start, end = _period(args)
    text = fmt == "text" and not args.out
    if text:
        # A plain file opened as the program: the same statements without SQLAlchemy
        # (db/fast_query.py), so the whole command takes a fraction of the time.
        from finsam_desktop.services.lots_summary_sql import HEADS

        reader = open_fast_reader(args, HEADS)
        if reader is not None:
            try:
                return _summary_text(reader, args, start, end)
            finally:
                reader.close()
    from finsam_desktop.reports import lots_tables
    from finsam_desktop.services import organisation
    from finsam_desktop.services.lots_summary import record_export

    db = open_database(args)  # once: an encrypted database asks its password once
    try:
        with db.reading() as session:
            if text:
                return _summary_text(session, args, start, end)
            summary = _summary_of(session, args, start, end)
            if summary is None:
                return 1
            federation = organisation.get_federation(session)
        report = lots_tables.summary_report(summary, federation.name)
        if not args.out:
            print_report(report, fmt)
            return 0
        if not write_report(report, args, fmt, federation):
            return 1
        with db.session() as session:
            record_export(session, fmt)
    finally:
        db.close()
    print(_("Written: {path}").format(path=args.out))
    return 0


def _summary_text(session, args: argparse.Namespace, start: date, end: date) -> int:
    """The summary as plain text on standard output, read through ``session`` (a
    Session or a FastReader: the same service functions, the same role check)."""
    from finsam_desktop.reports import lots_tables
    from finsam_desktop.services.lots_summary import federation_name

    summary = _summary_of(session, args, start, end)
    if summary is None:
        return 1
    _print_text(summary, lots_tables.heading(summary, federation_name(session)))
    return 0


def _summary_of(session, args: argparse.Namespace, start: date, end: date):
    """The summary for the period and ``--kommun``; None (the reason on stderr) when the
    municipality is unknown or the period refused."""
    from finsam_desktop.domain.errors import ValidationError
    from finsam_desktop.services.lots_summary import lots_summary, municipality_named

    try:
        municipality_id = municipality_named(session, args.kommun) if args.kommun else None
        return lots_summary(session, start, end, municipality_id)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return None


def _print_text(summary, heading: list[str]) -> None:
    from finsam_desktop.domain.lots_summary import whole_percent
    from finsam_desktop.reports import lots_tables

    for line in heading:
        print(line)
    print()
    for sentence in lots_tables.summary_sentences(summary):
        print(sentence)
    for b in summary.breakdowns:
        print()
        print(f"{b.title} — {lots_tables.share_note(b)}")
        width = max([len(r.label) for r in b.rows] + [10])
        for r in b.rows:
            p = whole_percent(r.count, b.total)
            print(f"  {r.label:<{width}} {r.count:>8} {'' if p is None else f'{p} %':>6}")


class _StderrProgress:
    """Progress of a long import on standard error: a line that updates itself on a
    terminal, a line every ten per cent otherwise. Ctrl+C asks to stop (Avbryt)."""

    def __init__(self, what: str):
        self.what = what
        self.stopped = False
        self.last_time = 0.0
        self.last_step = -1
        self.tty = sys.stderr.isatty()

    def __call__(self, rows: int, fraction: float | None) -> bool:
        import time

        now = time.monotonic()
        step = int((fraction or 0) * 10)
        if (self.tty and now - self.last_time >= 0.2) or (not self.tty and step > self.last_step):
            self.last_time, self.last_step = now, step
            percent = "" if fraction is None else f" {int(fraction * 100)} %"
            line = _("{what}: {n} rows{percent}").format(what=self.what, n=rows, percent=percent)
            print(("\r" + line) if self.tty else line, end="" if self.tty else "\n",
                  file=sys.stderr, flush=True)  # fmt: skip
        return not self.stopped

    def done(self) -> None:
        if self.tty and self.last_time:
            print(file=sys.stderr)

    def interrupt(self, _signum, _frame) -> None:
        self.stopped = True


def run_import(args: argparse.Namespace) -> int:
    import signal

    from finsam_desktop.services.lots_import import (
        ImportCancelled,
        ImportFileError,
        import_in_batches,
        preview_import,
    )

    db = open_database(args)
    reading = _StderrProgress(_("Reading"))
    previous = _on_interrupt(signal, reading.interrupt)
    try:
        try:
            with db.reading() as session:
                preview = preview_import(session, args.file, None, reading)
        except ImportFileError as exc:
            reading.done()
            print(str(exc), file=sys.stderr)
            return 1
        except ImportCancelled:
            reading.done()
            print(_("Cancelled while reading the file: nothing was imported."), file=sys.stderr)
            return 1
        reading.done()
        _print_preview(preview)
        if args.dry_run:
            print(_("Dry run: nothing was imported."))
            return 0
        if not preview.to_import:
            print(_("Nothing new to import."))
            return 0
        writing = _StderrProgress(_("Importing"))
        _on_interrupt(signal, writing.interrupt)
        try:
            result = import_in_batches(db, preview, writing)
        except ImportFileError as exc:
            writing.done()
            print(str(exc), file=sys.stderr)
            return 1
        writing.done()
        if result.cancelled:
            print(
                _(
                    "Cancelled: {n} lotsärenden were imported (whole batches of {batch}); "
                    "import the same file again to add the rest."
                ).format(n=result.imported, batch=_batch_rows())
            )
            return 1
        print(result.summary())
    finally:
        if previous is not None:
            _on_interrupt(signal, previous)
        db.close()
    return 0


def _on_interrupt(signal, handler):
    """Ctrl+C asks the import to stop after the last whole batch (main thread only)."""
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: Ctrl+C keeps its usual meaning
        return None


def _batch_rows() -> int:
    from finsam_desktop.services.lots_import import BATCH_ROWS

    return BATCH_ROWS


def _print_preview(preview) -> None:
    print(_("File: {name}").format(name=preview.file_name))
    for note in preview.notes:
        print(note)
    print(_("Rows read: {n}").format(n=preview.rows_read))
    print(_("New lotsärenden to import: {n}").format(n=preview.to_import))
    print(_("Already imported earlier: {n}").format(n=preview.already_imported))
    print(_("Rejected rows: {n}").format(n=preview.rejected_rows))
    for kind, names in preview.new_categories.items():
        print(_("New values for {list}: {names}").format(list=kind.label, names=", ".join(names)))
    if preview.ignored_columns:
        print(_("Columns not used: {names}").format(names=", ".join(preview.ignored_columns)))
    if preview.personal_columns:
        print(
            _("Columns never imported (they would identify the individual): {names}").format(
                names=", ".join(preview.personal_columns)
            )
        )
    for r in preview.rejected:
        print(
            "  "
            + _("Row {row}, {column}: {reason}").format(
                row=r.row, column=r.column or "–", reason=r.reason
            )
        )
    if preview.rejected_rows > len({r.row for r in preview.rejected}):
        print(
            "  " + _("(only the first {n} rejections are listed)").format(n=len(preview.rejected))
        )
