"""Issue 9 §3: every public service function and every CLI command, called as every role.

Nothing here lists the functions: they are found by introspection (every public function
of every module in ``finsam_desktop/services/``, every sub-command of the argparse parser),
so a new one is covered without anyone remembering. What each should do comes from its
own declaration (``services/access.py``: ``@requires``, ``@no_personal_data``, ``@pure``,
``@building_block``, ``@before_login`` / ``MODULE_ACCESS``); a function without one fails.

Each function is called with real arguments built by parameter name from a small factory
over an encrypted demo database (the demo accounts: demo = administrator, samordnare,
statistik). For the statistics role the call must be refused (AccessDenied) or return
nothing personal: no name or personnummer of any person in the database anywhere in the
``repr`` of the result (a list query is read, searched by personnummer and counted).
Calls that change data run in a transaction that is rolled back.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import finsam_desktop.services as services_package
from finsam_desktop.db.backup import BackupError
from finsam_desktop.db.engine import Database
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.services.access import (
    ROLE_PERMISSIONS,
    AccessDenied,
    Kind,
    Role,
    access_rule,
)
from finsam_desktop.services.listing import ListQuery

ROOT = Path(__file__).resolve().parents[2]

ROLES = {"demo": Role.ADMIN, "samordnare": Role.COORDINATOR, "statistik": Role.STATISTICS}

# Functions the factory does not call as a role that may call them, and why. Their refusal
# for the other roles is still tested. The test fails if an entry here no longer exists.
NOT_CALLED_WHEN_PERMITTED = {
    "backups.restore_into": "replaces the database under every open session; "
    "tests/services/test_audit_anchor.py::test_a_restore_starts_the_anchor_afresh_and_is_logged",
    "demo.database.fill": "fills a new database with hundreds of persons; "
    "tests/services/test_casework_demo.py",
    "demo.cases.fill_cases": "part of demo.fill (minutes on a full database)",
    "demo.lots.fill_lots": "part of demo.fill",
    "demo.referrals.fill_referrals": "part of demo.fill",
    "demo.database.create_organisation": "creates a second demo organisation; part of demo.fill",
    "demo.krans.fill_krans": "part of demo.fill",
    "database_key.change_database_key": "re-keys the file under the other roles' open "
    "connections; tests/db/test_rekey.py",
    "database_key.deactivate": "re-keys the file as well; tests/db/test_rekey.py",
    "statistics_extract.refresh_extract": "rewrites the statistics extract the statistik role "
    "has open here; tests/db/test_extract.py",
    "statistics_extract.refresh_extract_beside": "the same, in a thread of its own; "
    "tests/db/test_extract.py",
}


def service_functions():
    """(module name, function name, function, module) of every public service function,
    in sub-packages too (``demo.lots`` for services/demo/lots.py)."""
    prefix = f"{services_package.__name__}."
    for info in pkgutil.walk_packages(services_package.__path__, prefix):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                yield info.name.removeprefix(prefix), name, fn, module


FUNCTIONS = sorted(service_functions(), key=lambda f: (f[0], f[1]))


def test_every_service_function_declares_who_may_call_it():
    missing = [f"{m}.{n}" for m, n, fn, mod in FUNCTIONS if access_rule(fn, mod) is None]
    assert missing == [], "declare these in services/access.py terms: " + ", ".join(missing)
    assert len(FUNCTIONS) > 250  # the enumeration found the services


def test_pure_functions_take_no_session_or_database():
    wrong = [
        f"{m}.{n}"
        for m, n, fn, mod in FUNCTIONS
        if rule_kind(fn, mod) is Kind.PURE
        and {"session", "db"} & set(inspect.signature(fn).parameters)
    ]
    assert wrong == []


def test_building_blocks_are_not_called_from_the_window_or_the_command_line():
    blocks = [(m, n) for m, n, fn, mod in FUNCTIONS if rule_kind(fn, mod) is Kind.BUILDING_BLOCK]
    assert blocks
    outside = [
        p
        for p in (ROOT / "finsam_desktop").rglob("*.py")
        if "services" not in p.relative_to(ROOT / "finsam_desktop").parts
    ]
    found = []
    for path in outside:
        text = path.read_text(encoding="utf-8")
        for module, name in blocks:
            # A function of services/demo/database.py is reached as demo.database.NAME,
            # as demo.NAME where the package hands it on, and imported as database.NAME.
            parts = module.split(".")
            packages = "|".join(re.escape(".".join(parts[:i])) for i in range(1, len(parts) + 1))
            holders = f"{packages}|{re.escape(parts[-1])}"
            imported = re.search(rf"services\.(?:{packages}) import[^\n]*\b{name}\b", text)
            if imported or re.search(rf"\b(?:{holders})\.{name}\(", text):
                found.append(f"{path.name}: {module}.{name}")
    assert found == []


def test_the_not_called_list_is_current():
    known = {f"{m}.{n}": access_rule(fn, mod) for m, n, fn, mod in FUNCTIONS}
    stale = [name for name in NOT_CALLED_WHEN_PERMITTED if name not in known]
    assert stale == []


# --- the demo database and the arguments -------------------------------------------------


class World:
    """The demo database, a session per role, and sample values for arguments."""

    def __init__(self, path: Path, tmp: Path):
        from finsam_desktop.services import signin

        self.path, self.tmp = path, tmp
        self.dbs: dict[str, Database] = {}
        for username in ROLES:
            db, _user = signin.log_in(path, username, signin.DEMO_PASSWORD)
            self.dbs[username] = db
        self.program = Database(path, key=self.dbs["demo"].key)
        self._samples()

    def close(self):
        for db in (*self.dbs.values(), self.program):
            db.close()

    def _samples(self):
        from finsam_desktop.db.casework_models import (
            MappingSessionRow,
            PlanRevisionRow,
            WorkTrainingRow,
        )
        from finsam_desktop.db.lots_models import LotsCaseRow, LotsCategoryRow
        from finsam_desktop.db.models import PersonRow
        from finsam_desktop.db.referral_models import (
            InfoMeetingRow,
            ParticipationRow,
            SentLetterRow,
        )
        from finsam_desktop.services import (
            accounts,
            backups,
            case_options,
            casework,
            closing,
            info_meetings,
            letter_templates,
            lots,
            mapping,
            organisation,
            persons,
            plans,
            referrals,
            retention,
        )

        today = date.today()
        with self.program.session() as s:
            first = lambda stmt: s.scalar(stmt.limit(1))  # noqa: E731
            self.people = [
                (r.first_name, r.last_name, r.personnummer) for r in s.scalars(select(PersonRow))
            ]
            part = first(
                select(ParticipationRow.id).join(
                    PlanRevisionRow, PlanRevisionRow.participation_id == ParticipationRow.id
                )
            )
            part = part or first(select(ParticipationRow.id))
            p = s.get(ParticipationRow, part)
            referral = p.referral_id
            meeting = first(select(InfoMeetingRow.id))
            revision = first(
                select(PlanRevisionRow.id).where(PlanRevisionRow.participation_id == part)
            )
            revision = revision or first(select(PlanRevisionRow.id))
            person = s.get(PersonRow, p.person_id)
            staff = organisation.list_staff(s)[0]
            option_list = next(iter(case_options.OptionList))
            self.by_name: dict[str, Any] = {
                "person_id": p.person_id,
                "participation_id": part,
                "referral_id": referral,
                "meeting_id": meeting,
                "revision_id": revision,
                "old_id": revision,
                "new_id": revision,
                "letter_id": first(select(SentLetterRow.id)),
                "case_id": first(select(LotsCaseRow.id)),
                "category_id": first(select(LotsCategoryRow.id)),
                "work_training_id": first(select(WorkTrainingRow.id)),
                "session_id": first(select(MappingSessionRow.id)),
                "insats_id": organisation.list_insatser(s)[0].id,
                "staff_id": staff.id,
                "contact_person_id": staff.id,
                "signatory_id": staff.id,
                "municipality_id": organisation.list_municipalities(s)[0].id,
                # Account changes reach the key file, which no rollback undoes: they are
                # made to an account of their own, not to the demo accounts signed in here.
                "user_id": accounts.create_user(
                    s,
                    "provkonto",
                    "Prov Konto",
                    Role.COORDINATOR,
                    "prov-lösenord-1",
                    "prov-lösenord-1",
                ).id,
                "template_id": mapping.current_template(s).id,
                "person_ids": [p.person_id],
                "ids": [1],
                "insats_ids": [organisation.list_insatser(s)[0].id],
                "text": PersonalNumber(person.personnummer).formatted(),
                "personnummer_text": PersonalNumber(person.personnummer).formatted(),
                "username": "samordnare",
                "password": "ett-nytt-lösenord-1",
                "repeat": "ett-nytt-lösenord-1",
                "current": "fel",
                "display_name": "Samordnare Exempel",
                "role": Role.COORDINATOR,
                "version": 1,
                "months": 3,
                "minutes": 10,
                "percent": 80,
                "fmt": "csv",
                "name": organisation.list_municipalities(s)[0].name,
                "payload": {"note": "x"},
                "record_key": "1",
                "reason": "Prov",
                "note": "Prov",
                "subject": "Prov",
                "sent_by": "Prov",
                "pdf": b"%PDF-1.4",
                "answers": {},
                "af_registered": False,
                "list_key": option_list,
                "action": "view",
                "what": "person",
                "chosen": __import__(
                    "finsam_desktop.services.audit"
                ).services.log_review.LogFilter(),
                "settings": backups.get_settings(s),
                "rules": retention.get_rules(s),
                "federation": organisation.get_federation(s),
                "insats": organisation.get_insats(s, organisation.list_insatser(s)[0].id),
                "staff": staff,
                "party": organisation.list_parties(s)[0],
                "municipality": organisation.list_municipalities(s)[0],
                "option": case_options.list_options(s, option_list)[0],
                "person": persons.get_person(s, p.person_id),
                "referral": referrals.get_referral(s, referral),
                "participation": referrals.participation_for_referral(s, referral),
                "meeting": info_meetings.get_meeting(s, meeting),
                "closing": closing.get_closing(s, part),
                "situation": closing.entry_situation(s, part),
                "revision": plans.current_plan(s, part),
                "case": lots.get_lots_case(s, self.by_name_case(s)),
                "category": lots.get_category(s, first(select(LotsCategoryRow.id))),
                "sections": mapping.current_template(s).sections,
                "composed": __import__(
                    "finsam_desktop.services.letters"
                ).services.letters.compose_kallelse(s, meeting, today),
                "entry": (casework.list_contacts(s, part) or [None])[0],
                "advice": mapping.get_mapping(s, part).advice,
            }
            self.template_kind = letter_templates.KINDS[0]
            self.by_name["template"] = letter_templates.get_template(s, self.template_kind)
            if self.by_name["letter_id"] is None:  # a letter sent, so one can be read again
                from finsam_desktop.services import letters

                sent = letters.record_sent(s, self.by_name["composed"], b"%PDF-1.4 prov")
                self.by_name["letter_id"] = sent.id
        self.by_name["kind"] = self.template_kind
        from finsam_desktop.domain.mapping import MappingSession
        from finsam_desktop.domain.plans import StudySupport, WorkTraining, WorkVisit
        from finsam_desktop.domain.referrals import Decision, DecisionInput, MeetingOutcome

        today, part = date.today(), self.by_name["participation_id"]
        self.by_annotation: dict[str, Any] = {
            "MappingSession": MappingSession(None, today, self.by_name["staff_id"], note="Prov"),
            "WorkTraining": WorkTraining(None, part, "Exempelverkstaden"),
            "StudySupport": StudySupport(None, part, today, "Exempelskolan"),
            "WorkVisit": WorkVisit(None, today),
            "DecisionInput": DecisionInput(Decision.DORMANT, today, next_step="Prov"),
            "MeetingOutcome": MeetingOutcome.THINKING,
            "Person | None": None,  # a new person: none (the number names one already there)
            "int | None": None,
        }
        from finsam_desktop.services import lots_import

        received = lots_import.HEADERS["received"][0]
        municipality = lots_import.HEADERS["municipality"][0]

        csv = self.tmp / "lots.csv"
        csv.write_text(f"{received};{municipality}\n2016-01-05;{self.by_name['name']}\n")
        self.by_name["path"] = csv
        with self.program.reading() as s:
            self.by_name["preview"] = lots_import.preview_import(s, csv)
        self.per_module = self.module_samples()
        self.by_name["dest"] = self.tmp / "copy.sqlite"
        self.by_name["backup"] = self.tmp / "none.sqlite"

    def module_samples(self) -> dict[str, dict[str, Any]]:
        """Arguments whose sample depends on the module (``fn(session, db) -> value``)."""
        from finsam_desktop.db.models import PersonRow
        from finsam_desktop.domain import periods
        from finsam_desktop.domain.krans import Beredning, LocalListKind, LocalOption
        from finsam_desktop.domain.krans import ProcessProfile as Profile
        from finsam_desktop.domain.surveys import ParticipantSurvey
        from finsam_desktop.services import participant_import
        from finsam_desktop.services.listing import Column as ListColumn
        from finsam_desktop.services.listing import ListQuery, ListRow, ListState

        insats = self.by_name["insats"].id
        part = self.by_name["participation_id"]
        people = self.tmp / "deltagare.csv"
        people.write_text("Personnummer;Insats;Ankomstdatum\n", encoding="utf-8")
        with self.program.reading() as ps:  # made as the program: the roles call the import
            preview = participant_import.preview_import(ps, people)
        return {
            "accounts": {"keep": lambda s, db: self.by_name["user_id"]},
            "demo.lots": {"rows": lambda s, db: []},
            "krans": {
                "kind": lambda s, db: LocalListKind.DESTINATION,
                "beredning": lambda s, db: Beredning(None, insats, date.today()),
                "outcome_on": lambda s, db: date.today(),
                "option": lambda s, db: LocalOption(None, insats, LocalListKind.DESTINATION, "P"),
                "profile": lambda s, db: Profile.FULL,
                "outcome_reminder_weeks": lambda s, db: 12,
                "expected_per_year": lambda s, db: 40,
            },
            "listing": {
                "query": lambda s, db: ListQuery(
                    db,
                    [ListColumn("name", "Name", PersonRow.last_name)],
                    select(PersonRow.id, PersonRow.last_name),
                    lambda r: ListRow(r.id, (r.last_name,)),
                    PersonRow.id,
                ),
                "key": lambda s, db: "cases",
                "title": lambda s, db: "Prov",
                "state": lambda s, db: ListState(),
                "path": lambda s, db: self.tmp / "lista.csv",
            },
            "participant_import": {"preview": lambda s, db: preview},
            "statistics": {
                "period": lambda s, db: periods.year(date.today().year),
                "share_decimals": lambda s, db: 1,
                "cross_decimals": lambda s, db: 0,
            },
            "surveys": {"survey": lambda s, db: ParticipantSurvey(part)},
        }

    @staticmethod
    def by_name_case(s):
        from finsam_desktop.db.lots_models import LotsCaseRow

        return s.scalar(select(LotsCaseRow.id).limit(1))

    def markers(self) -> list[str]:
        """What may never reach the statistics role: every name and personnummer."""
        found = []
        for first, last, number in self.people:
            found += [f"{first} {last}", f"{last}, {first}", number]
            if len(number) == 12:
                found += [number[2:], PersonalNumber(number).formatted()]
        return found

    def arguments(self, module: str, fn, session, db) -> tuple[list, dict] | str:
        """The call's arguments, or why the factory cannot make them."""
        args, kwargs = [], {}
        for name, param in inspect.signature(fn).parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if name == "session" or (name == "subject" and module == "access"):
                value = session
            elif name == "db":
                value = db
            elif param.default is not param.empty and name not in ("person_id",):
                continue
            elif name in ("today", "now", "when", "on_day", "enrolled_on", "decided_on"):
                value = date.today() if name != "now" else datetime.now()
            elif (
                name in ("requested_on", "sent_on", "closed_on", "start", "any_day")
                or name == "end"
            ):
                value = date.today()
            elif name == "year":
                value = date.today().year
            elif name == "kind" and module == "drafts":
                value = "person"
            elif module in self.per_module and name in self.per_module[module]:
                value = self.per_module[module][name](session, db)
            elif name == "kind" and module == "lots":
                from finsam_desktop.domain.lots_summary import CategoryKind

                value = next(iter(CategoryKind))
            elif name in self.by_name:
                value = self.by_name[name]
            elif str(param.annotation) in self.by_annotation:
                value = self.by_annotation[str(param.annotation)]
            elif name == "second_contact_person_id":
                value = None
            else:
                return f"no sample for parameter {name!r}"
            if param.kind is param.KEYWORD_ONLY:
                kwargs[name] = value
            else:
                args.append(value)
        return args, kwargs


