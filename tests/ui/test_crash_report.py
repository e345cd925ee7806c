"""No names, personnummer or case text in log files, crash reports or tracebacks."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from finsam_desktop.crash_report import PrivacyFilter, scrub, uninstall_log_privacy
from finsam_desktop.ui import crash

PNR = "19900101-9983"
SECRET = f"Åsa Testberg {PNR} mår dåligt, asa@example.org"


def fail_with_personal_data(personnummer: str) -> None:
    note = SECRET  # a local a careless report would print
    raise ValueError(f"cannot save {note} ({personnummer})")


@pytest.fixture
def handler(tmp_path, qapp):
    root = logging.getLogger()
    before_handlers, before_level = list(root.handlers), root.level
    before_hook, before_thread_hook = sys.excepthook, threading.excepthook
    root.setLevel(logging.INFO)
    installed = crash.install(tmp_path)
    yield installed
    sys.excepthook, threading.excepthook = before_hook, before_thread_hook
    uninstall_log_privacy()
    for h in root.handlers:
        if h not in before_handlers:
            h.close()
            root.removeHandler(h)
    for h in before_handlers:
        for f in [f for f in h.filters if isinstance(f, PrivacyFilter)]:
            h.removeFilter(f)
    root.setLevel(before_level)


def test_an_uncaught_exception_leaves_a_report_and_log_without_personal_data(
    handler, tmp_path, qtbot
):
    try:
        fail_with_personal_data(PNR)
    except ValueError:
        sys.excepthook(*sys.exc_info())
    for h in logging.getLogger().handlers:
        h.flush()

    report = handler.last_report.read_text(encoding="utf-8")
    log_text = (tmp_path / "logs" / "finsam.log").read_text(encoding="utf-8")
    for text in (report, log_text):
        assert PNR not in text and "199001019983" not in text
        assert "Testberg" not in text and "mår dåligt" not in text
        assert "asa@example.org" not in text
        # ... but the stack that leads to the bug is there.
        assert "fail_with_personal_data" in text and "ValueError" in text
    assert "test_crash_report.py" in report

    assert isinstance(handler.dialog, QMessageBox)
    assert "gick fel" in handler.dialog.text() or "went wrong" in handler.dialog.text()
    handler.dialog.close()


def test_log_messages_are_scrubbed_of_numbers_and_addresses(handler, tmp_path):
    log = logging.getLogger("finsam_desktop.test")
    log.warning("lookup failed for %s", "199001019983")
    log.warning("mail to %s, phone 070-123 45 67", "asa@example.org")
    try:
        fail_with_personal_data(PNR)
    except ValueError:
        log.exception("save failed")
    for h in logging.getLogger().handlers:
        h.flush()
    text = (tmp_path / "logs" / "finsam.log").read_text(encoding="utf-8")
    assert "199001019983" not in text and PNR not in text
    assert "asa@example.org" not in text and "070-123 45 67" not in text
    assert "Testberg" not in text
    assert "[personnummer]" in text and "save failed" in text


def test_scrub_leaves_ordinary_numbers_and_dates():
    assert scrub("12 persons on 2026-11-22, id 4711") == "12 persons on 2026-11-22, id 4711"
    assert scrub("pnr 900101-1234 and 19900101-1234") == "pnr [personnummer] and [personnummer]"


def test_records_are_scrubbed_for_handlers_added_later_and_thread_crashes_reported(
    handler, tmp_path
):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(self.format(record))

    late = Keep()
    logging.getLogger().addHandler(late)
    try:
        logging.getLogger("x").warning("number %s", PNR)
    finally:
        logging.getLogger().removeHandler(late)
    assert seen and PNR not in seen[0]

    worker = threading.Thread(target=fail_with_personal_data, args=(PNR,))
    worker.start()
    worker.join()
    reports = list((tmp_path / "crash-reports").glob("crash-*.txt"))
    assert reports and all(PNR not in r.read_text(encoding="utf-8") for r in reports)
