"""Importing lotsärenden that teams keep in Excel today (XLSX or CSV).

Two steps, so nothing is written before the user has seen what will happen:

1. ``preview_import(session, path)`` reads the file, understands Swedish headers and
   the usual ways of writing values, and returns how many rows can be imported (and
   the first of them), the rejected rows (row number, column, reason), the rows
   already imported earlier and the category values that will be added;
2. ``import_in_batches(db, preview)`` reads the file again and writes it, committing
   every ``BATCH_ROWS`` rows, with progress and cancel (``import_cases(session,
   preview)`` does the same in one transaction).

Files are streamed, so memory stays bounded for any size: the encoding is found from
the BOM (UTF-8, UTF-16 as Excel's "Unicode-text"), else UTF-8 or Windows-1252; the
delimiter from the header row (tab, semicolon or comma). Control characters are
refused with the row number, and what would not fit in memory is refused up front.

Each imported row stores a fingerprint of its content, so importing the same file
again adds nothing. Accepted headers and values are documented in docs/lots-import.md.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.lots_models import LotsCaseOutcomeRow, LotsCaseRow, LotsCategoryRow
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.dates import parse_date_text
from finsam_desktop.domain.lots import (
    LotsCase,
    LotsCategory,
    looks_like_personnummer,
    normalise_officer,
    validate_case,
)
from finsam_desktop.domain.lots_summary import Answer, CategoryKind
from finsam_desktop.domain.persons import Gender
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _, format_number, ngettext
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.lots import ensure_default_categories, save_category


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Swedish."""


_NOT_KEY = re.compile(r"[^0-9a-z{|}]")


def _norm(text: Any) -> str:
    """Header or value key: lower case, å ä ö kept apart, spaces and punctuation dropped."""
    if isinstance(text, str) and len(text) <= 100:
        return _short_norm(text)
    return _NOT_KEY.sub("", swedish_key(str(text or "")))


@lru_cache(maxsize=1 << 14)  # the same few values on every row of a file
def _short_norm(text: str) -> str:
    return _NOT_KEY.sub("", swedish_key(text))


# field -> accepted headers (compared after _norm, so case, spaces, dots and dashes
# do not matter). The first is the one written in docs and exports.
HEADERS: dict[str, tuple[str, ...]] = {
    "received": (
        "Inkom",
        "Datum",
        "Inkommen",
        "Inkommet",
        "Datum inkommen",
        "Inkom datum",
        "Mottaget",
        "Ankomstdatum",
        "Startdatum",
        "Aktualiserad",
    ),
    "municipality": ("Kommun", "Hemkommun", "Bostadskommun"),
    "party": (
        "Part",
        "Kontaktande part",
        "Myndighet",
        "Huvudman",
        "Aktör",
        "Organisation",
        "Remittent",
        "Från",
    ),
    "officer": (
        "Handläggare",
        "Handläggare/vårdgivare",
        "Vårdgivare",
        "Handläggarkod",
        "Kontaktperson",
        "Handläggare/vårdgivare kod",
    ),
    "gender": ("Kön",),
    "birth_year": ("Födelseår", "Född", "Födelseårtal", "Födelsår", "År född"),
    "foreign_background": ("Utländsk bakgrund", "Utländsk härkomst", "Utrikes född", "Utländsk"),
    "sick_leave_fs": (
        "Sjukskriven med försörjningsstöd",
        "Sjukskriven och försörjningsstöd",
        "Sjukskriven m försörjningsstöd",
        "Sjukskriven fs",
        "Sjukskriven med fs",
        "Sjukskriven",
    ),
    "individual_case": ("Individärende", "Individ", "Individärenden"),
    "question": ("Fråga", "Frågeställning", "Frågekategori", "Frågeområde"),
    "coordination_need": (
        "Samordningsbehov",
        "Behov av samordning",
        "Samordningsbehov finns",
        "Behov av samordning förelåg",
    ),
    "action": ("Åtgärd", "Vad gjordes", "Åtgärder", "Insats gjord"),
    "outcome": ("Utfall", "Resultat", "Vägar ut"),
    "closed": ("Avslutad", "Avslutat", "Avslutsdatum", "Avslut", "Slutdatum"),
    "reference": ("Referens", "Ärendereferens", "Egen referens", "Kod", "Löpnummer"),
    "survey_sent": ("Enkät skickad", "Enkät", "Enkät skickat", "Frågeformulär skickat"),
    "survey_score": ("Betyg", "Enkätsvar", "Nöjdhet", "Enkätbetyg", "Svar"),
}
# Columns that would identify the individual: never read, and the preview says so.
PERSONAL_HEADERS = (
    "Namn",
    "Förnamn",
    "Efternamn",
    "Personnummer",
    "Pnr",
    "Personnr",
    "Samordningsnummer",
    "Adress",
    "Telefon",
)
REQUIRED = ("received", "municipality")
_HEADER_FIELD = {_norm(h): f for f, names in HEADERS.items() for h in names}
_PERSONAL = {_norm(h) for h in PERSONAL_HEADERS}