pytestmark = pytest.mark.sqlite_only(
    reason="signs in to the encrypted demo database as each role; the role checks are the "
    "same Python code on a server (issue 14 §2 adds the server's own)"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from finsam_desktop.services import demo

    tmp = tmp_path_factory.mktemp("roles")
    path = tmp / "demo.sqlite"
    demo.create_demo_database(path, participants=10, lots=5)
    w = World(path, tmp)
    yield w
    w.close()


# Errors a service raises for a value that does not fit (the sample arguments are real
# records, not always the right ones for the call): the call got past the role check.
def domain_errors() -> tuple[type[BaseException], ...]:
    from finsam_desktop.domain.errors import NotFound
    from finsam_desktop.domain.personnummer import InvalidPersonnummer
    from finsam_desktop.services.accounts import LoginFailed
    from finsam_desktop.services.lots_import import ImportFileError
    from finsam_desktop.services.records import ConcurrentChange

    return (
        ValidationError,
        NotFound,
        ConcurrentChange,
        InvalidPersonnummer,
        LoginFailed,
        ImportFileError,
        BackupError,
    )


def call(world: World, username: str, module: str, name: str, fn) -> tuple[str, Any]:
    """("refused" | "result" | "error" | "factory", value) of one call as ``username``."""
    db = world.dbs[username]
    with db._write() as session:
        db._prepare(session, writable=True)
        made = world.arguments(module, fn, session, db)
        if isinstance(made, str):
            return "factory", made
        args, kwargs = made
        try:
            result = fn(*args, **kwargs)
            if isinstance(result, ListQuery):
                result = read_list(result, world)
            return "result", result
        except AccessDenied:
            return "refused", None
        except domain_errors() as exc:
            return "error", exc
        except Exception as exc:  # a wrong sample: reported, never passed over
            return "factory", f"{type(exc).__name__}: {exc}"[:300]
        finally:
            session.rollback()


def read_list(query: ListQuery, world: World) -> list:
    """A list query as a screen reads it: a page, a search by personnummer, the count."""
    rows = query.page(0, 50)
    searched = query.page(0, 50, text=world.by_name["text"]) if query.search else []
    return [query.count(), rows, searched]


def expected(rule, role: Role) -> str:
    if rule.kind is Kind.PERMISSION:
        return "allowed" if rule.permission in ROLE_PERMISSIONS[role] else "refused"
    if rule.kind is Kind.BEFORE_LOGIN:
        return "refused"  # a signed-in session is never a login's
    return "allowed"


def rule_kind(fn, mod) -> Kind | None:
    rule = access_rule(fn, mod)
    return rule.kind if rule else None


CALLED = [
    (m, n, fn, mod)
    for m, n, fn, mod in FUNCTIONS
    if rule_kind(fn, mod) in (Kind.PERMISSION, Kind.NO_PERSONAL_DATA)
    or (
        rule_kind(fn, mod) is Kind.BEFORE_LOGIN
        and next(iter(inspect.signature(fn).parameters), "") == "session"
    )
]


@pytest.mark.parametrize("username", list(ROLES))
def test_every_service_function_as_every_role(world, username):
    role = ROLES[username]
    markers = world.markers()
    problems, counts = [], {"refused": 0, "result": 0, "error": 0, "not called": 0}
    for module, name, fn, mod in CALLED:
        rule = access_rule(fn, mod)
        want = expected(rule, role)
        qualified = f"{module}.{name}"
        if want == "allowed" and qualified in NOT_CALLED_WHEN_PERMITTED:
            counts["not called"] += 1
            continue
        outcome, value = call(world, username, module, name, fn)
        if outcome == "factory":
            problems.append(f"{qualified}: the factory cannot call it ({value})")
            continue
        counts[outcome] += 1
        if want == "refused" and outcome != "refused":
            problems.append(f"{qualified}: not refused for {role}")
        if want == "allowed" and outcome == "refused":
            problems.append(f"{qualified}: refused for {role} though declared open to it")
        if role is Role.STATISTICS and outcome in ("result", "error"):
            shown = repr(value)
            leaked = [m for m in markers if m in shown]
            if leaked:
                problems.append(f"{qualified}: personal data for the statistics role")
    assert problems == [], "\n".join(problems)
    assert counts["refused"] + counts["result"] + counts["error"] > 150, counts
    print(username, len(CALLED), counts)


# --- reading a person's data is logged -----------------------------------------------------


def views_logged(db: Database, since: int) -> list[tuple]:
    from finsam_desktop.db.security_models import AuditRow

    with db.reading() as s:
        rows = s.execute(
            select(AuditRow.username, AuditRow.person_id, AuditRow.what).where(
                AuditRow.id > since, AuditRow.action == "view"
            )
        )
        return [tuple(r) for r in rows]


def last_entry(db: Database) -> int:
    from sqlalchemy import func

    from finsam_desktop.db.security_models import AuditRow

    with db.reading() as s:
        return s.scalar(select(func.max(AuditRow.id)))


SHOWING = [(m, n, fn) for m, n, fn, _mod in FUNCTIONS if getattr(fn, "shows_person", None)]


def test_every_read_that_shows_a_person_is_logged(world):
    """Each function declared ``@shows_person`` (enumerated), read as the coordinator in a
    read-only session, leaves one entry: who, which person, which view."""
    assert len(SHOWING) >= 15
    db = world.dbs["samordnare"]
    problems = []
    for module, name, fn in SHOWING:
        db.__dict__.pop("_recent_views", None)
        since = last_entry(db)
        with db.reading() as session:
            args, kwargs = world.arguments(module, fn, session, db)
            fn(*args, **kwargs)
        views = views_logged(db, since)
        what = fn.shows_person
        if [(u, w) for u, _p, w in views] != [("samordnare", what)] or views[0][1] is None:
            problems.append(f"{module}.{name}: {views}")
        elif (
            "participation_id" in inspect.signature(fn).parameters
            and views[0][1] != world.by_name["person_id"]
        ):
            problems.append(f"{module}.{name}: logged under person {views[0][1]}")
    assert problems == [], "\n".join(problems)


def test_a_search_by_personnummer_is_logged_but_a_list_page_is_not(world):
    from finsam_desktop.services import casework, persons, referral_list

    db = world.dbs["samordnare"]
    number, person_id = world.by_name["text"], world.by_name["person_id"]
    for make, what in (
        (persons.person_list, "person-search"),
        (casework.participation_list, "case-search"),
        (referral_list.referral_list, "referral-search"),
    ):
        query = make(db)
        since = last_entry(db)
        query.page(0, 200)  # a page of the list: no entry per row
        query.page(0, 200, text="Exempel")  # a search by name: the list, not a look-up
        assert views_logged(db, since) == []
        query.page(0, 200, text=number)
        assert views_logged(db, since) == [("samordnare", person_id, what)]
        since = last_entry(db)
        query.page(0, 200, text=number[:4])  # many persons: one entry saying how many
        (entry,) = views_logged(db, since)
        assert entry[0] == "samordnare" and entry[2] == what
    with db.reading() as s:
        assert persons.find_by_personnummer(s, number).id == person_id
    assert views_logged(db, last_entry(db) - 1)[-1] == ("samordnare", person_id, "person-search")


# --- every CLI command as every role ---------------------------------------------------------


def cli_commands(parser=None, prefix: tuple[str, ...] = ()):
    """(words, parser) of every leaf command of the argparse parser."""
    import argparse

    from finsam_desktop.cli import build_parser

    parser = parser or build_parser()
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += cli_commands(sub, (*prefix, name)) or [((*prefix, name), sub)]
    return found


COMMANDS = cli_commands()
# The administrator's restore goes last: it replaces the database the others read.
# A change of database key goes after it (an older copy no longer opens with the new key).
COMMANDS.sort(key=lambda c: (c[0] == ("restore",)) + 2 * (c[0] == ("byt-nyckel",)))


def command_arguments(words, parser, values: dict[str, str]) -> list[str] | str:
    """The command's positional and required arguments, by their ``dest``."""
    argv = list(words)
    for action in parser._actions:
        if (action.option_strings and not action.required) or action.nargs == "?":
            continue  # optional (an optional positional too: "statistik [krans]")
        if action.dest in ("help",):
            continue
        if action.dest not in values:
            return f"no sample for {action.dest!r}"
        value = values[action.dest].replace("NAME", "-".join(words))
        argv += [action.option_strings[0], value] if action.option_strings else [value]
    return argv


@pytest.fixture(scope="module")
def cli_world(world):
    """The same demo database, every session of the service tests closed first: the
    command line signs in on its own, and the administrator's restore replaces the file."""
    from finsam_desktop.services import backups, lots_import, signin

    world.close()
    tmp = world.tmp
    db, _user = signin.log_in(world.path, "demo", signin.DEMO_PASSWORD)
    try:
        backup = backups.backup_to_file(db, tmp / "kopia.sqlite")
    finally:
        db.close()
    csv = tmp / "lots-cli.csv"
    csv.write_text(f"{lots_import.HEADERS['received'][0]};Kommun\n2016-01-05;Exempelbygden\n")
    values = {
        "dest": str(tmp / "copies-NAME"),
        "backup": str(backup),
        "personnummer": world.by_name["text"],
        "file": str(csv),
        "out": str(tmp / "out-NAME.pdf"),
        "period": str(date.today().year),
        "till": "postgresql://finsam@127.0.0.1:1/finsam",  # flytta: no server answers there
    }
    return world.path, tmp, values, world.people


def test_every_cli_command_as_every_role(cli_world, monkeypatch, capsys):
    from finsam_desktop import cli
    from finsam_desktop.services import signin

    path, tmp, values, people = cli_world
    markers = []
    for first, last, number in people:
        markers += [f"{first} {last}", f"{last}, {first}", number, number[2:]]
        markers.append(PersonalNumber(number).formatted())
    refusal = str(AccessDenied())
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    names = {" ".join(words) for words, _parser in COMMANDS}
    assert {"info", "backup", "restore", "registerutdrag", "lots summary", "lots import"} <= names
    problems = []
    outcomes: dict[str, dict[str, int]] = {}
    for username in ("statistik", "samordnare", "demo"):
        role = ROLES[username]
        for words, parser in COMMANDS:
            argv = command_arguments(words, parser, values)
            if isinstance(argv, str):
                problems.append(f"{' '.join(words)}: {argv}")
                continue
            try:
                code = cli.main(["--db", str(path), "--user", username, *argv])
            except SystemExit as exc:
                code = exc.code
            out, err = capsys.readouterr()
            command = " ".join(words)
            assert "Traceback" not in out + err
            refused = code == 4 and refusal in err
            outcomes.setdefault(username, {}).setdefault("refused" if refused else "ran", 0)
            outcomes[username]["refused" if refused else "ran"] += 1
            if command in ("restore", "backup") and role is not Role.ADMIN:
                if not refused:
                    problems.append(f"{command}: not refused for {role} ({code}: {err.strip()})")
                if command == "restore" and list(tmp.glob("demo.before-restore-*")):
                    problems.append("restore: the database was put aside")
            if role is Role.STATISTICS and not refused:
                written = ""
                for produced in tmp.glob(f"*{'-'.join(words)}*"):
                    if produced.is_file() and produced.suffix in (".csv", ".json", ".txt"):
                        written += produced.read_text(errors="replace")
                leaked = [m for m in markers if m in out + err + written]
                if leaked:
                    problems.append(f"{command}: personal data for the statistics role")
            if role is Role.ADMIN and refused:
                problems.append(f"{command}: refused for the administrator")
    assert problems == [], "\n".join(problems)
    print(len(COMMANDS), "commands", outcomes)


def test_restore_and_backup_as_an_administrator_are_logged(cli_world, monkeypatch, capsys):
    from finsam_desktop import cli
    from finsam_desktop.services import log_review, signin

    path, tmp, values, _people = cli_world
    monkeypatch.setenv("FINSAM_PASSWORD", signin.DEMO_PASSWORD)
    assert cli.main(["--db", str(path), "--user", "demo", "backup", str(tmp / "b2")]) == 0
    (fresh,) = [p for p in (tmp / "b2").iterdir() if p.suffix == ".sqlite"]
    assert cli.main(["--db", str(path), "--user", "demo", "restore", str(fresh)]) == 0
    capsys.readouterr()
    db, _user = signin.log_in(path, "demo", signin.DEMO_PASSWORD)
    try:
        with db.reading() as s:
            rows = log_review.review_rows(s, log_review.LogFilter())
            report = log_review.verify_chain(s)
    finally:
        db.close()
    assert report.ok, report.problem
    assert rows[-2][1:3] == ("demo", "Säkerhetskopia återläst")  # then this login
    assert ("demo", "Utskrift eller export", "Säkerhetskopia") in {r[1:4] for r in rows}
