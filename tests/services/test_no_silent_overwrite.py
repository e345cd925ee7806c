"""Issue 9 §5: no save silently overwrites another person's change.

Every public services function that edits a record is found by introspection (its name
begins with an editing verb: save_, update_, set_, close_, decide, request_, ...), so a
new one is covered without anyone remembering. Each is either proven here to refuse a
stale save (two copies open the same record, the second copy saves first, the first
copy's save is refused and the second copy's change is still there), or listed with
the reason why it edits nothing another person typed (a new row each time, a one-time
step guarded by the record's state, a database-wide setting, one's own password).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import finsam_desktop.services as services_package
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow, StaffRow
from finsam_desktop.db.referral_models import InfoMeetingRow, ParticipationRow, ReferralRow
from finsam_desktop.domain.casework import ContactEntry, ContactKind, Counterpart
from finsam_desktop.domain.closing import OptionList, Situation
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.krans import LocalListKind, ProcessProfile
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.domain.mapping import AnswerKind, EconomicAdvice
from finsam_desktop.domain.organisation import Insats
from finsam_desktop.domain.plans import StudySupport, WorkTraining
from finsam_desktop.domain.referrals import Decision, DecisionInput, MeetingOutcome
from finsam_desktop.services import (
    accounts,
    case_options,
    casework,
    closing,
    info_meetings,
    krans,
    letter_templates,
    lots,
    mapping,
    organisation,
    persons,
    plans,
    referrals,
    surveys,
)
from finsam_desktop.services.access import Role
from finsam_desktop.services.records import ConcurrentChange

EDITING = re.compile(
    r"^(save|update|set|close|decide|request|reopen|deactivate|reset|change|record_meeting)(_|$)"
)

# Functions that edit nothing another person typed, with the reason (checked by review).
NOT_AN_EDIT = {
    "accounts.change_own_password": "one's own password, proven by the current one",
    "accounts.deactivate": "an action, the same whoever does it first (the last admin stays)",
    "accounts.reset_password": "an administrator's deliberate new password, no typed record",
    "accounts.set_lock_minutes": "one database-wide setting (no record of its own)",
    "backups.save_settings": "one database-wide setting (no record of its own)",
    "drafts.save_draft": "one person's own unsaved form, kept per record and person",
    "letter_templates.reset_template": "a confirmed return to the shipped text",
    "lots.set_satisfaction_goal": "one database-wide setting (no record of its own)",
    "mapping.save_template": "every save adds a new template version; none is changed",
    "retention.save_rules": "one database-wide setting (no record of its own)",
    "closing.reopen_case": "a one-time step: refused unless the case is closed",
    "casework.request_extension": "a one-time step: refused while a request is pending",
    "casework.decide_extension": "a one-time step: a participation is extended only once",
    "krans.set_process_profile": "one choice per insats by an administrator, no typed text",
    "surveys.set_survey_goal": "one database-wide setting (no record of its own)",
    "statistics.set_rounding": "one database-wide setting (no record of its own)",
    "audit.reset_anchor": "starts the access log's outside anchor afresh after a restore",
    "database_key.change_database_key": "a new key for the whole file, no typed record",
    "database_key.deactivate": "accounts.deactivate with a new key for the file",
    "krans.save_model_settings": "two settings of a local model (reminder weeks, volume)",
    "lots.set_outcomes": "a step of lots.save_lots_case, on the row it checked the version of",
}


def editing_functions() -> dict[str, Any]:
    found = {}
    prefix = f"{services_package.__name__}."
    for module_info in pkgutil.walk_packages(services_package.__path__, prefix):
        short = module_info.name.removeprefix(prefix)
        if short.startswith("demo"):
            continue  # the demo generators write as the program, never over anyone
        module = importlib.import_module(module_info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            mine = fn.__module__ == module.__name__ and not name.startswith("_")
            if mine and EDITING.match(name):
                found[f"{short}.{name}"] = fn
    return found


# --- what an editing copy does: load a record, change it, save it ---------------------


@dataclass
class Edit:
    """``load(s)``: the record as a form loads it; ``change(record, mark)``: the form
    with a change; ``save(s, changed, loaded)``: the save a form makes."""

    load: Any
    change: Any
    save: Any
    saved_mark: Any  # ``saved_mark(s)``: something that shows whose change is saved


def first_open_participation(s) -> int:
    return s.scalar(
        select(ParticipationRow.id)
        .where(ParticipationRow.status == "enrolled")
        .order_by(ParticipationRow.id)
    )


def options(s, key: OptionList) -> list[int]:
    return [o.id for o in case_options.list_options(s, key, False) if o.parent_id is None]


def staff_ids(s) -> list[int]:
    return list(s.scalars(select(StaffRow.id).where(StaffRow.active).order_by(StaffRow.id)))


TODAY = date.today()


def scenarios(db: Database) -> dict[str, Edit]:
    with db.session() as s:
        pid = first_open_participation(s)
        insats_id = s.scalar(select(InsatsRow.id).order_by(InsatsRow.id))
        staff = staff_ids(s)
        person_id = s.scalar(select(ParticipationRow.person_id).where(ParticipationRow.id == pid))
        contact = casework.save_contact(
            s,
            ContactEntry(
                None, pid, TODAY, ContactKind.TELEFON, [Counterpart.PARTICIPANT], "Första", TODAY
            ),
            TODAY,
        )
        training = plans.save_work_training(
            s, WorkTraining(None, pid, "Påhittsbageriet", starts_on=TODAY)
        )
        support = plans.save_study_support(s, StudySupport(None, pid, TODAY, "Exempelskolan", 1))
        meeting_id = s.scalar(select(InfoMeetingRow.id).order_by(InfoMeetingRow.id))
        referral_id = s.scalar(
            select(ReferralRow.id)
            .where(ReferralRow.status.in_(("received", "dormant")))
            .order_by(ReferralRow.id)
        )
        text_question = next(
            q.key
            for sec in mapping.current_template(s).sections
            for q in sec.questions
            if q.kind is AnswerKind.TEXT
        )
        entry = [options(s, k)[:2] for k in _ENTRY_LISTS]
        exit_ = [options(s, k)[:2] for k in _ENTRY_LISTS[:3]]
        route = options(s, OptionList.EXIT_ROUTE)[0]
        _account(s)

    def situation(mark: str, at_entry: bool = True) -> Situation:
        i = 0 if mark == "B" else 1
        ids = entry if at_entry else exit_
        return Situation(*(ids[n][i] for n in range(len(ids))))

    with db.session() as s:
        local = organisation.save_insats(s, Insats(None, "Lokal samverkan Provby"))
        krans.set_process_profile(s, local.id, ProcessProfile.LOCAL)
        destination = krans.local_options(s, local.id, LocalListKind.DESTINATION)[0].id

    def local_option(s):
        return next(
            o
            for o in krans.local_options(s, local.id, LocalListKind.DESTINATION, True)
            if o.id == destination
        )

    return {
        "krans.save_local_option": Edit(
            local_option,
            lambda o, m: replace(o, name=f"Lokal samverkan {m}"),
            lambda s, new, _old: krans.save_local_option(s, new),
            lambda s: local_option(s).name,
        ),
        "surveys.save_survey": Edit(
            lambda s: surveys.get_survey(s, pid),
            lambda x, m: replace(x, sent_on=TODAY, answered_on=TODAY, comment=f"Kommentar {m}"),
            lambda s, new, _old: surveys.save_survey(s, new, TODAY),
            lambda s: surveys.get_survey(s, pid).comment,
        ),
        "persons.save_person": Edit(
            lambda s: persons.get_person(s, person_id),
            lambda p, m: replace(p, phone=f"070-{m}"),
            lambda s, new, _old: persons.save_person(s, new),
            lambda s: persons.get_person(s, person_id).phone,
        ),
        "organisation.save_federation": Edit(
            organisation.get_federation,
            lambda f, m: replace(f, phone=f"010-{m}"),
            lambda s, new, _old: organisation.save_federation(s, new),
            lambda s: organisation.get_federation(s).phone,
        ),
        "organisation.save_insats": Edit(
            lambda s: organisation.get_insats(s, insats_id),
            lambda i, m: replace(i, phone=f"010-{m}"),
            lambda s, new, _old: organisation.save_insats(s, new),
            lambda s: organisation.get_insats(s, insats_id).phone,
        ),
        "organisation.save_municipality": Edit(
            lambda s: organisation.list_municipalities(s, True)[0],
            lambda x, m: replace(x, name=f"Exempelby {m}"),
            lambda s, new, _old: organisation.save_municipality(s, new),
            lambda s: organisation.list_municipalities(s, True)[0].name,
        ),
        "organisation.save_party": Edit(
            lambda s: organisation.list_parties(s, True)[0],
            lambda x, m: replace(x, short_name=f"P{m}"),
            lambda s, new, _old: organisation.save_party(s, new),
            lambda s: organisation.list_parties(s, True)[0].short_name,
        ),
        "organisation.save_staff": Edit(
            lambda s: organisation.get_staff(s, staff[0]),
            lambda x, m: replace(x, phone=f"0999-{m}"),
            lambda s, new, _old: organisation.save_staff(s, new),
            lambda s: organisation.get_staff(s, staff[0]).phone,
        ),
        "case_options.save_option": Edit(
            lambda s: case_options.list_options(s, OptionList.BENEFIT, True)[0],
            lambda x, m: replace(x, name=f"Bidrag {m}"),
            lambda s, new, _old: case_options.save_option(s, new),
            lambda s: case_options.list_options(s, OptionList.BENEFIT, True)[0].name,
        ),
        "casework.save_contact": Edit(
            lambda s: next(c for c in casework.list_contacts(s, pid) if c.id == contact.id),
            lambda c, m: replace(c, note=f"Anteckning {m}"),
            lambda s, new, _old: casework.save_contact(s, new, TODAY),
            lambda s: next(c for c in casework.list_contacts(s, pid) if c.id == contact.id).note,
        ),
        "plans.save_work_training": Edit(
            lambda s: next(w for w in plans.list_work_training(s, pid) if w.id == training.id),
            lambda w, m: replace(w, employer_contact=f"Kontakt {m}", visits=[]),
            lambda s, new, _old: plans.save_work_training(s, new),
            lambda s: (
                next(
                    w for w in plans.list_work_training(s, pid) if w.id == training.id
                ).employer_contact
            ),
        ),
        "plans.save_study_support": Edit(
            lambda s: next(x for x in plans.list_study_support(s, pid) if x.id == support.id),
            lambda x, m: replace(x, school=f"Skola {m}"),
            lambda s, new, _old: plans.save_study_support(s, new),
            lambda s: (
                next(x for x in plans.list_study_support(s, pid) if x.id == support.id).school
            ),
        ),
        "plans.save_revision": Edit(
            lambda s: plans.current_plan(s, pid) or _first_plan(s, pid, staff[0]),
            lambda p, m: replace(p, id=None, note=f"Plan {m}", made_on=TODAY),
            lambda s, new, old: plans.save_revision(s, new, TODAY, based_on=old.number),
            lambda s: plans.current_plan(s, pid).note,
        ),
        "mapping.save_advice": Edit(
            lambda s: mapping.get_mapping(s, pid).advice,
            lambda a, m: replace(
                a,
                offered_on=TODAY,
                offered_by_id=staff[0],
                note=f"Rådgivning {m}",
            ),
            lambda s, new, old: mapping.save_advice(s, pid, new, TODAY, old),
            lambda s: mapping.get_mapping(s, pid).advice.note,
        ),
        "mapping.save_answers": Edit(
            lambda s: dict(mapping.get_mapping(s, pid).answers),
            lambda a, m: {**a, text_question: f"Svar {m}"},
            lambda s, new, old: mapping.save_answers(s, pid, new, None, old),
            lambda s: mapping.get_mapping(s, pid).answers[text_question],
        ),
        "closing.save_entry_situation": Edit(
            lambda s: closing.entry_situation(s, pid),
            lambda _x, m: situation(m),
            lambda s, new, old: closing.save_entry_situation(s, pid, new, TODAY, old),
            lambda s: (
                "B" if closing.entry_situation(s, pid).income_source_id == entry[0][0] else "A"
            ),
        ),
        "closing.save_closing_draft": Edit(
            lambda s: closing.get_closing(s, pid),
            lambda c, m: replace(c, summary=f"Sammanfattning {m}"),
            lambda s, new, old: closing.save_closing_draft(s, pid, new, TODAY, old),
            lambda s: closing.get_closing(s, pid).summary,
        ),
        "closing.close_case": Edit(
            lambda s: closing.get_closing(s, pid),
            lambda c, m: replace(
                c,
                closed_on=TODAY,
                exit_route_id=route,
                summary=f"Avslut {m}",
                exit_situation=situation(m, at_entry=False),
            ),
            _close_or_draft(pid),
            lambda s: closing.get_closing(s, pid).summary,
        ),
        "info_meetings.save_meeting": Edit(
            lambda s: info_meetings.get_meeting(s, meeting_id),
            lambda x, m: replace(x, notes=f"Möte {m}"),
            lambda s, new, _old: info_meetings.save_meeting(s, new, today=TODAY),
            lambda s: info_meetings.get_meeting(s, meeting_id).notes,
        ),
        "info_meetings.record_meeting_outcome": Edit(
            lambda s: info_meetings.get_meeting(s, meeting_id),
            lambda x, m: replace(x, outcome=_other_outcomes(x.outcome)[m == "A"]),
            lambda s, new, _old: info_meetings.record_meeting_outcome(
                s, new.id, new.outcome, new.version
            ),
            lambda s: info_meetings.get_meeting(s, meeting_id).outcome,
        ),
        "letter_templates.save_template": Edit(
            lambda s: letter_templates.get_template(s, letter_templates.KALLELSE),
            lambda t, m: replace(t, subject=f"Kallelse {m}"),
            lambda s, new, _old: letter_templates.save_template(s, new),
            lambda s: letter_templates.get_template(s, letter_templates.KALLELSE).subject,
        ),
        "lots.save_category": Edit(
            lambda s: lots.list_categories(s, CategoryKind.QUESTION)[0],
            lambda c, m: replace(c, name=f"Fråga {m}"),
            lambda s, new, _old: lots.save_category(s, new),
            lambda s: (
                lots.get_category(s, lots.list_categories(s, CategoryKind.QUESTION)[0].id).name
            ),
        ),
        "lots.save_lots_case": Edit(
            lambda s: lots.get_lots_case(s, _first_lots_case(s)),
            lambda c, m: replace(c, officer=f"H{m}"),
            lambda s, new, _old: lots.save_lots_case(s, new),
            lambda s: lots.get_lots_case(s, _first_lots_case(s)).officer,
        ),
        "referrals.save_referral": Edit(
            lambda s: referrals.get_referral(s, referral_id),
            lambda r, m: replace(r, reason=f"Skäl {m}"),
            lambda s, new, _old: referrals.save_referral(s, new, today=TODAY),
            lambda s: referrals.get_referral(s, referral_id).reason,
        ),
        "referrals.decide": Edit(
            lambda s: referrals.get_referral(s, referral_id),
            lambda r, m: (r, m),
            lambda s, new, _old: referrals.decide(
                s,
                new[0].id,
                DecisionInput(Decision.DORMANT, TODAY, next_step=f"Nästa {new[1]}"),
                new[0].version,
                TODAY,
            ),
            lambda s: referrals.get_referral(s, referral_id).status.value,
        ),
        "referrals.update_participation_start": Edit(
            lambda s: _participation(s, pid),
            lambda p, m: replace(
                p, enrolled_on=p.enrolled_on - timedelta(days=1 if m == "B" else 2)
            ),
            lambda s, new, _old: referrals.update_participation_start(s, new, TODAY),
            lambda s: str(_participation(s, pid).enrolled_on),
        ),
        "accounts.set_display_name": Edit(
            lambda s: _account(s),
            lambda u, m: (u, f"Ex Redigerare {m}"),
            lambda s, new, _old: accounts.set_display_name(s, new[0].id, new[1], new[0].version),
            lambda s: _account(s).display_name,
        ),
        "accounts.set_insatser": Edit(
            lambda s: (
                _account(s).id,
                accounts.insatser_of(s, _account(s).id),
                [i.id for i in organisation.list_insatser(s)],
            ),
            lambda u, m: (u[0], [u[2][0 if m == "B" else 1]], u[2]),
            lambda s, new, old: accounts.set_insatser(s, new[0], new[1], old[1]),
            lambda s: str(accounts.insatser_of(s, _account(s).id)),
        ),
        "accounts.set_role": Edit(
            lambda s: _account(s),
            lambda u, m: (u, Role.STATISTICS if m == "B" else Role.ADMIN),
            lambda s, new, _old: accounts.set_role(s, new[0].id, new[1], new[0].version),
            lambda s: _account(s).role.value,
        ),
    }


_ENTRY_LISTS = (
    OptionList.INCOME_SOURCE,
    OptionList.OCCUPATION,
    OptionList.EDUCATION_LEVEL,
    OptionList.SUPPORT_TIME,
)


def _other_outcomes(current: MeetingOutcome) -> list[MeetingOutcome]:
    """Two outcomes that differ from the current one (a change, not a repeat)."""
    chosen = (MeetingOutcome.YES, MeetingOutcome.NO, MeetingOutcome.THINKING)
    return [o for o in chosen if o != current][:2]


def _close_or_draft(pid: int):
    """The other copy saves the avslut as a draft (closing would end the case for both)."""

    def save(s, new, old):
        if new.summary.endswith("B"):
            return closing.save_closing_draft(s, pid, replace(new, closed_on=None), TODAY, old)
        return closing.close_case(s, pid, new, TODAY, old)

    return save


def _first_plan(s, pid: int, staff_id: int):
    from finsam_desktop.domain.plans import Goal, PlanRevision

    revision = PlanRevision(
        None, pid, 0, TODAY, goals=[Goal("Ett första mål")], made_by_id=staff_id
    )
    return plans.save_revision(s, revision, TODAY)


def _first_lots_case(s) -> int:
    from finsam_desktop.db.lots_models import LotsCaseRow

    return s.scalar(select(LotsCaseRow.id).order_by(LotsCaseRow.id))


def _participation(s, pid: int):
    referral_id = s.scalar(select(ParticipationRow.referral_id).where(ParticipationRow.id == pid))
    return referrals.participation_for_referral(s, referral_id)


def _account(s):
    existing = [u for u in accounts.list_users(s) if u.username == "ex.redigerare"]
    if existing:
        return existing[0]
    password = "Lösen-för-test-1"
    if not accounts.has_accounts(s):  # the first account is the administrator
        accounts.create_user(s, "ex.admin", "Ex Admin", Role.ADMIN, password, password)
    return accounts.create_user(
        s, "ex.redigerare", "Ex Redigerare", Role.COORDINATOR, password, password
    )


def _refused(exc: BaseException) -> bool:
    if isinstance(exc, ConcurrentChange):
        return True
    # The handlingsplan says it in its own words (a newer plan version was saved).
    return isinstance(exc, ValidationError) and "någon annan" in str(exc).lower()


def test_every_editing_function_is_proven_or_explained(demo_db):
    found = editing_functions()
    proven = set(scenarios(demo_db))
    unexplained = sorted(set(found) - proven - set(NOT_AN_EDIT))
    assert unexplained == [], "a new editing function needs a stale-save scenario here"
    assert sorted(proven - set(found)) == [], "a scenario for a function that is gone"
    assert sorted(set(NOT_AN_EDIT) - set(found)) == []
    assert len(proven) >= 25


@pytest.mark.parametrize("name", sorted(NOT_AN_EDIT))
def test_explained_functions_exist(name):
    assert name in editing_functions()


def test_a_stale_save_is_refused_for_every_editing_function(demo_db):
    """Copy A opens the record, copy B opens it too and saves; A's save is refused and
    B's change is what is saved. Then A, having seen B's version, may save over it."""
    other = Database(demo_db.location)  # a second program on the same database
    refused, failures = [], []
    try:
        for name, edit in sorted(scenarios(demo_db).items()):
            with demo_db.reading() as s:
                mine = edit.load(s)
            with other.reading() as s:
                theirs = edit.load(s)
            with other.session() as s:
                edit.save(s, edit.change(theirs, "B"), theirs)
            with other.reading() as s:
                their_mark = edit.saved_mark(s)
            try:
                with demo_db.session() as s:
                    edit.save(s, edit.change(mine, "A"), mine)
            except Exception as exc:  # noqa: BLE001 (classified just below)
                if not _refused(exc):
                    failures.append(f"{name}: {type(exc).__name__}: {exc}")
                    continue
            else:
                failures.append(f"{name}: the stale save was accepted")
                continue
            with demo_db.reading() as s:
                assert edit.saved_mark(s) == their_mark, name
            refused.append(name)
    finally:
        other.close()
    assert failures == []
    assert len(refused) >= 25


def test_after_seeing_the_saved_version_the_save_goes_through(demo_db):
    """The refusal is not a dead end: based on the saved version, the save succeeds."""
    pid_advice = scenarios(demo_db)["mapping.save_advice"]
    with demo_db.reading() as s:
        mine = pid_advice.load(s)
    with demo_db.session() as s:
        pid_advice.save(s, pid_advice.change(mine, "B"), mine)
    with pytest.raises(ConcurrentChange), demo_db.session() as s:
        pid_advice.save(s, pid_advice.change(mine, "A"), mine)
    with demo_db.reading() as s:
        saved = pid_advice.load(s)
    with demo_db.session() as s:
        pid_advice.save(s, pid_advice.change(saved, "A"), saved)
    with demo_db.reading() as s:
        assert pid_advice.saved_mark(s) == "Rådgivning A"


def test_answers_changed_by_different_people_are_both_kept(demo_db):
    """Kartläggning: two people answering different questions do not collide."""
    with demo_db.session() as s:
        pid = first_open_participation(s)
        keys = [
            q.key
            for sec in mapping.current_template(s).sections
            for q in sec.questions
            if q.kind is AnswerKind.TEXT
        ][:2]
        base = dict(mapping.get_mapping(s, pid).answers)
    with demo_db.session() as s:
        mapping.save_answers(s, pid, {**base, keys[0]: "Svar från B"}, None, base)
    with demo_db.session() as s:
        mapping.save_answers(s, pid, {**base, keys[1]: "Svar från A"}, None, base)
    with demo_db.reading() as s:
        answers = mapping.get_mapping(s, pid).answers
    assert (answers[keys[0]], answers[keys[1]]) == ("Svar från B", "Svar från A")


def test_a_first_save_never_overwrites_what_someone_saved_meanwhile(demo_db):
    """A form that started from nothing (expected None) is refused once something is saved."""
    with demo_db.session() as s:
        pid = first_open_participation(s)
        staff = staff_ids(s)
        advice = EconomicAdvice(TODAY, staff[0], note="Sparad av B")
        if mapping.get_mapping(s, pid).advice.offered_on is None:
            mapping.save_advice(s, pid, advice, TODAY, None)
    with pytest.raises(ConcurrentChange), demo_db.session() as s:
        mapping.save_advice(s, pid, replace(advice, note="A"), TODAY, None)
