"""Bad input: hostile strings and numbers through every form service and importer parser.

For each service: whatever is typed, the service either saves it (and the stored
value reads back as typed, trimmed) or refuses it with a ValidationError (the form
shows the message next to the field). Nothing else may escape, and after every
example the database passes ``integrity_check``.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from finsam_desktop.db.migrate import open_database
from finsam_desktop.domain.casework import ContactKind
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.lots import LotsCase
from finsam_desktop.domain.organisation import (
    Federation,
    Insats,
    Municipality,
    Party,
    PostalAddress,
    Staff,
)
from finsam_desktop.domain.personnummer import (
    InvalidPersonnummer,
    PersonalNumber,
    parse_personnummer,
)
from finsam_desktop.domain.persons import Gender, Person
from finsam_desktop.domain.referrals import Referral, Remittent
from finsam_desktop.services import demo, lots, organisation, persons, referrals
from finsam_desktop.services.lots_import import parse_birth_year, parse_date

# HOSTILE_EXAMPLES=1000 for a deeper search; the default run stays fast.
FAST = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FRAGMENTS = [
    "'; DROP TABLE person; --",
    "Robert'); DELETE FROM person WHERE ('1'='1",
    "<script>alert('x')</script>",
    "<b>fet</b> &amp; &lt;",
    "{fornamn} {0} %s %(x)s",
    "\x00\x01\x1b[31m\x7f",
    "\u202eevil\u202c",
    "Åsa Ö'Brien-Ärlig",
    "🙂 emoji",
    "line\nbreak\r\ntab\t",
    "x" * 10_000,
    " ",
    "",
]

# Text a user could paste: anything printable or not (no lone surrogates: Qt cannot
# produce them), very long text and known attack fragments.
hostile_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=300),
    st.text(alphabet=st.characters(whitelist_categories=("Cc", "Cf", "Zs")), max_size=50),
    st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS), st.text(max_size=40)),
)


def or_plausible(value):
    """Half the time a plausible value, so examples also reach the saving code."""
    return st.one_of(st.just(value), hostile_text)


hostile_int = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 1, 2**31, -(2**31), 10**12]),
)
maybe_int = st.one_of(st.none(), hostile_int)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory, postgres):
    """One database for all examples of a test (Hypothesis runs many per test)."""
    where = postgres.new() if postgres else tmp_path_factory.mktemp("hostile") / "finsam.sqlite"
    db = open_database(where)
    with db.session() as s:
        demo.create_organisation(s)
    yield db
    db.close()
    if postgres:
        postgres.drop(where)


def integrity_ok(db) -> None:
    if db.on_server:
        return  # a server checks its pages itself; the chain is checked below as on a file
    con = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def save_or_reject(db, fn, *args):
    """The saved result, or None when refused with a ValidationError."""
    try:
        with db.session() as s:
            result = fn(s, *args)
        event("saved")
        return result
    except ValidationError as exc:
        event("refused: " + ",".join(sorted(exc.problems)))
        assert exc.problems and all(isinstance(m, str) and m for m in exc.problems.values())
        return None
    finally:
        integrity_ok(db)


# --- personnummer --------------------------------------------------------------------


@FAST
@given(text=st.one_of(hostile_text, st.from_regex(r"\A\d{6,8}[-+]?\d{4}\Z")))
def test_parse_personnummer_accepts_or_explains(text):
    try:
        number = parse_personnummer(text, today=date(2026, 11, 22))
    except InvalidPersonnummer as exc:
        assert str(exc)
        return
    assert len(number.digits) == 12 and number.digits.isdigit()
    assert parse_personnummer(number.formatted(), today=date(2026, 11, 22)) == number


# --- persons -----------------------------------------------------------------------------


@FAST
@given(
    first=or_plausible("Åsa"),
    last=or_plausible("Testberg"),
    street=hostile_text,
    city=hostile_text,
    phone=hostile_text,
    email=or_plausible(""),
    pnr=or_plausible("19900101-9810"),
)
def test_save_person_stores_what_was_typed_or_refuses(
    shared_db, first, last, street, city, phone, email, pnr
):
    draft = Person(
        None,
        PersonalNumber(""),
        first,
        last,
        PostalAddress(street, "", city),
        gender=Gender.UNKNOWN,
        phone=phone,
        email=email,
    )
    saved = save_or_reject(shared_db, persons.save_person, draft, pnr)
    if saved is None:
        return
    with shared_db.reading() as s:
        again = persons.get_person(s, saved.id)
    assert (again.first_name, again.last_name) == (first.strip(), last.strip())
    assert (again.address.street, again.address.city) == (street.strip(), city.strip())
    assert (again.phone, again.email) == (phone.strip(), email.strip())
    with shared_db.session() as s:  # free the number for the next example
        from finsam_desktop.db.models import PersonRow

        s.delete(s.get(PersonRow, saved.id))


# --- the organisation ------------------------------------------------------------------


@FAST
@given(name=hostile_text, street=hostile_text, phone=hostile_text, org=hostile_text)
def test_save_federation(shared_db, name, street, phone, org):
    with shared_db.reading() as s:
        version = organisation.get_federation(s).version
    saved = save_or_reject(
        shared_db,
        organisation.save_federation,
        Federation(name, PostalAddress(street), phone, org_number=org, version=version),
    )
    if saved is not None:
        assert (saved.name, saved.address.street, saved.org_number) == (
            name.strip(),
            street.strip(),
            org.strip(),
        )


@FAST
@given(name=hostile_text, short=hostile_text, active=st.booleans())
def test_save_municipality_and_party(shared_db, name, short, active):
    saved = save_or_reject(
        shared_db, organisation.save_municipality, Municipality(None, name, active)
    )
    if saved is not None:
        assert saved.name == name.strip()
    party = save_or_reject(shared_db, organisation.save_party, Party(None, name, short, active))
    if party is not None:
        assert (party.name, party.short_name) == (name.strip(), short.strip())


@FAST
@given(
    name=hostile_text,
    title=hostile_text,
    email=or_plausible(""),
    pick=st.integers(0, 3),
    stale=st.booleans(),
)
def test_save_staff(shared_db, name, title, email, pick, stale):
    # Ids come from a list the user picks in; a stale one (the party removed meanwhile)
    # must be refused with a field message, not an integrity error.
    with shared_db.reading() as s:
        party_ids = [None] + [p.id for p in organisation.list_parties(s)]
    party_id = 10**6 if stale else party_ids[pick % len(party_ids)]
    saved = save_or_reject(
        shared_db, organisation.save_staff, Staff(None, name, title, party_id, email=email)
    )
    if saved is not None:
        assert not stale
        assert (saved.name, saved.title) == (name.strip(), title.strip())


@FAST
@given(
    name=hostile_text,
    numbers=st.lists(
        st.one_of(hostile_int, st.integers(1, 40), st.just(10**9)), min_size=8, max_size=8
    ),
    ages=st.one_of(st.tuples(maybe_int, maybe_int), st.just((18, 29))),
    criteria=st.lists(hostile_text, max_size=4),
)
def test_save_insats(shared_db, name, numbers, ages, criteria):
    answer, enrol, ext, parties, cap, follow, contact, _spare = numbers
    draft = Insats(
        None,
        name,
        answer_days=answer,
        enrolment_months=enrol,
        extension_months=ext,
        age_min=ages[0],
        age_max=ages[1],
        min_parties_in_contact=parties,
        exclusion_criteria=criteria,
        caseload_cap=cap,
        plan_follow_up_months=follow,
        remittent_contact_days=contact,
    )
    saved = save_or_reject(shared_db, organisation.save_insats, draft)
    if saved is not None:
        assert saved.name == name.strip()
        assert saved.answer_days == answer and saved.caseload_cap == cap


# --- lotsärenden ---------------------------------------------------------------------------


@FAST
@given(
    officer=hostile_text,
    reference=hostile_text,
    birth_year=st.one_of(maybe_int, st.just(1990)),
    score=st.one_of(maybe_int, st.just(4)),
    received=st.one_of(st.none(), st.dates(), st.just(date(2026, 11, 2))),
    closed=st.one_of(st.none(), st.dates()),
)
def test_save_lots_case(shared_db, officer, reference, birth_year, score, received, closed):
    with shared_db.reading() as s:
        municipality = organisation.list_municipalities(s)[0].id
    case = LotsCase(
        None,
        received,
        municipality,
        officer=officer,
        birth_year=birth_year,
        closed=closed,
        reference=reference,
        survey_sent=score is not None,
        survey_score=score,
    )
    saved = save_or_reject(shared_db, lots.save_lots_case, case, date(2026, 11, 22))
    if saved is not None:
        # The officer's code is stored with its whitespace collapsed (one spelling per code).
        assert saved.officer == " ".join(officer.split()) and saved.birth_year == birth_year


@FAST
@given(
    value=st.one_of(
        hostile_text,
        hostile_int,
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(),
        st.datetimes(),
        st.none(),
    )
)
def test_import_parsers_return_a_value_or_raise_value_error(value):
    for parse in (parse_date, lambda v: parse_birth_year(v, date(2026, 11, 22))):
        try:
            result = parse(value)
        except ValueError:
            continue
        assert result is None or isinstance(result, date | datetime | int)


# --- referrals -------------------------------------------------------------------------


@FAST
@given(
    reason=hostile_text,
    remittent_name=or_plausible("Handläggare Exempelsson"),
    remittent_phone=or_plausible("010-000 00 00"),
    pnr=or_plausible("19910202-9817"),
    first=or_plausible("Saga"),
    arrived_days_ago=st.one_of(st.integers(min_value=-400, max_value=40_000), st.just(3)),
)
def test_save_referral(
    shared_db, reason, remittent_name, remittent_phone, pnr, first, arrived_days_ago
):
    with shared_db.reading() as s:
        # The demo team (the first insats), not one a hostile example above created.
        insats_id = min(i.id for i in organisation.list_insatser(s))
        party_id = organisation.list_parties(s)[0].id
    today = date(2026, 11, 22)
    try:
        arrived = today - timedelta(days=arrived_days_ago)
    except OverflowError:
        return
    draft = Referral(
        None,
        None,
        insats_id,
        arrived,
        remittent=Remittent(party_id, remittent_name, remittent_phone),
        reason=reason,
    )
    new_person = Person(None, PersonalNumber(""), first, "Testberg")
    saved = save_or_reject(shared_db, referrals.save_referral, draft, pnr, new_person, today)
    if saved is not None:
        assert saved.reason == reason.strip() or saved.reason == reason


# --- the lotsärende importer: hostile spreadsheets ---------------------------------------

IMPORT_HEADER = [
    "Inkom",
    "Kommun",
    "Part",
    "Handläggare",
    "Kön",
    "Födelseår",
    "Fråga",
    "Utfall",
    "Avslutad",
    "Betyg",
    "Personnummer",
    "Enkät skickad",
]
cell = st.one_of(
    hostile_text,
    st.sampled_from(
        [
            "2026-03-04",
            "4/3/2016",
            "150914",
            "Björkhälla",
            "AF",
            "kvinna",
            "1985",
            "85",
            "ja",
            "nej",
            "5",
            "19900101-9810",
        ]
    ),
    st.integers(-(10**6), 10**8).map(str),
)


PLAUSIBLE_ROW = [
    "2026-03-04",
    "Björkhälla",
    "AF",
    "K12",
    "kvinna",
    "1985",
    "Information",
    "Arbete",
    "2026-04-01",
    "5",
    "",
    "ja",
]
plausible_row = st.tuples(*(st.one_of(st.just(v), cell) for v in PLAUSIBLE_ROW)).map(list)


@FAST
@given(
    rows=st.lists(
        st.one_of(plausible_row, st.lists(cell, max_size=len(IMPORT_HEADER) + 2)), max_size=8
    ),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_lots_import_of_a_hostile_csv_previews_and_imports_without_harm(
    shared_db, tmp_path_factory, rows, delimiter
):
    import csv

    from finsam_desktop.services import lots_import

    path = tmp_path_factory.mktemp("csv") / "lots.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(IMPORT_HEADER)
        writer.writerows(rows)
    try:
        with shared_db.reading() as s:
            preview = lots_import.preview_import(s, path, date(2026, 11, 22))
    except lots_import.ImportFileError as exc:
        assert str(exc)
        return
    assert preview.rows_read >= len(preview.rows)
    assert "Personnummer" in preview.personal_columns  # never read
    for problem in preview.rejected:
        assert problem.row >= 2 and problem.reason.strip()  # row 1 is the header
    result = save_or_reject(shared_db, lots_import.import_cases, preview)
    if result is not None:
        assert result.imported <= len(preview.rows)
        event(f"imported {min(result.imported, 3)}+")


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_lots_import_of_a_damaged_file_says_so(shared_db, tmp_path_factory, data, suffix):
    from finsam_desktop.services import lots_import

    path = tmp_path_factory.mktemp("bad") / f"lots{suffix}"
    path.write_bytes(data)
    try:
        with shared_db.reading() as s:
            preview = lots_import.preview_import(s, path, date(2026, 11, 22))
    except lots_import.ImportFileError as exc:
        event("refused")
        assert str(exc).strip()
        return
    # Read after all (a few bytes of text make a CSV): then what it read is accounted for.
    event("read")
    assert preview.rows_read >= len(preview.rows) + preview.rejected_rows
    for problem in preview.rejected:
        assert problem.row >= 2 and problem.reason.strip()


# --- case work: the contact journal and the kartläggning -----------------------------------


@pytest.fixture(scope="module")
def enrolled(shared_db):
    from tests.casework_fixtures import enrol_participant

    return enrol_participant(shared_db, serial=7)


@FAST
@given(
    note=or_plausible("Samtal om studier."),
    counterpart=hostile_text,
    kind=st.sampled_from(list(ContactKind)),
    days_ago=st.integers(min_value=-5, max_value=400),
)
def test_save_contact_journal_note(shared_db, enrolled, note, counterpart, kind, days_ago):
    from finsam_desktop.domain.casework import ContactEntry, Counterpart
    from finsam_desktop.services import casework

    today = date(2026, 11, 22)
    entry = ContactEntry(
        None,
        enrolled["participation"],
        today - timedelta(days=days_ago),
        kind,
        [Counterpart.PARTICIPANT],
        note,
        today,
        counterpart_name=counterpart,
    )
    saved = save_or_reject(shared_db, casework.save_contact, entry, today)
    if saved is not None:
        assert saved.counterpart_name == counterpart.strip()
        assert saved.note.strip() == note.strip()


@FAST
@given(data=st.data())
def test_save_mapping_answers(shared_db, enrolled, data):
    from finsam_desktop.domain.mapping import AnswerKind
    from finsam_desktop.services import mapping

    with shared_db.reading() as s:
        questions = mapping.current_template(s).questions()
        # What the form was loaded with: the save is based on it (issue 9 §5).
        loaded = dict(mapping.get_mapping(s, enrolled["participation"]).answers)
    plausible = data.draw(st.booleans())
    # Numbers a scale question must refuse, digits of other scripts included.
    numbers = st.sampled_from(["0", "99", "-1", "1.5", " 3 ", "3a", "²", "٣"])

    def answer(q):
        valid = {
            AnswerKind.TEXT: hostile_text,
            AnswerKind.SCALE: st.sampled_from(["1", "3", "5"]),
            AnswerKind.YES_NO: st.sampled_from(["yes", "no"]),
            AnswerKind.CHOICE: st.sampled_from(q.choices or [""]),
        }[q.kind]
        return valid if plausible else st.one_of(valid, hostile_text, numbers)

    answers = {q.key: data.draw(answer(q)) for q in questions}
    answers[data.draw(hostile_text)] = data.draw(hostile_text)  # a key no question has
    saved = save_or_reject(
        shared_db, mapping.save_answers, enrolled["participation"], answers, None, loaded
    )
    if saved is not None:
        with shared_db.reading() as s:
            again = mapping.get_mapping(s, enrolled["participation"])
        assert again is not None