GENDER_VALUES = {
    Gender.WOMAN: ("kvinna", "k", "kv", "kvinnor", "f", "female", "woman", "w"),
    Gender.MAN: ("man", "m", "män", "male"),
    Gender.OTHER: ("annat", "a", "annan", "other", "ickebinär"),
    Gender.UNKNOWN: ("okänt", "okänd", "o", "?", "-", "vetej", "uppgiftsaknas", "unknown", ""),
}
ANSWER_VALUES = {
    Answer.YES: ("ja", "j", "x", "1", "yes", "y", "sant", "true"),
    Answer.NO: ("nej", "n", "0", "no", "falskt", "false"),
    Answer.UNKNOWN: ("okänt", "okänd", "o", "?", "-", "vetej", "uppgiftsaknas", "unknown", ""),
}
_GENDER = {_norm(v): g for g, vs in GENDER_VALUES.items() for v in vs}
_ANSWER = {_norm(v): a for a, vs in ANSWER_VALUES.items() for v in vs}

# Party names people write, to the foundation's short names (AF, FK, SOC, REG).
PARTY_ALIASES = {
    "af": "AF", "arbetsförmedlingen": "AF", "arbetsformedlingen": "AF",
    "fk": "FK", "försäkringskassan": "FK", "forsakringskassan": "FK",
    "soc": "SOC", "socialtjänsten": "SOC", "socialtjänst": "SOC", "kommunen": "SOC",
    "kommun": "SOC", "socialförvaltningen": "SOC",
    "reg": "REG", "region": "REG", "regionen": "REG", "psykiatrin": "REG",
    "psykiatri": "REG", "vården": "REG", "landstinget": "REG", "vårdcentral": "REG",
    "hälsocentral": "REG", "regionuppsala": "REG",
}  # fmt: skip
_PARTY_ALIAS = {_norm(k): v for k, v in PARTY_ALIASES.items()}

EXCEL_EPOCH = date(1899, 12, 30)


