"""Importing a team's earlier participants (referral + participation) from Excel or CSV.

A team that starts with the program mid-year keeps its earlier participants in a
spreadsheet. Each row is one referral of a person to an insats, with the decision and,
when the person was enrolled, the participation: dates, exit route and the situation
at entry and exit in the national follow-up's terms. Two steps, as the lots import:

1. ``preview_import(session, path)`` reads the file, understands Swedish headers and
   the usual ways of writing values, and says which rows will be imported, which are
   already in the program and which are rejected (row number, column, reason);
2. ``import_rows(session, preview)`` writes them in one transaction.

A row is known by its natural key, personnummer + insats + arrival date: importing the
same file again adds nothing, and neither does a row for a referral registered by hand.
Persons are found by personnummer or created (names needed then); a found person's
unknown gender or utländsk bakgrund is filled in from the file, a known one is never
changed. Accepted headers and values: docs/deltagare-import.md.

Rows are parsed into ``HistoricalRow``, one kind of record per row (``kind``): a
referral with its participation for an insats of the full process, or, for an insats
that follows a local model (the krans municipalities, issue 11), an aktualisering with
its beredning decision (a destination of the model's list, avvaktan or avslag) and its
outcome. The aktualisering is written as the import writes a referral; its decision
and outcome go through the krans service (``hold_beredning``, one meeting per model
and date, and the outcome check of ``record_outcome``), so they are checked and stored
exactly as when a coordinator records them.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import CaseEventRow, CaseFileRow, CaseOptionRow
from finsam_desktop.db.krans_models import BeredningRow
from finsam_desktop.db.models import InsatsRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.casework import TimelineKind
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.domain.krans import (
    Beredning,
    BeredningDecision,
    CaseDecision,
    LocalListKind,
    ProcessProfile,
)
from finsam_desktop.domain.personnummer import (
    InvalidPersonnummer,
    PersonalNumber,
    parse_personnummer,
)
from finsam_desktop.domain.persons import ForeignBackground, Gender
from finsam_desktop.domain.referrals import (
    ParticipationStatus,
    ReferralStatus,
    add_months,
    answer_due_date,
)
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _, format_number, ngettext
from finsam_desktop.services import krans
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.lots_import import (
    ANSWER_VALUES,
    GENDER_VALUES,
    ImportFileError,
    Rejection,
    _cell_text,
    _municipality_id,
    _norm,
    _party_lookup,
    _place_lookups,
    parse_date,
    read_table,
)
from finsam_desktop.services.persons import person_name_key
from finsam_desktop.services.referrals import next_case_number

__all__ = [
    "ImportFileError",
    "Rejection",
    "import_rows",
    "krans_summary",
    "preview_import",
    "result_text",
]

# field -> accepted headers (compared after _norm: case, spaces, dots and dashes do
# not matter). The first is the one the documentation and the template use.
HEADERS: dict[str, tuple[str, ...]] = {
    "personnummer": (
        "Personnummer",
        "Pnr",
        "Personnr",
        "Person nr",
        "Samordningsnummer",
        "Personnummer/samordningsnummer",
    ),
    "first_name": ("Förnamn",),
    "last_name": ("Efternamn",),
    "name": ("Namn", "Deltagare", "Deltagarens namn", "Efternamn, förnamn"),
    "gender": ("Kön",),
    "foreign_background": (
        "Utländsk bakgrund",
        "Utländsk härkomst",
        "Utrikes född",
        "Utländsk",
        "Utomnordisk bakgrund",
    ),
    "insats": ("Insats", "Verksamhet", "Projekt", "Team"),
    "municipality": ("Hemkommun", "Kommun", "Bostadskommun", "Folkbokföringskommun"),
    "party": (
        "Remitterande part",
        "Remittent",
        "Part",
        "Aktualiserad av",
        "Anvisande part",
        "Remitterande myndighet",
        "Myndighet",
        "Från",
    ),
    "arrived_on": (
        "Ankomstdatum",
        "Remiss inkom",
        "Inkom",
        "Remissdatum",
        "Aktualiserad",
        "Aktualiseringsdatum",
        "Datum",
    ),
    "decision": ("Beslut", "Bedömning", "Beslut om deltagande"),
    "decided_on": (
        "Beslutsdatum",
        "Beslut datum",
        "Datum för beslut",
        "Beredning",
        "Beredningsdatum",
        "Datum för beredning",
    ),
    "decision_reason": (
        "Skäl",
        "Motivering",
        "Avslagsorsak",
        "Skäl för avslag",
        "Orsak till avslag",
    ),
    "answer_sent_on": ("Remissvar skickat", "Remissvar", "Svar skickat"),
    "enrolled_on": (
        "Inskriven",
        "Inskrivningsdatum",
        "Inskrivningsdag",
        "Startdatum",
        "Start",
        "Påbörjad",
    ),
    "closed_on": ("Avslutad", "Avslutsdatum", "Avslut", "Slutdatum", "Utskriven"),
    "exit_route": (
        "Avslutsorsak",
        "Väg ut",
        "Vägar ut",
        "Avslutsanledning",
        "Orsak till avslut",
        "Utfall",
        "Resultat",
    ),
    "entry_income_source": (
        "Försörjning vid start",
        "Huvudsaklig försörjning vid start",
        "Försörjning vid inskrivning",
        "Inkomst vid start",
        "Försörjning",
    ),
    "entry_occupation": (
        "Sysselsättning vid start",
        "Sysselsättning vid inskrivning",
        "Sysselsättning",
    ),
    "entry_education_level": (
        "Utbildning vid start",
        "Utbildningsnivå vid start",
        "Utbildning vid inskrivning",
        "Utbildningsnivå",
        "Utbildning",
    ),
    "entry_support_time": (
        "Tid med offentlig försörjning",
        "Tid i offentlig försörjning",
        "Tid med försörjningsstöd före start",
        "Tid med offentlig försörjning före start",
    ),
    "exit_income_source": (
        "Försörjning vid avslut",
        "Huvudsaklig försörjning vid avslut",
        "Inkomst vid avslut",
    ),
    "exit_occupation": ("Sysselsättning vid avslut",),
    "exit_education_level": ("Utbildning vid avslut", "Utbildningsnivå vid avslut"),
    "contact_person": ("Kontaktperson", "Samordnare", "Kontaktperson på teamet"),
    # The referral's officer, purpose and consent (the aktualisering's, for a local model).
    "officer": ("Handläggare", "Aktualiserande handläggare", "Remittentens namn"),
    "purpose": ("Syfte", "Syfte med aktualiseringen", "Syftet"),
    "consent": ("Samtycke", "Samtycke givet", "Samtycke datum"),
    # Local models only: where the beredning sent the case.
    "destination": ("Destination", "Vart", "Skickad till", "Vart gick ärendet"),
}
REQUIRED = ("personnummer", "arrived_on")
_HEADER_FIELD = {_norm(h): f for f, names in HEADERS.items() for h in names}

# The situation columns and the lists their values come from.
SITUATION_FIELDS: dict[str, OptionList] = {
    "entry_income_source": OptionList.INCOME_SOURCE,
    "entry_occupation": OptionList.OCCUPATION,
    "entry_education_level": OptionList.EDUCATION_LEVEL,
    "entry_support_time": OptionList.SUPPORT_TIME,
    "exit_income_source": OptionList.INCOME_SOURCE,
    "exit_occupation": OptionList.OCCUPATION,
    "exit_education_level": OptionList.EDUCATION_LEVEL,
}

DECISION_VALUES: dict[ReferralStatus, tuple[str, ...]] = {
    ReferralStatus.ACCEPTED: (
        "antagen",
        "antagen/inskriven",
        "antogs",
        "beviljad",
        "inskriven",
        "inskrivning",
        "ja",
        "j",
        "accepted",
    ),
    ReferralStatus.REJECTED: (
        "avslag",
        "avslagen",
        "avslogs",
        "ej antagen",
        "nej",
        "n",
        "rejected",
    ),
    ReferralStatus.DORMANT: ("vilande", "avvaktan", "avvaktar", "väntar", "dormant"),
    ReferralStatus.RECEIVED: ("", "inkommen", "ej beslutad", "ej bedömd", "ej klar", "received"),
}
_DECISION = {_norm(v): d for d, vs in DECISION_VALUES.items() for v in vs}
_GENDER = {_norm(v): g for g, vs in GENDER_VALUES.items() for v in vs}
_FOREIGN = {_norm(v): ForeignBackground(a.value) for a, vs in ANSWER_VALUES.items() for v in vs}

# The stand-in contact person of imported participations whose contact person the file
# does not name (a participation always has one); inactive, so nobody chooses it.
UNKNOWN_CONTACT = N_("Unknown (historical import)")
# Splits "Arbete / Subventionerad anställning" into an exit route and its sub-route.
_ROUTE_SPLIT = re.compile(r"\s+[/–-]\s+|\s*:\s+|\s*>\s*")


KIND_REFERRAL = "referral"  # a referral of the full process and its participation
KIND_AKTUALISERING = "aktualisering"  # an aktualisering of a local model (krans)


@dataclass
class HistoricalRow:
    """One understood row of the file: a referral and, if enrolled, its participation;
    or (``kind`` aktualisering) an aktualisering, its beredning decision and outcome."""

    row: int
    personnummer: PersonalNumber
    insats_id: int
    arrived_on: date
    kind: str = "referral"
    person_id: int | None = None  # the registered person; None: created at import
    first_name: str = ""
    last_name: str = ""
    gender: Gender | None = None  # None: not in the file
    foreign_background: ForeignBackground | None = None
    municipality_id: int | None = None
    party_id: int | None = None
    decision: ReferralStatus = ReferralStatus.RECEIVED
    decided_on: date | None = None
    answer_sent_on: date | None = None
    enrolled_on: date | None = None
    closed_on: date | None = None
    exit_route_id: int | None = None
    exit_sub_route_id: int | None = None
    situation: dict[str, int] = field(default_factory=dict)  # SITUATION_FIELDS -> option id
    contact_person_id: int | None = None
    officer: str = ""
    purpose: str = ""
    decision_reason: str = ""
    consent: bool = False
    consent_on: date | None = None
    # Local models: the beredning's decision (None: not yet decided), where it sent the
    # case, and the outcome (its end date is ``closed_on``).
    krans_decision: BeredningDecision | None = None
    destination_id: int | None = None
    outcome_id: int | None = None
    # What the preview shows of the decision and the outcome or exit route.
    decision_text: str = ""
    outcome_text: str = ""

    @property
    def is_open(self) -> bool:
        """Still running: a second open case of the person in the insats is refused."""
        if self.kind == KIND_AKTUALISERING:
            return self.krans_decision in (None, BeredningDecision.AVVAKTAN) or (
                self.krans_decision is BeredningDecision.DESTINATION and self.outcome_id is None
            )
        return self.decision.is_open or (self.enrolled_on is not None and self.closed_on is None)

    @property
    def key(self) -> tuple[str, int, date]:
        return (self.personnummer.digits, self.insats_id, self.arrived_on)


@dataclass
class ImportPreview:
    file_name: str
    rows_read: int = 0
    rows: list[HistoricalRow] = field(default_factory=list)  # new rows that will be imported
    already_imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_rows: int = 0
    new_persons: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    ignored_columns: list[str] = field(default_factory=list)
    insats_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    referrals: int
    participations: int
    persons_created: int
    persons_completed: int  # found persons whose unknown gender/background the file gave
    already_imported: int
    aktualiseringar: int = 0  # of local models
    decided: int = 0  # aktualiseringar with the beredning's decision
    outcomes: int = 0  # aktualiseringar with their outcome


# --- reading -----------------------------------------------------------------------


def _find_header(rows: list[tuple[int, list[Any]]]) -> int | None:
    for i, (_n, cells) in enumerate(rows[:20]):
        fields = {_HEADER_FIELD.get(_norm(c)) for c in cells}
        if all(f in fields for f in REQUIRED):
            return i
    return None


def _option_keys(name: str) -> set[str]:
    """'Ekonomiskt bistånd (försörjningsstöd)' is found by the whole name, by the part
    before the brackets and by the part in them."""
    keys = {_norm(name)}
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if m:
        keys |= {_norm(m.group(1)), _norm(m.group(2))}
    return {k for k in keys if k}


class _Lookups:
    def __init__(self, session: Session, today: date):
        self.today = today
        self.insatser: dict[str, int] = {}
        self.insats_rows: dict[int, InsatsRow] = {}
        for row in session.scalars(select(InsatsRow)):
            self.insats_rows[row.id] = row
            self.insatser.setdefault(_norm(row.name), row.id)
        active = [i for i, r in self.insats_rows.items() if r.active]
        self.only_insats = active[0] if len(active) == 1 else None
        self.municipalities, self.parties = _place_lookups(session)
        # option list -> key -> (id, parent id)
        self.options: dict[str, dict[str, tuple[int, int | None]]] = {}
        self.option_names: dict[int, str] = {}
        for oid, list_key, name, parent in session.execute(
            select(
                CaseOptionRow.id,
                CaseOptionRow.list_key,
                CaseOptionRow.name,
                CaseOptionRow.parent_id,
            ).order_by(CaseOptionRow.parent_id.is_not(None), CaseOptionRow.position)
        ):
            self.option_names[oid] = name
            for key in _option_keys(name):
                self.options.setdefault(list_key, {}).setdefault(key, (oid, parent))
        self.staff: dict[str, int] = {}
        for sid, name in session.execute(select(StaffRow.id, StaffRow.name)):
            self.staff.setdefault(_norm(name), sid)
        self.persons: dict[str, tuple[int, str, str]] = {}  # filled per file
        self.local = {
            i: _LocalModel(session, i, r.name)
            for i, r in self.insats_rows.items()
            if r.process_profile == ProcessProfile.LOCAL.value
        }

    def load_persons(self, session: Session, numbers: list[str]) -> None:
        for i in range(0, len(numbers), 500):
            for pid, number, gender, background in session.execute(
                select(
                    PersonRow.id,
                    PersonRow.personnummer,
                    PersonRow.gender,
                    PersonRow.foreign_background,
                ).where(PersonRow.personnummer.in_(numbers[i : i + 500]))
            ):
                self.persons[number] = (pid, gender, background)

    def option(self, list_key: OptionList, text: str) -> tuple[int, int | None] | None:
        return self.options.get(list_key.value, {}).get(_norm(text))

    def option_name(self, option_id: int | None) -> str:
        return self.option_names.get(option_id, "") if option_id is not None else ""


class _LocalModel:
    """What a row of a local model is checked against: the parties the model offers
    (the förbund's and its own), its destinations and its outcomes, as the krans
    service lists them for the aktualisering form and the beredning."""

    def __init__(self, session: Session, insats_id: int, name: str):
        self.name = name
        offered = krans.parties_for_insats(session, insats_id)
        self.party_names = [party.name for party in offered]
        self.parties = _party_lookup((p.id, p.name, p.short_name) for p in offered)
        self.destinations, self.destination_names = self._list(
            session, insats_id, LocalListKind.DESTINATION, include_retired=False
        )
        self.outcomes, self.outcome_names = self._list(
            session, insats_id, LocalListKind.OUTCOME, include_retired=True
        )
        self.names = {oid: name for oid, name in self.destinations.values()}
        self.names.update(dict(self.outcomes.values()))

    @staticmethod
    def _list(session, insats_id, kind, include_retired):
        found: dict[str, tuple[int, str]] = {}
        active: list[str] = []
        for option in krans.local_options(session, insats_id, kind, include_retired):
            found.setdefault(_norm(option.name), (option.id, option.name))
            if option.active:
                active.append(option.name)
        return found, active


@requires(Permission.CASEWORK)
def preview_import(session: Session, path: Path | str, today: date | None = None) -> ImportPreview:
    """Read ``path`` and say what importing it would do; writes nothing."""
    require(session, Permission.CASEWORK)
    path = Path(path)
    today = today or clock.today()
    table = list(read_table(path))
    header_index = _find_header(table)
    if header_index is None:
        raise ImportFileError(
            _(
                "No header row with the columns {pnr} and {arrived} was found. "
                "See the list of accepted column headers in the manual."
            ).format(pnr=HEADERS["personnummer"][0], arrived=HEADERS["arrived_on"][0])
        )
    preview = ImportPreview(file_name=path.name)
    position: dict[str, int] = {}
    for i, title in enumerate(table[header_index][1]):
        key = _norm(title)
        if not key:
            continue
        fld = _HEADER_FIELD.get(key)
        if fld is None or fld in position:
            preview.ignored_columns.append(str(title))
        else:
            position[fld] = i
            preview.columns[fld] = str(title).strip()
    lookups = _Lookups(session, today)
    preview.insats_names = {i: r.name for i, r in lookups.insats_rows.items()}
    body = []
    for row_number, cells in table[header_index + 1 :]:
        values = {f: (cells[i] if i < len(cells) else None) for f, i in position.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        body.append((row_number, values))
    numbers = []
    for _n, values in body:
        with contextlib.suppress(InvalidPersonnummer):
            number = parse_personnummer(_cell_text(values.get("personnummer")), today)
            numbers.append(number.digits)
    lookups.load_persons(session, sorted(set(numbers)))

    first_seen: dict[tuple, int] = {}
    understood: list[HistoricalRow] = []
    for row_number, values in body:
        preview.rows_read += 1
        parsed = _parse_row(row_number, values, preview.columns, lookups)
        if isinstance(parsed, list):
            preview.rejected.extend(parsed)
            preview.rejected_rows += 1
            continue
        if parsed.key in first_seen:
            preview.rejected.append(
                Rejection(
                    row_number,
                    "",
                    _(
                        "The same person, insats and arrival date as on row {row}: "
                        "a referral is imported once."
                    ).format(row=first_seen[parsed.key]),
                )
            )
            preview.rejected_rows += 1
            continue
        first_seen[parsed.key] = row_number
        understood.append(parsed)

    existing = _existing_keys(session, understood)
    open_cases = _open_cases(session, understood)
    new_persons: set[str] = set()
    open_in_file: set[tuple[str, int]] = set()
    for row in understood:
        if row.key in existing:
            preview.already_imported += 1
            continue
        still_open = row.is_open
        pair = (row.personnummer.digits, row.insats_id)
        if still_open and ((row.person_id, row.insats_id) in open_cases or pair in open_in_file):
            preview.rejected.append(
                Rejection(
                    row.row,
                    "",
                    _(
                        "The person already has an open referral or an ongoing participation "
                        "in this insats; an open one from the file would be a second."
                    )
                    if row.kind == KIND_REFERRAL
                    else _(
                        "The person already has an aktualisering in this local model that is "
                        "not decided or has no outcome; an open one from the file would be a "
                        "second."
                    ),
                )
            )
            preview.rejected_rows += 1
            continue
        if still_open:
            open_in_file.add(pair)
        if row.person_id is None:
            new_persons.add(row.personnummer.digits)
        preview.rows.append(row)
    preview.new_persons = len(new_persons)
    return preview


def _existing_keys(session: Session, rows: list[HistoricalRow]) -> set[tuple]:
    """Natural keys of the rows that are already in the program."""
    person_ids = sorted({r.person_id for r in rows if r.person_id is not None})
    found: set[tuple] = set()
    for i in range(0, len(person_ids), 500):
        for number, insats_id, arrived_on in session.execute(
            select(PersonRow.personnummer, ReferralRow.insats_id, ReferralRow.arrived_on)
            .join(PersonRow, PersonRow.id == ReferralRow.person_id)
            .where(ReferralRow.person_id.in_(person_ids[i : i + 500]))
        ):
            found.add((number, insats_id, arrived_on))
    return found


def _open_cases(session: Session, rows: list[HistoricalRow]) -> set[tuple[int, int]]:
    """(person, insats) pairs with an open referral or an ongoing participation."""
    person_ids = sorted({r.person_id for r in rows if r.person_id is not None})
    found: set[tuple[int, int]] = set()
    open_statuses = [s.value for s in ReferralStatus if s.is_open]
    for i in range(0, len(person_ids), 500):
        chunk = person_ids[i : i + 500]
        found.update(
            (p, i)
            for p, i in session.execute(
                select(ReferralRow.person_id, ReferralRow.insats_id).where(
                    ReferralRow.person_id.in_(chunk),
                    ReferralRow.status.in_(open_statuses),
                    # a local model's case ends with its outcome (never set in the full one)
                    ReferralRow.outcome_id.is_(None),
                )
            )
        )
        found.update(
            (p, i)
            for p, i in session.execute(
                select(ParticipationRow.person_id, ParticipationRow.insats_id).where(
                    ParticipationRow.person_id.in_(chunk),
                    ParticipationRow.status == ParticipationStatus.ENROLLED.value,
                )
            )
        )
    return found


def _split_name(text: str) -> tuple[str, str]:
    """'Testberg, Åsa' or 'Åsa Testberg' -> ('Åsa', 'Testberg')."""
    text = " ".join(text.split())
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return first, last
    if " " in text:
        first, last = text.rsplit(" ", 1)
        return first, last
    return "", text


def _parse_row(
    row_number: int, values: dict[str, Any], columns: dict[str, str], lookups: _Lookups
) -> HistoricalRow | list[Rejection]:
    problems: list[Rejection] = []
    today = lookups.today

    def reject(fld: str, reason: str) -> None:
        problems.append(Rejection(row_number, columns.get(fld, ""), reason))

    def text(fld: str) -> str:
        return _cell_text(values.get(fld))

    def day(fld: str) -> date | None:
        try:
            value = parse_date(values.get(fld))
        except (ValueError, TypeError, OverflowError):
            reject(
                fld,
                _("'{value}' is not a date (write 2016-03-04, 4/3/2016 or 20160304).").format(
                    value=text(fld)
                ),
            )
            return None
        if value is not None and value > today:
            reject(fld, _("The date {date} lies in the future.").format(date=value.isoformat()))
            return None
        return value

    number = None
    if not text("personnummer"):
        reject("personnummer", _("The personal identity number is missing."))
    else:
        try:
            number = parse_personnummer(text("personnummer"), today)
        except InvalidPersonnummer as exc:
            # The reason never repeats the value: it is personal data.
            reject("personnummer", str(exc))
    person = lookups.persons.get(number.digits) if number else None

    insats_id = None
    if text("insats"):
        insats_id = lookups.insatser.get(_norm(text("insats")))
        if insats_id is None:
            reject(
                "insats",
                _("Unknown insats '{value}'. Add it under Settings first.").format(
                    value=text("insats")
                ),
            )
    elif lookups.only_insats is not None:
        insats_id = lookups.only_insats
    else:
        reject(
            "insats",
            _("Say which insats: the program has several (add a column {column}).").format(
                column=HEADERS["insats"][0]
            ),
        )

    arrived_on = day("arrived_on")
    if arrived_on is None and "arrived_on" in values and not text("arrived_on"):
        reject("arrived_on", _("The arrival date is missing."))

    first, last = text("first_name"), text("last_name")
    if not (first or last) and text("name"):
        first, last = _split_name(text("name"))
    if person is None and number is not None and not (first.strip() and last.strip()):
        reject(
            "name" if "name" in columns else "first_name",
            _("A person not yet registered needs a first name and a last name."),
        )

    row = HistoricalRow(
        row=row_number,
        personnummer=number or PersonalNumber("0" * 12),
        insats_id=insats_id or 0,
        arrived_on=arrived_on or today,
        person_id=person[0] if person else None,
        first_name=" ".join(first.split()),
        last_name=" ".join(last.split()),
    )
    if text("gender"):
        row.gender = _GENDER.get(_norm(text("gender")))
        if row.gender is None:
            reject(
                "gender",
                _("'{value}' is not a gender (kvinna, man, annat or okänt).").format(
                    value=text("gender")
                ),
            )
    if text("foreign_background"):
        row.foreign_background = _FOREIGN.get(_norm(text("foreign_background")))
        if row.foreign_background is None:
            reject(
                "foreign_background",
                _("'{value}' is not one of ja, nej or okänt.").format(
                    value=text("foreign_background")
                ),
            )
    if text("municipality"):
        name = text("municipality")
        row.municipality_id = _municipality_id(lookups.municipalities, name)
        if row.municipality_id is None:
            reject(
                "municipality",
                _("Unknown municipality '{value}'. Add it under Settings first.").format(
                    value=name
                ),
            )
    row.officer = " ".join(text("officer").split())
    row.purpose = text("purpose").strip()
    row.decision_reason = text("decision_reason").strip()
    consent = _consent(text, reject, today)
    model = lookups.local.get(row.insats_id)
    if model is not None:
        _aktualisering_fields(row, model, consent, text, day, reject)
        return problems or row
    if consent is not None:
        row.consent = consent[0]
        row.consent_on = (consent[1] or row.arrived_on) if consent[0] else None
    if text("destination"):
        reject(
            "destination",
            _(
                "A destination belongs to an insats that follows a local model; "
                "{insats} follows the full process."
            ).format(insats=lookups.insats_rows[row.insats_id].name),
        )
    if text("party"):
        row.party_id = lookups.parties.get(_norm(text("party")))
        if row.party_id is None:
            reject(
                "party",
                _(
                    "Unknown party '{value}'. Add it under Settings first, or use "
                    "AF, FK, Soc or Region."
                ).format(value=text("party")),
            )
    decision = _DECISION.get(_norm(text("decision")))
    if decision is None:
        reject(
            "decision",
            _("'{value}' is not a decision (antagen, avslag, vilande, or empty).").format(
                value=text("decision")
            ),
        )
    row.decided_on = day("decided_on")
    row.answer_sent_on = day("answer_sent_on")
    row.enrolled_on = day("enrolled_on")
    row.closed_on = day("closed_on")
    if decision is not None:
        if row.enrolled_on is not None and decision is ReferralStatus.RECEIVED:
            decision = ReferralStatus.ACCEPTED  # enrolled: so it was accepted
        if row.enrolled_on is not None and decision is not ReferralStatus.ACCEPTED:
            reject(
                "enrolled_on",
                _("Only an accepted referral leads to enrolment (the decision is {d}).").format(
                    d=decision.label.lower()
                ),
            )
        row.decision = decision
    if row.closed_on is not None and row.enrolled_on is None:
        reject("closed_on", _("A closing date needs the enrolment date."))
    if arrived_on is not None:
        for fld in ("decided_on", "answer_sent_on", "enrolled_on"):
            value = getattr(row, fld)
            if value is not None and value < arrived_on:
                reject(fld, _("The date lies before the referral arrived."))
    if row.enrolled_on and row.closed_on and row.closed_on < row.enrolled_on:
        reject("closed_on", _("The participation cannot end before it started."))
    if (row.decided_on or row.answer_sent_on) and decision is ReferralStatus.RECEIVED:
        reject("decision", _("A decision date needs the decision (antagen, avslag or vilande)."))

    if text("exit_route"):
        if row.closed_on is None:
            reject("exit_route", _("An exit route needs the closing date."))
        route = _exit_route(lookups, text("exit_route"))
        if route is None:
            reject(
                "exit_route",
                _(
                    "Unknown exit route '{value}'. Use a value of the list under Settings › "
                    "Case work (a sub-route as 'Arbete / Subventionerad anställning')."
                ).format(value=text("exit_route")),
            )
        else:
            row.exit_route_id, row.exit_sub_route_id = route
            row.outcome_text = " / ".join(lookups.option_name(i) for i in route if i is not None)
    for fld, list_key in SITUATION_FIELDS.items():
        if not text(fld):
            continue
        found = lookups.option(list_key, text(fld))
        if found is None:
            reject(
                fld,
                _(
                    "'{value}' is not in the list '{list}'. Use a value of the list under "
                    "Settings › Case work, or add it there first."
                ).format(value=text(fld), list=list_key.label),
            )
        elif row.enrolled_on is None:
            reject(fld, _("The situation at entry and exit belongs to an enrolled participant."))
        elif fld.startswith("exit_") and row.closed_on is None:
            reject(fld, _("The situation at exit needs the closing date."))
        else:
            row.situation[fld] = found[0]
    if text("contact_person"):
        row.contact_person_id = lookups.staff.get(_norm(text("contact_person")))
        if row.contact_person_id is None:
            reject(
                "contact_person",
                _("Unknown staff member '{value}'. Add them under Settings first.").format(
                    value=text("contact_person")
                ),
            )
    return problems or row


_CONSENT = {_norm(v): a.value for a, vs in ANSWER_VALUES.items() for v in vs}


def _consent(text, reject, today: date) -> tuple[bool, date | None] | None:
    """The Samtycke cell: None when empty; (given, on which day if it says)."""
    value = text("consent")
    if not value:
        return None
    answer = _CONSENT.get(_norm(value))
    if answer is not None:
        return answer == "ja", None
    try:
        on = parse_date(value)
    except (ValueError, TypeError, OverflowError):
        reject("consent", _("'{value}' is not ja, nej or a date.").format(value=value))
        return None
    if on is not None and on > today:
        reject("consent", _("The date {date} lies in the future.").format(date=on.isoformat()))
        return None
    return True, on


# Columns of the full process that a local model's aktualisering does not have.
_FULL_PROCESS_ONLY = ("answer_sent_on", "enrolled_on", "contact_person", *SITUATION_FIELDS)


def _aktualisering_fields(row: HistoricalRow, model: _LocalModel, consent, text, day, reject):
    """The rest of a row of a local model: party, consent, the beredning's decision,
    destination and outcome, checked against the model's own lists."""
    row.kind = KIND_AKTUALISERING
    known = ", ".join
    for fld in _FULL_PROCESS_ONLY:
        if text(fld):
            reject(
                fld,
                _(
                    "The column belongs to the full process; {model} follows a local model "
                    "(aktualisering, beredning, outcome)."
                ).format(model=model.name),
            )
    # The aktualisering: the party is one the model offers; the consent is recorded.
    if not text("party"):
        reject(
            "party",
            _("The party that brought up the case is missing ({model} knows: {values}).").format(
                model=model.name, values=known(model.party_names)
            ),
        )
    else:
        row.party_id = model.parties.get(_norm(text("party")))
        if row.party_id is None:
            reject(
                "party",
                _(
                    "Unknown party '{value}' for {model}. Use one of: {values}; or add the "
                    "party to the local model first."
                ).format(value=text("party"), model=model.name, values=known(model.party_names)),
            )
    if consent is not None and not consent[0]:
        reject("consent", _("The person's consent must be recorded before cooperation."))
    # A list of a local model holds cases brought up with consent: when the file does not
    # say on which day, it is the day the case was brought up.
    row.consent, row.consent_on = True, (consent[1] if consent else None) or row.arrived_on

    # The beredning: the decision column may name a destination itself.
    decision_text, destination_text = text("decision"), text("destination")
    kind: BeredningDecision | None = None
    named = model.destinations.get(_norm(decision_text)) if decision_text else None
    if named is not None:
        kind, row.destination_id = BeredningDecision.DESTINATION, named[0]
    else:
        status = _DECISION.get(_norm(decision_text))
        if status is None:
            reject(
                "decision",
                _(
                    "'{value}' is not a decision of {model}: write avvaktan, avslag or one of "
                    "its destinations ({values})."
                ).format(
                    value=decision_text, model=model.name, values=known(model.destination_names)
                ),
            )
            return
        kind = {
            ReferralStatus.ACCEPTED: BeredningDecision.DESTINATION,
            ReferralStatus.REJECTED: BeredningDecision.AVSLAG,
            ReferralStatus.DORMANT: BeredningDecision.AVVAKTAN,
        }.get(status)
    if destination_text:
        found = model.destinations.get(_norm(destination_text))
        if found is None:
            reject(
                "destination",
                _(
                    "Unknown destination '{value}' for {model}. Use one of: {values}; or add "
                    "it to the model's list first."
                ).format(
                    value=destination_text,
                    model=model.name,
                    values=known(model.destination_names),
                ),
            )
        elif kind in (BeredningDecision.AVVAKTAN, BeredningDecision.AVSLAG):
            reject(
                "destination",
                _("A destination belongs to a case the beredning sent on, not to {d}.").format(
                    d=kind.label.lower()
                ),
            )
        elif row.destination_id is not None and row.destination_id != found[0]:
            reject(
                "destination",
                _("The decision names the destination '{a}', this column '{b}'.").format(
                    a=decision_text, b=destination_text
                ),
            )
        else:
            kind, row.destination_id = BeredningDecision.DESTINATION, found[0]
    if kind is BeredningDecision.DESTINATION and not destination_text and not named:
        reject(
            "destination",
            _("Say where the case went (column {column}): one of {values}.").format(
                column=HEADERS["destination"][0], values=known(model.destination_names)
            ),
        )
    if kind is BeredningDecision.AVSLAG and not row.decision_reason:
        reject(
            "decision_reason",
            _("Write the reason for the rejection (column {column}).").format(
                column=HEADERS["decision_reason"][0]
            ),
        )
    row.krans_decision = kind
    row.decision_text = krans.status_text(
        (kind.value if kind else ReferralStatus.RECEIVED.value),
        model.names.get(row.destination_id),
    )
    row.decided_on = day("decided_on")
    if row.decided_on is not None:
        if kind is None:
            reject(
                "decided_on",
                _("A beredning date needs the decision (a destination, avvaktan or avslag)."),
            )
        elif row.decided_on < row.arrived_on:
            reject("decided_on", _("The beredning cannot be before the case was brought up."))

    # The outcome, and the day the case ended.
    row.closed_on = day("closed_on")
    outcome_text = text("exit_route")
    if outcome_text:
        found = model.outcomes.get(_norm(outcome_text))
        if found is None:
            reject(
                "exit_route",
                _(
                    "Unknown outcome '{value}' for {model}. Use one of: {values}; or add it "
                    "to the model's list first."
                ).format(value=outcome_text, model=model.name, values=known(model.outcome_names)),
            )
        elif kind is not BeredningDecision.DESTINATION:
            reject(
                "exit_route",
                _("Only a case the beredning sent to a destination can have an outcome."),
            )
        else:
            row.outcome_id, row.outcome_text = found
    elif row.closed_on is not None:
        reject(
            "closed_on",
            _("An end date needs the outcome (column {column}).").format(column="Utfall"),
        )
    if row.closed_on is not None and row.closed_on < (row.decided_on or row.arrived_on):
        reject("closed_on", _("The case cannot end before the beredning decided it."))


def _exit_route(lookups: _Lookups, text: str) -> tuple[int, int | None] | None:
    """(route, sub-route) for 'Arbete', 'Subventionerad anställning' or 'Arbete / Sub...'."""
    found = lookups.option(OptionList.EXIT_ROUTE, text)
    if found is not None:
        oid, parent = found
        return (parent, oid) if parent else (oid, None)
    parts = _ROUTE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2:
        top, sub = (lookups.option(OptionList.EXIT_ROUTE, p) for p in parts)
        if top and sub and top[1] is None and sub[1] == top[0]:
            return top[0], sub[0]
    return None


@pure
def result_text(result: ImportResult) -> str:
    """What an import did, in a sentence for the window and the command line."""
    referrals = ngettext("{n} referral", "{n} referrals", result.referrals).format(
        n=format_number(result.referrals)
    )
    participations = ngettext(
        "{n} participation", "{n} participations", result.participations
    ).format(n=format_number(result.participations))
    text = _(
        "Imported {referrals} and {participations}; {created} persons registered, "
        "{completed} completed; {old} rows were already in the program."
    ).format(
        referrals=referrals,
        participations=participations,
        created=result.persons_created,
        completed=result.persons_completed,
        old=result.already_imported,
    )
    if result.aktualiseringar:
        text += " " + ngettext(
            "Local models: {n} aktualisering, {decided} decided, {outcomes} with outcome.",
            "Local models: {n} aktualiseringar, {decided} decided, {outcomes} with outcome.",
            result.aktualiseringar,
        ).format(
            n=format_number(result.aktualiseringar),
            decided=result.decided,
            outcomes=result.outcomes,
        )
    return text


@pure
def krans_summary(preview: ImportPreview) -> list[str]:
    """Per local model, what the preview's aktualiseringar are (for the dry run and the
    window): how many, to a destination, avvaktan, avslag, not decided, with outcome."""
    per_model: dict[int, Counter[str]] = {}
    for row in preview.rows:
        if row.kind != KIND_AKTUALISERING:
            continue
        c = per_model.setdefault(row.insats_id, Counter())
        c["total"] += 1
        c[row.krans_decision.value if row.krans_decision else "new"] += 1
        c["outcome"] += row.outcome_id is not None
    lines = []
    for insats_id, c in sorted(
        per_model.items(), key=lambda kv: swedish_key(preview.insats_names.get(kv[0], ""))
    ):
        lines.append(
            ngettext(
                "{model}: {n} aktualisering ({sent} to a destination, {waiting} avvaktan, "
                "{rejected} avslag, {new} not decided; {outcomes} with outcome)",
                "{model}: {n} aktualiseringar ({sent} to a destination, {waiting} avvaktan, "
                "{rejected} avslag, {new} not decided; {outcomes} with outcome)",
                c["total"],
            ).format(
                model=preview.insats_names.get(insats_id, ""),
                n=format_number(c["total"]),
                sent=c[BeredningDecision.DESTINATION.value],
                waiting=c[BeredningDecision.AVVAKTAN.value],
                rejected=c[BeredningDecision.AVSLAG.value],
                new=c["new"],
                outcomes=c["outcome"],
            )
        )
    return lines


# --- writing ---------------------------------------------------------------------


@requires(Permission.CASEWORK)
def import_rows(
    session: Session, preview: ImportPreview, today: date | None = None
) -> ImportResult:
    """Write the preview's rows in this transaction; rows registered meanwhile are skipped."""
    require(session, Permission.CASEWORK)
    today = today or clock.today()
    numbers = sorted({r.personnummer.digits for r in preview.rows})
    persons: dict[str, PersonRow] = {}
    for i in range(0, len(numbers), 500):
        for p in session.scalars(
            select(PersonRow).where(PersonRow.personnummer.in_(numbers[i : i + 500]))
        ):
            persons[p.personnummer] = p
    known_rows = [
        HistoricalRow(r.row, r.personnummer, r.insats_id, r.arrived_on, person_id=p.id)
        for r in preview.rows
        if (p := persons.get(r.personnummer.digits)) is not None
    ]
    existing = _existing_keys(session, known_rows)
    insatser = {r.id: r for r in session.scalars(select(InsatsRow))}
    placeholders: dict[int, int] = {}
    case_numbers: Counter[int] = Counter()
    created = completed = referrals = participations = aktualiseringar = 0
    completed_ids: set[int] = set()
    # Decided aktualiseringar per beredning meeting (local model, date).
    meetings: dict[tuple[int, date], list[tuple[ReferralRow, HistoricalRow]]] = {}
    for row in preview.rows:
        if row.key in existing:
            continue
        person = persons.get(row.personnummer.digits)
        if person is None:
            person = PersonRow(
                personnummer=row.personnummer.digits,
                first_name=row.first_name,
                last_name=row.last_name,
                name_key=person_name_key(row.first_name, row.last_name),
                municipality_id=row.municipality_id,
                gender=(row.gender or Gender.UNKNOWN).value,
                foreign_background=(row.foreign_background or ForeignBackground.UNKNOWN).value,
            )
            session.add(person)
            session.flush()
            persons[person.personnummer] = person
            created += 1
        else:
            changed = False
            if row.gender not in (None, Gender.UNKNOWN) and person.gender == Gender.UNKNOWN.value:
                person.gender, changed = row.gender.value, True
            if (
                row.foreign_background not in (None, ForeignBackground.UNKNOWN)
                and person.foreign_background == ForeignBackground.UNKNOWN.value
            ):
                person.foreign_background, changed = row.foreign_background.value, True
            if person.municipality_id is None and row.municipality_id is not None:
                person.municipality_id, changed = row.municipality_id, True
            if changed and person.id not in completed_ids:
                completed_ids.add(person.id)
                completed += 1
        insats = insatser[row.insats_id]
        year = row.arrived_on.year
        if not case_numbers[year]:
            last = next_case_number(session, year)
            case_numbers[year] = int(last.rsplit("-", 1)[1])
        else:
            case_numbers[year] += 1
        case_number = f"R{year}-{case_numbers[year]:05d}"
        municipality_id = (
            row.municipality_id if row.municipality_id is not None else person.municipality_id
        )
        # What a referral and an aktualisering both hold.
        brought_up = dict(
            case_number=case_number,
            person_id=person.id,
            insats_id=insats.id,
            municipality_id=municipality_id,
            arrived_on=row.arrived_on,
            answer_due=answer_due_date(row.arrived_on, insats.answer_days),
            remittent_party_id=row.party_id,
            remittent_name=row.officer,
            reason=row.purpose,
            consent=row.consent,
            consent_on=row.consent_on,
        )
        if row.kind == KIND_AKTUALISERING:
            # Brought up as register_aktualisering brings it up; decided below.
            referral = ReferralRow(**brought_up, status=ReferralStatus.RECEIVED.value)
            session.add(referral)
            session.flush()
            aktualiseringar += 1
            if row.krans_decision is not None:
                held_on = row.decided_on or row.arrived_on
                meetings.setdefault((insats.id, held_on), []).append((referral, row))
            continue
        decided = row.decision is not ReferralStatus.RECEIVED
        decided_on = row.decided_on or (row.arrived_on if decided else None)
        referral = ReferralRow(
            **brought_up,
            decision_reason=row.decision_reason,
            status=(ReferralStatus.ENROLLED if row.enrolled_on is not None else row.decision).value,
            decided_on=decided_on,
            # A decided referral from the past is answered: the decision date stands in
            # when the file does not say when the remissvar went (docs/deltagare-import.md).
            answer_sent_on=row.answer_sent_on or decided_on,
        )
        session.add(referral)
        session.flush()
        referrals += 1
        if row.enrolled_on is not None:
            contact = row.contact_person_id or _placeholder(session, placeholders, insats.id)
            participation = ParticipationRow(
                person_id=person.id,
                insats_id=insats.id,
                referral_id=referral.id,
                status=(
                    ParticipationStatus.CLOSED if row.closed_on else ParticipationStatus.ENROLLED
                ).value,
                enrolled_on=row.enrolled_on,
                planned_end=add_months(row.enrolled_on, insats.enrolment_months),
                contact_person_id=contact,
                second_contact_person_id=_placeholder(session, placeholders, insats.id),
            )
            session.add(participation)
            session.flush()
            participations += 1
            _case_file(session, participation, row)
    session.flush()
    decided, outcomes = _decide_aktualiseringar(session, meetings, today)
    return ImportResult(
        referrals=referrals,
        participations=participations,
        persons_created=created,
        persons_completed=completed,
        already_imported=preview.already_imported + len(existing),
        aktualiseringar=aktualiseringar,
        decided=decided,
        outcomes=outcomes,
    )


def _decide_aktualiseringar(
    session: Session,
    meetings: dict[tuple[int, date], list[tuple[ReferralRow, HistoricalRow]]],
    today: date,
) -> tuple[int, int]:
    """The beredning decisions and outcomes of the imported aktualiseringar, through the
    krans service: one meeting per model and date (the model's meeting that day, if one
    is already recorded); returns (decided, with outcome)."""
    decided = outcomes = 0
    for (insats_id, held_on), cases in sorted(meetings.items()):
        meeting = session.scalar(
            select(BeredningRow)
            .where(BeredningRow.insats_id == insats_id, BeredningRow.held_on == held_on)
            .order_by(BeredningRow.id)
            .limit(1)
        )
        krans.hold_beredning(
            session,
            Beredning(
                meeting.id if meeting else None,
                insats_id,
                held_on,
                meeting.note if meeting else _("Decided before the program was used (import)."),
                [
                    CaseDecision(
                        referral.id,
                        row.krans_decision,
                        row.destination_id,
                        row.decision_reason,
                        referral.version,
                    )
                    for referral, row in cases
                ],
                meeting.version if meeting else 0,
            ),
            today,
        )
        decided += len(cases)
        for referral, row in cases:
            if row.outcome_id is None:
                continue
            if row.closed_on is not None:
                krans.record_outcome(
                    session, referral.id, row.outcome_id, row.closed_on, referral.version, today
                )
            else:  # the list gives the outcome but not the day the case ended
                krans._store_outcome(session, referral, row.outcome_id, None, today, False)
            outcomes += 1
    return decided, outcomes


def _case_file(session: Session, participation: ParticipationRow, row: HistoricalRow) -> None:
    s = row.situation
    file = CaseFileRow(
        participation_id=participation.id,
        ends_on=participation.planned_end,
        entry_income_source_id=s.get("entry_income_source"),
        entry_occupation_id=s.get("entry_occupation"),
        entry_education_level_id=s.get("entry_education_level"),
        entry_support_time_id=s.get("entry_support_time"),
        entry_recorded_on=row.enrolled_on if any(k.startswith("entry_") for k in s) else None,
        exit_income_source_id=s.get("exit_income_source"),
        exit_occupation_id=s.get("exit_occupation"),
        exit_education_level_id=s.get("exit_education_level"),
        closed_on=row.closed_on,
        exit_route_id=row.exit_route_id,
        exit_sub_route_id=row.exit_sub_route_id,
    )
    session.add(file)
    session.add(
        CaseEventRow(
            participation_id=participation.id,
            happened_on=row.enrolled_on,
            kind=TimelineKind.ENROLMENT.value,
            text=_("Enrolled (historical import)."),
        )
    )
    if row.closed_on is not None:
        session.add(
            CaseEventRow(
                participation_id=participation.id,
                happened_on=row.closed_on,
                kind=TimelineKind.CLOSED.value,
                text=_("Closed (historical import)."),
            )
        )


def _placeholder(session: Session, cache: dict[int, int], insats_id: int) -> int:
    """The insats's inactive stand-in contact person, created on first need."""
    if insats_id in cache:
        return cache[insats_id]
    name = _(UNKNOWN_CONTACT)
    staff_id = session.scalar(
        select(StaffRow.id).where(StaffRow.insats_id == insats_id, StaffRow.name == name)
    )
    if staff_id is None:
        staff = StaffRow(name=name, name_key=swedish_key(name), insats_id=insats_id, active=False)
        session.add(staff)
        session.flush()
        staff_id = staff.id
    cache[insats_id] = staff_id
    return staff_id
