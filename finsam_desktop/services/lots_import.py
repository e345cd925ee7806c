"""Importing lotsärenden that teams keep in Excel today (XLSX or CSV).

Two steps, so nothing is written before the user has seen what will happen:

1. ``preview_import(session, path)`` reads the file, understands Swedish headers and
   the usual ways of writing values, and returns the rows that can be imported, the
   rejected rows (row number, column, reason), the rows already imported earlier and
   the category values that will be added;
2. ``import_cases(session, preview)`` writes them in one transaction.

Each imported row stores a fingerprint of its content, so importing the same file
again adds nothing. Accepted headers and values are documented in docs/lots-import.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from finsam_desktop.db.lots_models import LotsCaseRow, LotsCategoryRow
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain.dates import parse_date_text
from finsam_desktop.domain.lots import (
    Answer,
    CategoryKind,
    LotsCase,
    LotsCategory,
    looks_like_personnummer,
    normalise_officer,
    validate_case,
)
from finsam_desktop.domain.persons import Gender
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, require
from finsam_desktop.services.lots import ensure_default_categories, save_category


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Swedish."""


def _norm(text: Any) -> str:
    """Header or value key: lower case, å ä ö kept apart, spaces and punctuation dropped."""
    return re.sub(r"[^0-9a-z{|}]", "", swedish_key(str(text or "")))


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
    Gender.KVINNA: ("kvinna", "k", "kv", "kvinnor", "f", "female", "woman", "w"),
    Gender.MAN: ("man", "m", "män", "male"),
    Gender.ANNAT: ("annat", "a", "annan", "other", "ickebinär"),
    Gender.OKANT: ("okänt", "okänd", "o", "?", "-", "vetej", "uppgiftsaknas", "unknown", ""),
}
ANSWER_VALUES = {
    Answer.JA: ("ja", "j", "x", "1", "yes", "y", "sant", "true"),
    Answer.NEJ: ("nej", "n", "0", "no", "falskt", "false"),
    Answer.OKANT: ("okänt", "okänd", "o", "?", "-", "vetej", "uppgiftsaknas", "unknown", ""),
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


def parse_date(value: Any) -> date | None:
    """A date in any of the accepted forms; None for an empty cell; ValueError otherwise."""
    if value is None:
        return None
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


@dataclass
class ImportPreview:
    file_name: str
    rows_read: int = 0
    rows: list[ImportRow] = field(default_factory=list)  # new rows that will be imported
    already_imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_rows: int = 0
    new_categories: dict[CategoryKind, list[str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    ignored_columns: list[str] = field(default_factory=list)
    personal_columns: list[str] = field(default_factory=list)  # never read


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_imported: int
    categories_added: int


# --- reading the file -------------------------------------------------------------


def _read_csv(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for cells in reader:
        rows.append((reader.line_num, list(cells)))
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    try:
        best: list[tuple[int, list[Any]]] = []
        for sheet in book.worksheets:
            rows = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), 1)]
            if _find_header(rows) is not None:
                return rows
            best = best or rows
        return best
    finally:
        book.close()


def read_table(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) for every row of the file's first usable sheet."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportFileError(_("The file {name} does not exist.").format(name=path.name))
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise ImportFileError(_("Only Excel workbooks (.xlsx) and CSV files (.csv) can be imported."))


def _find_header(rows: list[tuple[int, list[Any]]]) -> int | None:
    """Index of the first row (among the first 20) that names the required columns."""
    for i, (_n, cells) in enumerate(rows[:20]):
        fields = {_HEADER_FIELD.get(_norm(c)) for c in cells}
        if all(f in fields for f in REQUIRED):
            return i
    return None


# --- understanding the rows --------------------------------------------------------


class _Lookups:
    def __init__(self, session: Session):
        self.municipalities: dict[str, int] = {}
        for mid, name in session.execute(select(MunicipalityRow.id, MunicipalityRow.name)):
            for key in _municipality_keys(name):
                self.municipalities.setdefault(key, mid)
        self.parties: dict[str, int] = {}
        shorts: dict[str, int] = {}
        for pid, name, short in session.execute(
            select(PartyRow.id, PartyRow.name, PartyRow.short_name)
        ):
            self.parties[_norm(name)] = pid
            if short:
                self.parties.setdefault(_norm(short), pid)
                shorts[short.upper()] = pid
        for alias, short in _PARTY_ALIAS.items():
            if short in shorts:
                self.parties.setdefault(alias, shorts[short])
        self.categories: dict[CategoryKind, dict[str, int]] = {k: {} for k in CategoryKind}
        for cid, kind, name in session.execute(
            select(LotsCategoryRow.id, LotsCategoryRow.kind, LotsCategoryRow.name)
        ):
            self.categories[CategoryKind(kind)][_norm(name)] = cid


def _municipality_keys(name: str) -> set[str]:
    key = swedish_key(name)
    keys = {key}
    for suffix in (" kommun", "s kommun", " kommune"):
        if key.endswith(suffix):
            keys.add(key.removesuffix(suffix))
    return {_norm(k) for k in keys}


def preview_import(session: Session, path: Path | str, today: date | None = None) -> ImportPreview:
    """Read ``path`` and say what importing it would do; writes nothing."""
    require(session, Permission.CASEWORK)
    path = Path(path)
    today = today or date.today()
    table = read_table(path)
    header_index = _find_header(table)
    if header_index is None:
        raise ImportFileError(
            _(
                "No header row with the columns {received} and {municipality} was found. "
                "See the list of accepted column headers in the manual."
            ).format(received=HEADERS["received"][0], municipality=HEADERS["municipality"][0])
        )
    preview = ImportPreview(file_name=path.name)
    header = table[header_index][1]
    position: dict[str, int] = {}
    for i, title in enumerate(header):
        key = _norm(title)
        if not key:
            continue
        fld = _HEADER_FIELD.get(key)
        if key in _PERSONAL:
            preview.personal_columns.append(str(title))
        elif fld is None or fld in position:
            preview.ignored_columns.append(str(title))
        else:
            position[fld] = i
            preview.columns[fld] = str(title).strip()
    lookups = _Lookups(session)
    seen: Counter[str] = Counter()
    new_names: dict[CategoryKind, dict[str, str]] = {k: {} for k in CategoryKind}
    fingerprints: list[ImportRow] = []

    for row_number, cells in table[header_index + 1 :]:
        values = {f: (cells[i] if i < len(cells) else None) for f, i in position.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        preview.rows_read += 1
        parsed = _parse_row(row_number, values, preview.columns, lookups, today)
        if isinstance(parsed, list):
            preview.rejected.extend(parsed)
            preview.rejected_rows += 1
            continue
        case, names = parsed
        for kind, name in names.items():
            if _norm(name) not in lookups.categories[kind]:
                new_names[kind].setdefault(_norm(name), " ".join(name.split()))
        content = _content_key(case, names)
        seen[content] += 1
        digest = hashlib.sha256(f"{content}#{seen[content]}".encode()).hexdigest()
        fingerprints.append(ImportRow(row_number, case, names, digest))

    existing = _existing_fingerprints(session, [r.fingerprint for r in fingerprints])
    preview.rows = [r for r in fingerprints if r.fingerprint not in existing]
    preview.already_imported = len(fingerprints) - len(preview.rows)
    preview.new_categories = {k: list(v.values()) for k, v in new_names.items() if v}
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


def _content_key(case: LotsCase, names: dict[CategoryKind, str]) -> str:
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

    case = LotsCase(id=None, received=None, municipality_id=None)
    for fld in ("received", "closed"):
        try:
            setattr(case, fld, parse_date(values.get(fld)))
        except (ValueError, TypeError):
            reject(
                fld,
                _("'{value}' is not a date (write 2016-03-04, 4/3/2016 or 20160304).").format(
                    value=text(fld)
                ),
            )
    name = text("municipality")
    if name:
        case.municipality_id = next(
            (
                lookups.municipalities[k]
                for k in _municipality_keys(name)
                if k in lookups.municipalities
            ),
            None,
        )
        if case.municipality_id is None:
            reject(
                "municipality",
                _("Unknown municipality '{value}'. Add it under Settings first.").format(
                    value=name
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
                ).format(value=party),
            )
    case.officer = text("officer")
    if "gender" in values:
        gender = _GENDER.get(_norm(text("gender")))
        if gender is None:
            reject(
                "gender",
                _("'{value}' is not a gender (kvinna, man, annat or okänt).").format(
                    value=text("gender")
                ),
            )
        else:
            case.gender = gender
    try:
        case.birth_year = parse_birth_year(values.get("birth_year"), today)
    except ValueError:
        reject(
            "birth_year",
            _("'{value}' is not a birth year (write 1985).").format(value=text("birth_year")),
        )
    for fld in ("foreign_background", "sick_leave_fs", "coordination_need"):
        if fld not in values:
            continue
        answer = _ANSWER.get(_norm(text(fld)))
        if answer is None:
            reject(fld, _("'{value}' is not one of ja, nej or okänt.").format(value=text(fld)))
        else:
            setattr(case, fld, answer)
    for fld in ("individual_case", "survey_sent"):
        if fld not in values:
            continue
        answer = _ANSWER.get(_norm(text(fld)))
        if answer is None or answer is Answer.OKANT and text(fld):
            reject(fld, _("'{value}' is not ja or nej.").format(value=text(fld)))
        else:
            setattr(case, fld, answer is Answer.JA)
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
    for kind, fld in (
        (CategoryKind.QUESTION, "question"),
        (CategoryKind.ACTION, "action"),
        (CategoryKind.OUTCOME, "outcome"),
    ):
        value = " ".join(text(fld).split())
        if value:
            names[kind] = value
            setattr(case, f"{fld}_id", lookups.categories[kind].get(_norm(value)))
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
    return case, names


# --- writing ---------------------------------------------------------------------


def import_cases(session: Session, preview: ImportPreview) -> ImportResult:
    """Write the preview's rows in this transaction; rows imported meanwhile are skipped."""
    require(session, Permission.CASEWORK)
    ensure_default_categories(session)
    ids: dict[CategoryKind, dict[str, int]] = {k: {} for k in CategoryKind}
    for cid, kind, name in session.execute(
        select(LotsCategoryRow.id, LotsCategoryRow.kind, LotsCategoryRow.name)
    ):
        ids[CategoryKind(kind)][_norm(name)] = cid
    added = 0
    for row in preview.rows:
        for kind, name in row.categories.items():
            if _norm(name) not in ids[kind]:
                saved = save_category(session, LotsCategory(None, kind, name))
                ids[kind][_norm(name)] = saved.id  # type: ignore[assignment]
                added += 1
    existing = _existing_fingerprints(session, [r.fingerprint for r in preview.rows])
    records = []
    for row in preview.rows:
        if row.fingerprint in existing:
            continue
        c = row.case
        records.append(
            {
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
                "outcome_id": _category_id(ids, row, CategoryKind.OUTCOME),
                "closed": c.closed,
                "reference": c.reference.strip(),
                "survey_sent": c.survey_sent,
                "survey_score": c.survey_score,
                "import_fingerprint": row.fingerprint,
                "version": 1,
            }
        )
    for i in range(0, len(records), 5000):
        session.execute(insert(LotsCaseRow), records[i : i + 5000])
    session.flush()
    return ImportResult(len(records), preview.already_imported + len(existing), added)


def _category_id(ids, row: ImportRow, kind: CategoryKind) -> int | None:
    name = row.categories.get(kind)
    return ids[kind][_norm(name)] if name else None