@pure
def parse_date(value: Any) -> date | None:
    """A date in any of the accepted forms; None for an empty cell; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= 40:
        parsed = _parse_date_text(value)  # a file has the same few hundred dates
        if isinstance(parsed, ValueError):
            raise ValueError(value)
        return parsed
    return _parse_date(value)


@lru_cache(maxsize=1 << 13)
def _parse_date_text(text: str) -> date | None | ValueError:
    try:
        return _parse_date(text)
    except ValueError as exc:
        return exc


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = int(value)
        except (OverflowError, ValueError):  # inf and nan from a spreadsheet cell
            raise ValueError(value) from None
        if 19000101 <= number <= 29991231:
            value = str(number)
        elif 1 <= number <= 100_000:  # an Excel serial day number in an unformatted cell
            return EXCEL_EPOCH + timedelta(days=number)
        else:
            raise ValueError(value)
    return parse_date_text(str(value))


@pure
def parse_birth_year(value: Any, today: date) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{2}", text):  # '85' -> 1985, '03' -> 2003
        year = 2000 + int(text)
        return year if year <= today.year else year - 100
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
        return int(text[:4])
    raise ValueError(text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class Rejection:
    row: int  # as the spreadsheet numbers it (header row included)
    column: str  # the header as written in the file ('' for the row as a whole)
    reason: str


@dataclass
class ImportRow:
    row: int
    case: LotsCase  # category ids filled in by import_cases for new categories
    categories: dict[CategoryKind, str]  # the category names as written
    fingerprint: str
    outcomes: list[str] = field(default_factory=list)  # several, as written

    def names(self) -> list[tuple[CategoryKind, str]]:
        """Every category name the row uses, the outcomes included."""
        return [*self.categories.items(), *((CategoryKind.OUTCOME, o) for o in self.outcomes)]


# Several outcomes in one cell: "Arbete; RITA" (a line break or | also separates).
OUTCOME_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


@pure
def split_outcomes(text: str) -> list[str]:
    """The outcome names in a cell, each once, in the order written."""
    names: dict[str, str] = {}
    for part in OUTCOME_SEPARATORS.split(text or ""):
        name = " ".join(part.split())
        if name:
            names.setdefault(_norm(name), name)
    return list(names.values())


@dataclass
class ImportPreview:
    file_name: str
    rows_read: int = 0
    rows: list[ImportRow] = field(default_factory=list)  # the first PREVIEW_ROWS new rows
    to_import: int = 0  # all new rows that will be imported
    already_imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)  # the first ones, listed
    rejected_rows: int = 0  # all of them
    new_categories: dict[CategoryKind, list[str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    ignored_columns: list[str] = field(default_factory=list)
    personal_columns: list[str] = field(default_factory=list)  # never read
    notes: list[str] = field(default_factory=list)  # e.g. how the file was decoded
    path: Path | None = None  # the file, read again by the import
    today: date = field(default_factory=clock.today)
    identity: tuple[int, str] | None = None  # size and SHA-256 when previewed


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_imported: int
    categories_added: int
    cancelled: bool = False  # stopped by Avbryt after ``imported`` rows

    def summary(self) -> str:
        """ "Importerade 1 lotsärende (0 var redan importerade, 1 kategori tillagd)."."""
        return _("Imported {cases} ({known}, {added}).").format(
            cases=ngettext("{n} lotsärende", "{n} lotsärenden", self.imported).format(
                n=format_number(self.imported)
            ),
            known=ngettext(
                "{n} was already imported", "{n} were already imported", self.already_imported
            ).format(n=format_number(self.already_imported)),
            added=ngettext(
                "{n} category added", "{n} categories added", self.categories_added
            ).format(n=format_number(self.categories_added)),
        )


# --- reading the file -------------------------------------------------------------
#
# Files are read as streams, row by row, so memory stays the same whatever the size:
# a CSV line by line, an XLSX with openpyxl's read-only mode. What would not fit in
# memory (a huge string table in an XLSX, a cell of megabytes, thousands of columns)
# is refused with a message before it is loaded.

MAX_COLUMNS = 1_000  # a lotsärende file has one column per field, about 20
MAX_CELL_CHARS = 32_767  # what one Excel cell can hold
MAX_XLSX_PART = 48 * 1024 * 1024  # any part of an XLSX but its sheets, unpacked
MAX_NEW_CATEGORIES = 500  # more new category values than this: the wrong column
PREVIEW_ROWS = 500  # rows the preview keeps to show; the import takes them all
MAX_LISTED_REJECTIONS = 1_000  # rejections the preview lists; all are counted
BATCH_ROWS = 2_000  # rows written and committed together by import_in_batches
PROGRESS_EVERY = 100  # rows between two calls of the progress callback

# C0 controls but tab, CR and LF; DEL; lone surrogates (UTF-16 halves without a pair).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

Progress = Callable[[int, "float | None"], bool]
"""``progress(rows_read, fraction_done_or_None)``; returning False asks to stop."""


class ImportCancelled(Exception):
    """The user pressed Avbryt while the file was being read."""


@dataclass
class _Table:
    """The rows of a file, streamed: ``header_index`` into ``head``, then ``rows``."""

    rows: Iterator[tuple[int, list[Any]]]  # (row number, cells), from the first row
    fraction: Callable[[], float | None]
    notes: list[str] = field(default_factory=list)


def _shown(value: Any, limit: int = 60) -> str:
    """A value as a message may quote it: short, with no control characters."""
    text = _CONTROL.sub("\ufffd", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _detect_encoding(path: Path) -> tuple[str, str, str]:
    """(codec, decoding errors, note for the user) from the BOM, else by looking."""
    with path.open("rb") as f:
        head = f.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "strict", ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode-text": UTF-16 little-endian with a BOM, tab separated.
        return "utf-16", "surrogatepass", ""
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
            return "utf-16-le", "surrogatepass", ""
        if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
            return "utf-16-be", "surrogatepass", ""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return (
            "cp1252",
            "replace",
            _(
                "The file is not UTF-8; it was read as Windows-1252 (what Excel saves as "
                "CSV on a Swedish computer). Check that å, ä and ö look right."
            ),
        )
    return "utf-8", "strict", ""


def _choose_delimiter(lines: list[str]) -> str:
    """Tab, semicolon or comma: the one that gives a header row with the required
    columns, else the one the first non-empty line has most of."""
    for delimiter in ("\t", ";", ","):
        rows = list(enumerate(csv.reader(lines, delimiter=delimiter), 1))
        if _find_header(rows) is not None:
            return delimiter
    first = next((ln for ln in lines if ln.strip()), "")
    return max(("\t", ";", ","), key=first.count)


MAX_LINE_CHARS = 1 << 20  # a longer line is not a row of a spreadsheet


def _open_csv(path: Path, stack: ExitStack) -> _Table:
    encoding, errors, note = _detect_encoding(path)
    size = max(path.stat().st_size, 1)
    binary = stack.enter_context(path.open("rb"))
    text = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
    head: list[str] = []
    try:
        while len(head) < 20 and (line := text.readline(65536)):
            head.append(line)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is damaged: it is not text in the encoding it says it has.")
        ) from exc
    text.detach()
    delimiter = _choose_delimiter(head)
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
    number = 0

    def lines() -> Iterator[str]:
        while line := text.readline(MAX_LINE_CHARS):
            if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise ImportFileError(
                    _(
                        "Row {row} could not be read: it is longer than {n} characters. "
                        "Is this really a spreadsheet saved as CSV?"
                    ).format(row=number + 1, n=format_number(MAX_LINE_CHARS))
                )
            yield line

    def rows() -> Iterator[tuple[int, list[Any]]]:
        nonlocal number
        reader = csv.reader(lines(), delimiter=delimiter)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    _(
                        "Row {row} could not be read: a cell is longer than {n} characters "
                        "or a quotation mark is missing."
                    ).format(row=number + 1, n=format_number(csv.field_size_limit()))
                ) from exc
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    _("Row {row} could not be read: the text is damaged.").format(row=number + 1)
                ) from exc
            number += 1
            yield number, cells

    return _Table(rows(), lambda: min(binary.tell() / size, 1.0), [note] if note else [])


def _check_xlsx_parts(path: Path) -> None:
    """Refuse a workbook whose string table, styles or other parts would unpack to more
    than fits in memory (a zip bomb); the sheets themselves are streamed."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    for part in parts:
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
            continue
        if part.file_size > MAX_XLSX_PART:
            raise ImportFileError(
                _(
                    "The workbook cannot be imported: its part {part} unpacks to {mb} MB "
                    "(at most {limit} MB). Save the sheet as a new workbook or as CSV and "
                    "import that."
                ).format(
                    part=_shown(part.filename),
                    mb=format_number(part.file_size // (1024 * 1024)),
                    limit=MAX_XLSX_PART // (1024 * 1024),
                )
            )


def _open_xlsx(path: Path, stack: ExitStack) -> _Table:
    from openpyxl import load_workbook

    _check_xlsx_parts(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    stack.callback(book.close)
    chosen, head = None, []
    totals = {}
    for sheet in book.worksheets:
        # The declared size is for the progress bar only: rows are not padded to it
        # (a sheet formatted out to column XFD would give 16,384 cells a row).
        totals[sheet.title] = getattr(sheet, "max_row", None)
        sheet.reset_dimensions()
        rows = _numbered(sheet.iter_rows(values_only=True))
        first = list(itertools.islice(rows, 20))
        if _find_header(first) is not None:
            chosen, head = (sheet, rows), first
            break
        if chosen is None:
            chosen, head = (sheet, rows), first
    if chosen is None:
        return _Table(iter(()), lambda: 1.0)
    sheet, rest = chosen
    total = totals.get(sheet.title) or None
    done = [0]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in itertools.chain(head, rest):
            done[0] = number
            yield number, cells

    return _Table(rows(), lambda: min(done[0] / total, 1.0) if total else None)


def _numbered(rows: Iterator[tuple]) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a damaged sheet: openpyxl and lxml raise many kinds
            raise ImportFileError(
                _("Row {row} of the workbook could not be read; the file is damaged.").format(
                    row=number + 1
                )
            ) from exc
        number += 1
        yield number, list(cells)


def _open_table(path: Path, stack: ExitStack) -> _Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFileError(_("The file {name} does not exist.").format(name=path.name))
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, stack)
    if suffix in (".csv", ".txt", ".tsv"):
        return _open_csv(path, stack)
    raise ImportFileError(_("Only Excel workbooks (.xlsx) and CSV files (.csv) can be imported."))


@pure
def read_table(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) for every row of the file's first usable sheet (small files;
    the import itself streams)."""
    with ExitStack() as stack:
        return list(_open_table(Path(path), stack).rows)


def _find_header(rows: list[tuple[int, list[Any]]]) -> int | None:
    """Index of the first row (among the first 20) that names the required columns."""
    for i, (_n, cells) in enumerate(rows[:20]):
        fields = {_HEADER_FIELD.get(_norm(c)) for c in cells if isinstance(c, str) and len(c) < 200}
        if all(f in fields for f in REQUIRED):
            return i
    return None


def _check_width(row_number: int, cells: list[Any]) -> None:
    if _used_width(cells) > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "Row {row} has values in more than {n} columns; a file of lotsärenden "
                "has one column per field (about 20). Remove the other columns, or "
                "copy the right columns to a new sheet, and import again."
            ).format(row=row_number, n=format_number(MAX_COLUMNS))
        )


def _used_width(cells: list[Any]) -> int:
    width = len(cells)
    while width and (cells[width - 1] is None or cells[width - 1] == ""):
        width -= 1
    return width


def _file_identity(path: Path) -> tuple[int, str]:
    with path.open("rb") as f:
        return path.stat().st_size, hashlib.file_digest(f, "sha256").hexdigest()


class _Occurrences:
    """How many times each row content has been seen so far in the file (so two identical
    rows are two lotsärenden with two fingerprints). Kept in memory for the first
    100,000 contents, then in a temporary database on disk: bounded memory for any file.
    Only 64-bit hashes of the de-identified content are stored."""

    IN_MEMORY = 100_000

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self._disk: sqlite3.Connection | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    def next(self, content: str) -> int:
        key = int.from_bytes(
            hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
            "big",
            signed=True,
        )
        if self._disk is None:
            n = self._counts.get(key, 0) + 1
            self._counts[key] = n
            if len(self._counts) > self.IN_MEMORY:
                self._spill()
            return n
        return self._disk.execute(
            "INSERT INTO seen VALUES (?, 1) ON CONFLICT(h) DO UPDATE SET n = n + 1 RETURNING n",
            (key,),
        ).fetchone()[0]

    def _spill(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="finsam-import-")
        self._disk = sqlite3.connect(Path(self._dir.name) / "seen.sqlite")
        self._disk.execute("PRAGMA journal_mode = OFF")
        self._disk.execute("PRAGMA synchronous = OFF")
        self._disk.execute("CREATE TABLE seen (h INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        self._disk.executemany("INSERT INTO seen VALUES (?, ?)", self._counts.items())
        self._counts = {}

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
            self._disk = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


# --- understanding the rows --------------------------------------------------------


def _place_lookups(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Municipality and party ids by every spelling a file may use: the name (and its
    parts, "Region Uppsala (REG)"), the short name, and the usual aliases (Af, FK…)."""
    municipalities: dict[str, int] = {}
    for mid, name in session.execute(select(MunicipalityRow.id, MunicipalityRow.name)):
        for key in _municipality_keys(name):
            municipalities.setdefault(key, mid)
    parties = _party_lookup(
        session.execute(select(PartyRow.id, PartyRow.name, PartyRow.short_name))
    )
    return municipalities, parties


