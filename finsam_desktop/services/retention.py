"""Gallring: removing personal data the team no longer needs, while statistics stay true.

The administrator sets the rules (stored in the ``setting`` table). The default is the
social-services one: the personal data of a person whose participation is closed is
removed five years after the last entry about them. Archives may ask to keep everyone
born on the 5th, 15th or 25th of a month for research; that is an option.

Removal *anonymises*: the person row stays with gender, utländsk bakgrund, birth year
and home municipality, and every row about them keeps its dates, statuses, choices and
outcomes, so counts for past years do not change. Names, personnummer, addresses,
phone numbers, e-mail, free text and stored letters go. A person is never a
candidate while a participation is enrolled or a referral is still open. The access
log is not touched: it is kept at least five years on its own rules.

Changes are made with Core UPDATEs on purpose: the change log on ORM flushes would
otherwise copy every removed value into the access log as its "before" value. One
log entry per anonymised person records that gallring was run, by whom and when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    delete,
    update,
)
from sqlalchemy.orm import Session

from finsam_desktop.db.models import PersonRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, no_personal_data, pure, require, requires
from finsam_desktop.services.person_records import collect, person_tables
from finsam_desktop.services.records import setting_value, store_setting

SETTING_KEY = "retention"
RESEARCH_DAYS = (5, 15, 25)
ANONYMISED_MARK = "*"  # in the personnummer column: never part of a real number
MIN_YEARS, MAX_YEARS = 1, 100

# String columns that hold codes (kept); any other short string is kept unless its
# name says it is personal. Text and binary columns (notes, letters) always go.
_PERSONAL_NAME = re.compile(
    r"name|street|postcode|city|address|phone|email|note|text|attendees|recipient|"
    r"subject|reference|sent_by|officer|remittent|summary|recommendation|description|"
    r"workplace|school|employer|counterpart"
)
_KEEP_NAME = re.compile(
    r"^(status|outcome|gender|foreign_background|kind|case_number|question_key)$"
)
LONG_STRING = 60

# What stays open: such a person is never a candidate, however old the last entry.
OPEN_STATES = {"participation": {"enrolled"}, "referral": {"received", "dormant", "accepted"}}


@dataclass(frozen=True)
class RetentionRules:
    years: int = 5
    keep_research_days: bool = False  # keep persons born on the 5th, 15th or 25th

    def cutoff(self, today: date) -> date:
        """Last entries on or before this day are old enough to be removed."""
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.years, day=28)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    personnummer: str  # formatted; masked for a person with protected identity
    name: str
    birth_year: int
    gender: Gender
    municipality_id: int | None
    last_activity: date
    rows: int  # how many rows about the person gallring changes


@dataclass(frozen=True)
class RetentionResult:
    persons: int
    rows: int


@no_personal_data
def get_rules(session: Session) -> RetentionRules:
    value = setting_value(session, SETTING_KEY)
    value = value if isinstance(value, dict) else {}
    return RetentionRules(
        years=int(value.get("years", RetentionRules.years)),
        keep_research_days=bool(value.get("keep_research_days", False)),
    )


@requires(Permission.ADMINISTER)
def save_rules(session: Session, rules: RetentionRules) -> RetentionRules:
    require(session, Permission.ADMINISTER)
    if not MIN_YEARS <= rules.years <= MAX_YEARS:
        raise ValidationError.single(
            "years",
            _("Give a number of years between {low} and {high}.").format(
                low=MIN_YEARS, high=MAX_YEARS
            ),
        )
    store_setting(
        session,
        SETTING_KEY,
        {"years": rules.years, "keep_research_days": rules.keep_research_days},
    )
    return rules


@pure
def is_anonymised(personnummer: str) -> bool:
    return ANONYMISED_MARK in (personnummer or "")


@pure
def anonymised_number(birth_year: int, person_id: int) -> str:
    """A unique stand-in that keeps the birth year (1 July, so ages are right on average)
    and can never be a real number: it holds a character no personnummer has."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code, n = "", person_id
    while True:
        n, rest = divmod(n, 36)
        code = digits[rest] + code
        if n == 0:
            break
    return f"{birth_year:04d}0701{ANONYMISED_MARK}{code}"


@pure
def is_personal_column(column) -> bool:
    """Does gallring blank this column? ``info={"personal": True/False}`` on a model
    column decides; otherwise free text, binary data and name-like strings go."""
    marked = column.info.get("personal")
    if marked is not None:
        return bool(marked)
    if column.primary_key or column.foreign_keys:
        return False
    kind = column.type
    if isinstance(kind, LargeBinary | Text):
        return True
    if isinstance(kind, Boolean | Integer | JSON) or not isinstance(kind, String):
        return False
    if _KEEP_NAME.match(column.name):
        return False
    return bool(_PERSONAL_NAME.search(column.name)) or (kind.length or 0) > LONG_STRING


