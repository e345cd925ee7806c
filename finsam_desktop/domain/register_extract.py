"""What a registerutdrag holds (GDPR art. 15): gathered by ``services/register_extract.py``,
printed by ``reports/register_extract_pdf.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExtractRecord:
    fields: list[tuple[str, str]]  # (heading, value), only fields that hold something


@dataclass(frozen=True)
class ExtractSection:
    title: str
    records: list[ExtractRecord]


@dataclass(frozen=True)
class RegisterExtract:
    name: str
    personnummer: str
    produced_at: datetime
    organisation: str
    sections: list[ExtractSection]
    access_log: list[tuple[str, str, str]]  # (when, who, what)