def _party_lookup(parties) -> dict[str, int]:
    """Party ids by name, short name and the usual aliases (Af, FK…), from
    (id, name, short name) rows; the first party of a spelling wins."""
    found: dict[str, int] = {}
    shorts: dict[str, int] = {}
    for pid, name, short in parties:
        found.setdefault(_norm(name), pid)
        if short:
            found.setdefault(_norm(short), pid)
            shorts[short.upper()] = pid
    for alias, short in _PARTY_ALIAS.items():
        if short in shorts:
            found.setdefault(alias, shorts[short])
    return found


def _municipality_id(municipalities: dict[str, int], name: str) -> int | None:
    """The municipality a cell names, by any of its spellings (see ``_place_lookups``)."""
    keys = _municipality_keys(name) if len(name) <= 100 else ()
    return next((municipalities[k] for k in keys if k in municipalities), None)


class _Lookups:
    def __init__(self, session: Session):
        self.municipalities, self.parties = _place_lookups(session)
        self.categories: dict[CategoryKind, dict[str, int]] = {k: {} for k in CategoryKind}
        for cid, kind, name in session.execute(
            select(LotsCategoryRow.id, LotsCategoryRow.kind, LotsCategoryRow.name)
        ):
            self.categories[CategoryKind(kind)][_norm(name)] = cid