def _blank(column) -> Any:
    if isinstance(column.type, LargeBinary):
        return None if column.nullable else b""
    return "" if not column.nullable else None


def _is_open(rows: dict[str, list[dict]]) -> bool:
    for table, states in OPEN_STATES.items():
        if any(r.get("status") in states for r in rows.get(table, [])):
            return True
    return False


@requires(Permission.ADMINISTER)
def candidates(session: Session, today: date | None = None) -> list[Candidate]:
    """Who gallring would anonymise today, oldest last entry first (the preview)."""
    require(session, Permission.ADMINISTER)
    from finsam_desktop.services.privacy import mask_person_fields

    today = today or clock.today()
    rules = get_rules(session)
    cutoff = rules.cutoff(today)
    found = collect(session, full=False)
    out = []
    for person_id, person_rows in found.rows["person"].items():
        person = person_rows[0]
        if is_anonymised(person["personnummer"]):
            continue
        every = found.of(person_id)
        if _is_open(every):
            continue
        last = found.last_activity(person_id)
        if last is None or last > cutoff:
            continue
        number = PersonalNumber(person["personnummer"])
        if rules.keep_research_days and number.birth_date.day in RESEARCH_DAYS:
            continue
        shown = mask_person_fields(
            {**person, "personnummer": PersonalNumber(person["personnummer"]).formatted()},
            identity=True,
        )
        out.append(
            Candidate(
                person_id=person_id,
                personnummer=shown["personnummer"],
                name=f"{shown['first_name']} {shown['last_name']}".strip(),
                birth_year=number.birth_date.year,
                gender=Gender(person["gender"]),
                municipality_id=person["municipality_id"],
                last_activity=last,
                rows=sum(len(v) for v in every.values()),
            )
        )
    return sorted(out, key=lambda c: (c.last_activity, c.person_id))


@requires(Permission.ADMINISTER)
def run(session: Session, person_ids: list[int], today: date | None = None) -> RetentionResult:
    """Anonymise the given persons (the ones the administrator confirmed in the preview).

    Each is checked again against today's rules, so a person who got a new entry since
    the preview is left alone."""
    require(session, Permission.ADMINISTER)
    from finsam_desktop.services import audit

    allowed = {c.person_id for c in candidates(session, today)}
    chosen = [pid for pid in person_ids if pid in allowed]
    _remove_old_drafts(session, get_rules(session).cutoff(today or clock.today()))
    if not chosen:
        return RetentionResult(0, 0)
    found = collect(session, chosen, full=False)
    changed: dict[int, int] = dict.fromkeys(chosen, 0)
    for table, _links in person_tables():
        rows = [(pid, row) for pid in chosen for row in found.rows[table.name].get(pid, [])]
        if rows and _anonymise_rows(session, table, rows):
            for pid, _row in rows:
                changed[pid] += 1
    for person_id in chosen:
        audit.record(
            session,
            audit.Action.GALLRING,
            table="person",
            record_id=person_id,
            person_id=person_id,
            what="anonymised",
            details={"rows": changed[person_id]},
        )
    return RetentionResult(len(chosen), sum(changed.values()))


def _remove_old_drafts(session: Session, cutoff: date) -> None:
    """Half-filled forms (which may hold anything typed about anyone) older than the
    retention period go too; a draft is meant to live for days, not years."""
    from finsam_desktop.db.referral_models import DraftRow

    session.execute(delete(DraftRow).where(DraftRow.saved_at < datetime.combine(cutoff, time())))


def _anonymise_rows(session: Session, table: Table, rows: list[tuple[int, dict]]) -> bool:
    """Blank the personal columns of ``rows`` (person id, row) in one executemany."""
    personal = [c for c in table.columns if is_personal_column(c)]
    values: dict[str, Any] = {c.name: _blank(c) for c in personal}
    is_person = table.name == PersonRow.__tablename__
    if is_person:
        values["personnummer"] = bindparam("new_personnummer")
    if not values:
        return False
    if "version" in table.c:
        # An open form elsewhere then gets "someone else changed it" instead of
        # writing the removed data back.
        values["version"] = table.c.version + 1
    keys = list(table.primary_key.columns)
    stmt = update(table).where(*[k == bindparam(f"pk_{k.name}") for k in keys]).values(**values)
    params = []
    for person_id, row in rows:
        p = {f"pk_{k.name}": row[k.name] for k in keys}
        if is_person:
            birth_year = PersonalNumber(row["personnummer"]).birth_date.year
            p["new_personnummer"] = anonymised_number(birth_year, person_id)
        params.append(p)
    session.execute(stmt, params)
    return True
