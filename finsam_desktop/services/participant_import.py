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

Rows are parsed into ``HistoricalRow``, one kind of record per row (``kind``): today a
referral with its participation; the krans municipalities' aktualiseringar (issue 11)
are meant to come through the same reader as a second kind with their own fields.
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
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.casework import TimelineKind
from finsam_desktop.domain.closing import OptionList
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
from finsam_desktop.i18n import N_, _, ngettext
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.lots_import import (
    ANSWER_VALUES,
    GENDER_VALUES,
    PARTY_ALIASES,
    ImportFileError,
    Rejection,
    _cell_text,
    _municipality_keys,
    _norm,
    parse_date,
    read_table,
)
from finsam_desktop.services.persons import person_name_key
from finsam_desktop.services.referrals import next_case_number

__all__ = ["ImportFileError", "Rejection", "import_rows", "preview_import", "result_text"]

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
    "decided_on": ("Beslutsdatum", "Beslut datum", "Datum för beslut"),
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
_PARTY_ALIAS = {_norm(k): v for k, v in PARTY_ALIASES.items()}

# The stand-in contact person of imported participations whose contact person the file
# does not name (a participation always has one); inactive, so nobody chooses it.
UNKNOWN_CONTACT = N_("Unknown (historical import)")
# Splits "Arbete / Subventionerad anställning" into an exit route and its sub-route.
_ROUTE_SPLIT = re.compile(r"\s+[/–-]\s+|\s*:\s+|\s*>\s*")


@dataclass
class HistoricalRow:
    """One understood row of the file: a referral and, if enrolled, its participation."""

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


@dataclass(frozen=True)
class ImportResult:
    referrals: int
    participations: int
    persons_created: int
    persons_completed: int  # found persons whose unknown gender/background the file gave
    already_imported: int


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
        # option list -> key -> (id, parent id)
        self.options: dict[str, dict[str, tuple[int, int | None]]] = {}
        for oid, list_key, name, parent in session.execute(
            select(
                CaseOptionRow.id,
                CaseOptionRow.list_key,
                CaseOptionRow.name,
                CaseOptionRow.parent_id,
            ).order_by(CaseOptionRow.parent_id.is_not(None), CaseOptionRow.position)
        ):
            for key in _option_keys(name):
                self.options.setdefault(list_key, {}).setdefault(key, (oid, parent))
        self.staff: dict[str, int] = {}
        for sid, name in session.execute(select(StaffRow.id, StaffRow.name)):
            self.staff.setdefault(_norm(name), sid)
        self.persons: dict[str, tuple[int, str, str]] = {}  # filled per file

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
        still_open = row.decision.is_open or (row.enrolled_on is not None and row.closed_on is None)
        pair = (row.personnummer.digits, row.insats_id)
        if still_open and ((row.person_id, row.insats_id) in open_cases or pair in open_in_file):
            preview.rejected.append(
                Rejection(
                    row.row,
                    "",
                    _(
                        "The person already has an open referral or an ongoing participation "
                        "in this insats; an open one from the file would be a second."
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
                    ReferralRow.person_id.in_(chunk), ReferralRow.status.in_(open_statuses)
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
        row.municipality_id = next(
            (
                lookups.municipalities[k]
                for k in _municipality_keys(name)
                if k in lookups.municipalities
            ),
            None,
        )
        if row.municipality_id is None:
            reject(
                "municipality",
                _("Unknown municipality '{value}'. Add it under Settings first.").format(
                    value=name
                ),
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
        n=result.referrals
    )
    participations = ngettext(
        "{n} participation", "{n} participations", result.participations
    ).format(n=result.participations)
    return _(
        "Imported {referrals} and {participations}; {created} persons registered, "
        "{completed} completed; {old} rows were already in the program."
    ).format(
        referrals=referrals,
        participations=participations,
        created=result.persons_created,
        completed=result.persons_completed,
        old=result.already_imported,
    )


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
    created = completed = referrals = participations = 0
    completed_ids: set[int] = set()
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
                gender=(row.gender or Gender.OKANT).value,
                foreign_background=(row.foreign_background or ForeignBackground.OKANT).value,
            )
            session.add(person)
            session.flush()
            persons[person.personnummer] = person
            created += 1
        else:
            changed = False
            if row.gender not in (None, Gender.OKANT) and person.gender == Gender.OKANT.value:
                person.gender, changed = row.gender.value, True
            if (
                row.foreign_background not in (None, ForeignBackground.OKANT)
                and person.foreign_background == ForeignBackground.OKANT.value
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
        decided = row.decision is not ReferralStatus.RECEIVED
        decided_on = row.decided_on or (row.arrived_on if decided else None)
        referral = ReferralRow(
            case_number=f"R{year}-{case_numbers[year]:05d}",
            person_id=person.id,
            insats_id=insats.id,
            municipality_id=(
                row.municipality_id if row.municipality_id is not None else person.municipality_id
            ),
            arrived_on=row.arrived_on,
            answer_due=answer_due_date(row.arrived_on, insats.answer_days),
            remittent_party_id=row.party_id,
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
    return ImportResult(
        referrals=referrals,
        participations=participations,
        persons_created=created,
        persons_completed=completed,
        already_imported=preview.already_imported + len(existing),
    )


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