@lru_cache(maxsize=4096)
def _municipality_keys(name: str) -> frozenset[str]:
    key = swedish_key(name)
    keys = {key}
    for suffix in (" kommun", "s kommun", " kommune"):
        if key.endswith(suffix):
            keys.add(key.removesuffix(suffix))
    return frozenset(_norm(k) for k in keys)


@dataclass
class _Walk:
    """What the header says: used for the preview and again for the import."""

    columns: dict[str, str]
    position: dict[str, int]
    ignored: list[str]
    personal: list[str]
    notes: list[str]


def _header(table: _Table) -> tuple[_Walk, Iterator[tuple[int, list[Any]]]]:
    head = list(itertools.islice(table.rows, 20))
    for row_number, cells in head:
        _check_width(row_number, cells)
    header_index = _find_header(head)
    if header_index is None:
        raise ImportFileError(
            _(
                "No header row with the columns {received} and {municipality} was found. "
                "See the list of accepted column headers in the manual."
            ).format(received=HEADERS["received"][0], municipality=HEADERS["municipality"][0])
        )
    walk = _Walk({}, {}, [], [], list(table.notes))
    for i, title in enumerate(head[header_index][1]):
        key = _norm(title) if isinstance(title, str) and len(title) < 200 else ""
        if not key:
            if title not in (None, "") and not isinstance(title, str | int | float):
                walk.ignored.append(_shown(title))
            continue
        fld = _HEADER_FIELD.get(key)
        if key in _PERSONAL:
            walk.personal.append(_shown(title))
        elif fld is None or fld in walk.position:
            walk.ignored.append(_shown(title))
        else:
            walk.position[fld] = i
            walk.columns[fld] = _shown(str(title).strip())
    return walk, itertools.chain(head[header_index + 1 :], table.rows)


def _rows(
    walk: _Walk,
    rows: Iterator[tuple[int, list[Any]]],
    table: _Table,
    lookups: _Lookups,
    today: date,
    progress: Progress | None,
) -> Iterator[tuple[int, ImportRow | list[Rejection]]]:
    """Every data row, parsed: an ImportRow with its fingerprint, or its rejections."""
    seen = _Occurrences()
    count = 0
    try:
        for row_number, cells in rows:
            _check_width(row_number, cells)
            count += 1
            stop = progress is not None and count % PROGRESS_EVERY == 0
            if stop and not progress(count, table.fraction()):  # type: ignore[misc]
                raise ImportCancelled()
            values = {f: (cells[i] if i < len(cells) else None) for f, i in walk.position.items()}
            if all(_cell_text(v) == "" for v in values.values()):
                continue
            parsed = _parse_row(row_number, values, walk.columns, lookups, today)
            if isinstance(parsed, list):
                yield row_number, parsed
                continue
            case, names, outcomes = parsed
            content = _content_key(case, names, outcomes)
            n = seen.next(content)
            digest = hashlib.sha256(f"{content}#{n}".encode("utf-8", "surrogatepass")).hexdigest()
            yield row_number, ImportRow(row_number, case, names, digest, outcomes)
        if progress is not None and not progress(count, 1.0):
            raise ImportCancelled()
    finally:
        seen.close()


