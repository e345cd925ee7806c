"""Crash reports and log records that never carry personal data.

An exception's message and a frame's local variables may hold anything the program
was handling: a name, a personnummer, a note about someone's health. So a crash
report holds only what a developer needs to find the bug: the exception's *type*
and the stack (file, line, function, the line of code), never the message and
never locals. Log records pass a filter that does the same to attached
tracebacks and blanks anything shaped like a personnummer, e-mail address or phone
number in the message itself (the rule remains: never log names or case text).
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import traceback
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from finsam_desktop import __version__

# Personnummer / samordningsnummer (10 or 12 digits, optional - or +), e-mail, phone.
_PATTERNS = [
    (re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)"), "[personnummer]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-post]"),
    (re.compile(r"(?<!\d)(?:\+46|0)[\d\s-]{6,14}\d(?!\d)"), "[telefon]"),
]


def scrub(text: str) -> str:
    """``text`` with anything shaped like a personnummer, e-mail or phone number blanked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _qualified(kind: type) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def safe_traceback(
    kind: type[BaseException], value: BaseException | None, tb: TracebackType | None
) -> str:
    """The stack and exception types of a failure, without messages or locals."""
    chain: list[tuple[type[BaseException], TracebackType | None]] = [(kind, tb)]
    seen = {id(value)}
    current = value
    while current is not None:
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        chain.append((type(current), current.__traceback__))
    blocks = []
    for exc_type, exc_tb in reversed(chain):
        lines = ["Traceback (most recent call last):"]
        for frame in traceback.extract_tb(exc_tb):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {scrub(frame.line.strip())}")
        lines.append(f"{_qualified(exc_type)} (message withheld: it may hold personal data)")
        blocks.append("\n".join(lines))
    return "\n\nDuring or because of the above, another exception occurred:\n\n".join(blocks)


def write_report(
    folder: Path,
    kind: type[BaseException],
    value: BaseException | None,
    tb: TracebackType | None,
    now: datetime | None = None,
) -> Path:
    """Write a crash report into ``folder``; returns its path."""
    now = now or datetime.now()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{now:%Y%m%d-%H%M%S-%f}.txt"
    body = "\n".join(
        [
            f"Finsam Desktop {__version__}",
            f"Time: {now:%Y-%m-%d %H:%M:%S}",
            f"Python {platform.python_version()} on {platform.platform()}",
            "",
            safe_traceback(kind, value, tb),
            "",
        ]
    )
    path.write_text(body, encoding="utf-8")
    return path


class PrivacyFilter(logging.Filter):
    """Attached to every handler: what reaches a log file is scrubbed first."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        if record.exc_info and record.exc_info[0] is not None:
            message += "\n" + safe_traceback(*record.exc_info)
        record.msg, record.args = scrub(message), ()
        record.exc_info, record.exc_text = None, None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install_log_privacy(log_file: Path | None = None) -> logging.Handler | None:
    """Scrub every log record as it is made (so handlers added later by anyone are covered
    too), put the filter on every root handler, and add a rotating log file if asked."""
    previous = logging.getLogRecordFactory()
    if not getattr(previous, "finsam_private", False):
        scrubber = PrivacyFilter()

        def private_record(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            scrubber.filter(record)
            return record

        private_record.finsam_private = True  # type: ignore[attr-defined]
        private_record.previous = previous  # type: ignore[attr-defined]
        logging.setLogRecordFactory(private_record)
    root = logging.getLogger()
    added = None
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        added = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        added.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(added)
    for handler in root.handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(PrivacyFilter())
    return added


def uninstall_log_privacy() -> None:
    """Undo the record factory (tests)."""
    factory = logging.getLogRecordFactory()
    previous = getattr(factory, "previous", None)
    if previous is not None:
        logging.setLogRecordFactory(previous)


def print_safe_traceback(kind, value, tb) -> None:
    """What the terminal shows instead of Python's default traceback."""
    sys.stderr.write(safe_traceback(kind, value, tb) + "\n")