@requires(Permission.CASEWORK)
def preview_import(
    session: Session,
    path: Path | str,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Read ``path`` and say what importing it would do; writes nothing.

    The file is streamed: the preview counts every row but keeps only the first
    ``PREVIEW_ROWS`` rows to show and the first ``MAX_LISTED_REJECTIONS`` rejections.
    ``progress`` is called as rows are read; when it returns False, ImportCancelled.
    """
    require(session, Permission.CASEWORK)
    path = Path(path)
    today = today or clock.today()
    preview = ImportPreview(file_name=path.name, path=path, today=today)
    lookups = _Lookups(session)
    new_names: dict[CategoryKind, dict[str, str]] = {k: {} for k in CategoryKind}
    pending: list[ImportRow] = []

    def settle() -> None:
        existing = _existing_fingerprints(session, [r.fingerprint for r in pending])
        for r in pending:
            if r.fingerprint in existing:
                preview.already_imported += 1
                continue
            preview.to_import += 1
            if len(preview.rows) < PREVIEW_ROWS:
                preview.rows.append(r)
        pending.clear()

    with ExitStack() as stack:
        table = _open_table(path, stack)
        walk, rows = _header(table)
        preview.columns, preview.ignored_columns = walk.columns, walk.ignored
        preview.personal_columns, preview.notes = walk.personal, walk.notes
        for _row_number, item in _rows(walk, rows, table, lookups, today, progress):
            preview.rows_read += 1
            if isinstance(item, list):
                preview.rejected_rows += 1
                room = MAX_LISTED_REJECTIONS - len(preview.rejected)
                preview.rejected.extend(item[: max(room, 0)])
                continue
            for kind, name in item.names():
                if _norm(name) not in lookups.categories[kind]:
                    new_names[kind].setdefault(_norm(name), " ".join(name.split()))
            if sum(len(v) for v in new_names.values()) > MAX_NEW_CATEGORIES:
                raise ImportFileError(
                    _(
                        "The file would add more than {n} new values to the lists of "
                        "questions, actions and outcomes. Check that the columns are the "
                        "right ones, or add the values under Settings first."
                    ).format(n=MAX_NEW_CATEGORIES)
                )
            pending.append(item)
            if len(pending) >= 1000:
                settle()
        settle()
    preview.new_categories = {k: list(v.values()) for k, v in new_names.items() if v}
    preview.identity = _file_identity(path)
    return preview


def _existing_fingerprints(session: Session, digests: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(digests), 500):
        chunk = digests[i : i + 500]
        found.update(
            session.scalars(
                select(LotsCaseRow.import_fingerprint).where(
                    LotsCaseRow.import_fingerprint.in_(chunk)
                )
            )
        )
    return found


def _content_key(case: LotsCase, names: dict[CategoryKind, str], outcomes: list[str]) -> str:
    # One outcome gives the key it gave when a case had at most one (same fingerprint).
    names = {**names, CategoryKind.OUTCOME: "+".join(sorted(_norm(o) for o in outcomes))}
    parts = [
        case.received.isoformat() if case.received else "",
        str(case.municipality_id),
        str(case.party_id or ""),
        normalise_officer(case.officer),
        case.gender.value,
        str(case.birth_year or ""),
        case.foreign_background.value,
        case.sick_leave_fs.value,
        "1" if case.individual_case else "0",
        case.coordination_need.value,
        *(_norm(names.get(k, "")) for k in CategoryKind),
        case.closed.isoformat() if case.closed else "",
        case.reference.strip().casefold(),
        "1" if case.survey_sent else "0",
        str(case.survey_score or ""),
    ]
    return "|".join(parts)


def _parse_row(
    row_number: int,
    values: dict[str, Any],
    columns: dict[str, str],
    lookups: _Lookups,
    today: date,
) -> tuple[LotsCase, dict[CategoryKind, str]] | list[Rejection]:
    problems: list[Rejection] = []

    def reject(fld: str, reason: str) -> None:
        problems.append(Rejection(row_number, columns.get(fld, ""), reason))

    def text(fld: str) -> str:
        return _cell_text(values.get(fld))

    # Cells that cannot be a value at all: the row is refused before anything is read.
    for fld, value in values.items():
        if not isinstance(value, str):
            continue
        if bad := _CONTROL.search(value):
            reject(
                fld,
                _(
                    "The cell contains a control character ({code}) that cannot be imported. "
                    "Remove it (it is often left by copying from another program) and "
                    "import again."
                ).format(code=f"U+{ord(bad.group()):04X}"),
            )
        elif len(value) > MAX_CELL_CHARS:
            reject(
                fld,
                _("The cell holds {n} characters; at most {limit} can be imported.").format(
                    n=format_number(len(value)), limit=format_number(MAX_CELL_CHARS)
                ),
            )
        elif value.lstrip().startswith("="):
            reject(
                fld,
                _(
                    "The cell holds a formula ('{value}'). Write the value itself, or save "
                    "the sheet with values instead of formulas."
                ).format(value=_shown(value.strip(), 40)),
            )
    if problems:
        return problems

    case = LotsCase(id=None, received=None, municipality_id=None)
    for fld in ("received", "closed"):
        try:
            setattr(case, fld, parse_date(values.get(fld)))
        except (ValueError, TypeError):
            reject(
                fld,
                _("'{value}' is not a date (write 2016-03-04, 4/3/2016 or 20160304).").format(
                    value=_shown(text(fld))
                ),
            )
    name = text("municipality")
    if name:
        case.municipality_id = _municipality_id(lookups.municipalities, name)
        if case.municipality_id is None:
            reject(
                "municipality",
                _("Unknown municipality '{value}'. Add it under Settings first.").format(
                    value=_shown(name)
                ),
            )
    party = text("party")
    if party:
        case.party_id = lookups.parties.get(_norm(party))
        if case.party_id is None:
            reject(
                "party",
                _(
                    "Unknown party '{value}'. Add it under Settings first, or use "
                    "AF, FK, Soc or Region."
                ).format(value=_shown(party)),
            )
    case.officer = text("officer")
    if "gender" in values:
        gender = _GENDER.get(_norm(text("gender")))
        if gender is None:
            reject(
                "gender",
                _("'{value}' is not a gender (kvinna, man, annat or okänt).").format(
                    value=_shown(text("gender"))
                ),
            )
        else:
            case.gender = gender
    try:
        case.birth_year = parse_birth_year(values.get("birth_year"), today)
    except ValueError:
        reject(
            "birth_year",
            _("'{value}' is not a birth year (write 1985).").format(
                value=_shown(text("birth_year"))
            ),
        )
    for fld in ("foreign_background", "sick_leave_fs", "coordination_need"):
        if fld not in values:
            continue
        answer = _ANSWER.get(_norm(text(fld)))
        if answer is None:
            reject(
                fld, _("'{value}' is not one of ja, nej or okänt.").format(value=_shown(text(fld)))
            )
        else:
            setattr(case, fld, answer)
    for fld in ("individual_case", "survey_sent"):
        if fld not in values:
            continue
        answer = _ANSWER.get(_norm(text(fld)))
        if answer is None or answer is Answer.UNKNOWN and text(fld):
            reject(fld, _("'{value}' is not ja or nej.").format(value=_shown(text(fld))))
        else:
            setattr(case, fld, answer is Answer.YES)
    score = text("survey_score")
    if score:
        if re.fullmatch(r"[1-5]", score):
            case.survey_score = int(score)
            case.survey_sent = True  # an answer proves the questionnaire was sent
        else:
            reject("survey_score", _("The score is a whole number from 1 to 5."))
    case.reference = text("reference")
    if looks_like_personnummer(case.reference):
        # The reason never repeats the value: it may be a real personnummer.
        reject(
            "reference",
            _(
                "The reference looks like a personnummer and is not imported. "
                "Remove it from the file or replace it with a code."
            ),
        )
        case.reference = ""
    names = {}
    for kind, fld in ((CategoryKind.QUESTION, "question"), (CategoryKind.ACTION, "action")):
        value = " ".join(text(fld).split())
        if len(value) > 200:
            reject(fld, _("At most {n} characters.").format(n=200))
        elif value:
            names[kind] = value
            setattr(case, f"{fld}_id", lookups.categories[kind].get(_norm(value)))
    outcomes = split_outcomes(text("outcome"))
    if any(len(o) > 200 for o in outcomes):
        reject("outcome", _("At most {n} characters.").format(n=200))
    known = lookups.categories[CategoryKind.OUTCOME]
    case.outcome_ids = [known[_norm(o)] for o in outcomes if _norm(o) in known]
    for fld, message in validate_case(case, today).items():
        if fld == "reference" or any(p.column == columns.get(fld, "") for p in problems):
            continue
        if fld == "received" and values.get("received") is None:
            message = _("The date received is missing.")
        elif fld == "municipality" and not name:
            message = _("The municipality is missing.")
        reject(fld, message)
    if problems:
        return problems
    return case, names, outcomes


# --- writing ---------------------------------------------------------------------


def _import_rows(
    lookups: _Lookups, preview: ImportPreview, progress: Progress | None
) -> Iterator[ImportRow]:
    """The file read again, as at the preview: every row that can be imported."""
    if preview.path is None:
        return
    path = Path(preview.path)
    try:
        identity = _file_identity(path)
    except OSError:
        identity = None
    if preview.identity is not None and identity != preview.identity:
        raise ImportFileError(
            _(
                "The file has changed (or is gone) since it was read. Choose it again to "
                "see a new preview; nothing was imported."
            )
        )
    with ExitStack() as stack:
        table = _open_table(path, stack)
        walk, rows = _header(table)
        for _n, item in _rows(walk, rows, table, lookups, preview.today, progress):
            if isinstance(item, ImportRow):
                yield item


class _Writer:
    """Writes rows batch by batch; skips rows imported meanwhile; adds categories."""

    def __init__(self) -> None:
        self.imported = 0
        self.already = 0
        self.categories = 0

    def write(self, session: Session, rows: list[ImportRow]) -> None:
        ensure_default_categories(session)
        ids: dict[CategoryKind, dict[str, int]] = {k: {} for k in CategoryKind}
        for cid, kind, name in session.execute(
            select(LotsCategoryRow.id, LotsCategoryRow.kind, LotsCategoryRow.name)
        ):
            ids[CategoryKind(kind)][_norm(name)] = cid
        existing = _existing_fingerprints(session, [r.fingerprint for r in rows])
        records = []
        for row in rows:
            if row.fingerprint in existing:
                self.already += 1
                continue
            for kind, name in row.names():
                if _norm(name) not in ids[kind]:
                    saved = save_category(session, LotsCategory(None, kind, name))
                    ids[kind][_norm(name)] = saved.id  # type: ignore[assignment]
                    self.categories += 1
            records.append(_record(row, ids))
        if records:  # Core executemany: no ORM bookkeeping per row
            session.execute(insert(LotsCaseRow.__table__), records)
            _insert_outcomes(session, [r for r in rows if r.fingerprint not in existing], ids)
        session.flush()
        self.imported += len(records)

    def result(self, cancelled: bool = False) -> ImportResult:
        return ImportResult(self.imported, self.already, self.categories, cancelled)


def _record(row: ImportRow, ids: dict[CategoryKind, dict[str, int]]) -> dict[str, Any]:
    c = row.case
    return {
        "received": c.received,
        "municipality_id": c.municipality_id,
        "party_id": c.party_id,
        "officer": " ".join(c.officer.split()),
        "officer_key": normalise_officer(c.officer),
        "gender": c.gender.value,
        "birth_year": c.birth_year,
        "foreign_background": c.foreign_background.value,
        "sick_leave_fs": c.sick_leave_fs.value,
        "individual_case": c.individual_case,
        "question_id": _category_id(ids, row, CategoryKind.QUESTION),
        "coordination_need": c.coordination_need.value,
        "action_id": _category_id(ids, row, CategoryKind.ACTION),
        "closed": c.closed,
        "reference": c.reference.strip(),
        "survey_sent": c.survey_sent,
        "survey_score": c.survey_score,
        "import_fingerprint": row.fingerprint,
        "version": 1,
    }


@requires(Permission.CASEWORK)
def import_cases(
    session: Session, preview: ImportPreview, progress: Progress | None = None
) -> ImportResult:
    """Import the previewed file in this one transaction (rows imported meanwhile are
    skipped). A cancel raises ImportCancelled, so the caller's transaction rolls back
    and the database is as before the import."""
    require(session, Permission.CASEWORK)
    writer = _Writer()
    batch: list[ImportRow] = []
    for row in _import_rows(_Lookups(session), preview, progress):
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            writer.write(session, batch)
            batch = []
    if batch:
        writer.write(session, batch)
    return writer.result()


@requires(Permission.CASEWORK)
def import_in_batches(
    db: Database,
    preview: ImportPreview,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import the previewed file, committing every ``batch_rows`` rows.

    Memory stays bounded for any file. When ``progress`` returns False (Avbryt), the
    batch being gathered is dropped: the database is as after the last whole batch,
    and ``ImportResult.cancelled`` is true with ``imported`` saying how many rows are
    in. Importing the same file again adds exactly the rows that are missing.
    """
    with db.reading() as session:
        require(session, Permission.CASEWORK)
        lookups = _Lookups(session)
    rows = _import_rows(lookups, preview, progress)
    writer = _Writer()
    batch: list[ImportRow] = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_rows:
                with db.session() as session:
                    require(session, Permission.CASEWORK)
                    writer.write(session, batch)
                batch = []
        if batch:
            with db.session() as session:
                require(session, Permission.CASEWORK)
                writer.write(session, batch)
    except ImportCancelled:
        return writer.result(cancelled=True)
    finally:
        rows.close()
    return writer.result()


def _category_id(ids, row: ImportRow, kind: CategoryKind) -> int | None:
    name = row.categories.get(kind)
    return ids[kind][_norm(name)] if name else None


def _insert_outcomes(session: Session, rows: list[ImportRow], ids) -> None:
    """The outcome marks of the rows just inserted (found again by their fingerprints)."""
    wanted = {r.fingerprint: r for r in rows if r.outcomes}
    digests = list(wanted)
    marks = []
    for i in range(0, len(digests), 500):
        for case_id, digest in session.execute(
            select(LotsCaseRow.id, LotsCaseRow.import_fingerprint).where(
                LotsCaseRow.import_fingerprint.in_(digests[i : i + 500])
            )
        ):
            row = wanted[digest]
            outcome_ids = [ids[CategoryKind.OUTCOME][_norm(o)] for o in row.outcomes]
            marks.extend(
                {
                    "lots_case_id": case_id,
                    "category_id": c,
                    "received": row.case.received,
                    "municipality_id": row.case.municipality_id,
                    "individual_case": row.case.individual_case,
                }
                for c in dict.fromkeys(outcome_ids)
            )
    for i in range(0, len(marks), 5000):
        session.execute(insert(LotsCaseOutcomeRow), marks[i : i + 5000])
