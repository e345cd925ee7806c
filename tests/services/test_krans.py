"""The krans municipalities' local models on a real database (issue 11, seed 004).

The week table is checked against Vännäs in Umeåregionen's board paper: weeks 26–43 of
2016, 17 aktualiserade (AF 4, socialtjänsten 8, Liljaskolan 4, hälsocentralen 1), of
whom 6 to lokal samverkan unga, 9 to lokal samverkan vuxna, 1 to Steget vidare and 1
in avvaktan; 26 in the year so far against an expected volume of 40.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ReferralRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.krans import (
    Beredning,
    BeredningDecision,
    CaseDecision,
    LocalListKind,
    LocalOption,
    ProcessProfile,
)
from finsam_desktop.domain.organisation import Insats, PostalAddress
from finsam_desktop.domain.personnummer import PersonalNumber
from finsam_desktop.domain.persons import Person
from finsam_desktop.domain.referrals import Referral, ReferralStatus, Remittent
from finsam_desktop.services import krans, organisation
from finsam_desktop.services.access import AccessDenied, Role, User
from finsam_desktop.services.demo import fake_personnummer

TODAY = date(2016, 12, 1)
_rng = random.Random(4)
_serial = iter(range(10_000))


def pnr() -> str:
    n = next(_serial)
    return fake_personnummer(_rng, date(1990 + n % 20, 1 + n % 12, 1 + n % 27), n)


@pytest.fixture
def model(demo_db):
    """A local model for Vännäs (here: Älvsnäs) with its own parties."""
    with demo_db.session() as s:
        insats = organisation.save_insats(
            s, Insats(None, "Lokal samverkan Älvsnäs", age_min=None, age_max=None)
        )
        krans.set_process_profile(s, insats.id, ProcessProfile.LOCAL, outcome_reminder_weeks=8)
        s.get(InsatsRow, insats.id).expected_per_year = 40
        parties = {p.short_name: p.id for p in organisation.list_parties(s)}
        parties["Liljaskolan"] = krans.add_local_party(s, insats.id, "Liljaskolan").id
        parties["HC"] = krans.add_local_party(s, insats.id, "Älvsnäs hälsocentral", "HC").id
        options = {
            o.name: o.id for o in krans.local_options(s, insats.id, LocalListKind.DESTINATION)
        }
        outcomes = {o.name: o.id for o in krans.local_options(s, insats.id, LocalListKind.OUTCOME)}
        municipality = {m.name: m.id for m in organisation.list_municipalities(s)}["Älvsnäs"]
    return {
        "insats": insats.id,
        "parties": parties,
        "dest": options,
        "outcomes": outcomes,
        "m": municipality,
    }


def bring_up(db, model, party: str, arrived: date) -> Referral:
    with db.session() as s:
        return krans.register_aktualisering(
            s,
            Referral(
                None,
                None,
                model["insats"],
                arrived,
                remittent=Remittent(model["parties"][party], "Ola Handläggarsson"),
                reason="Lokal samverkan kring arbete.",
                consent=True,
                consent_on=arrived,
            ),
            pnr(),
            Person(
                None,
                PersonalNumber(""),
                "Kim",
                "Påhittsson",
                PostalAddress("Påhittsgatan 1", "999 99", "Älvsnäs"),
                municipality_id=model["m"],
            ),
            TODAY,
        )


def decide(db, model, held_on, pairs):
    """pairs: (referral, destination name | 'avvaktan' | 'avslag')."""
    decisions = []
    for ref, where in pairs:
        if where == "avvaktan":
            decisions.append(CaseDecision(ref.id, BeredningDecision.AVVAKTAN, version=ref.version))
        elif where == "avslag":
            decisions.append(
                CaseDecision(
                    ref.id, BeredningDecision.AVSLAG, reason="Ej målgrupp", version=ref.version
                )
            )
        else:
            decisions.append(
                CaseDecision(
                    ref.id,
                    BeredningDecision.DESTINATION,
                    model["dest"][where],
                    version=ref.version,
                )
            )
    with db.session() as s:
        return krans.hold_beredning(
            s, Beredning(None, model["insats"], held_on, "", decisions), TODAY
        )


UNGA, VUXNA = "Lokal samverkan unga", "Lokal samverkan vuxna"


@pytest.fixture
def season(demo_db, model):
    """Vännäs 2016: 9 in weeks 5–23, then the 17 of weeks 26–43 as the board paper shows."""
    spring = [
        bring_up(demo_db, model, p, date(2016, 2, 8 + i))
        for i, p in enumerate(["AF", "AF", "FK", "SOC", "SOC", "Liljaskolan", "KAA", "HC", "AF"])
    ]
    decide(demo_db, model, date(2016, 3, 1), [(r, VUXNA) for r in spring])
    autumn_parties = ["AF"] * 4 + ["SOC"] * 8 + ["Liljaskolan"] * 4 + ["HC"]
    autumn = [
        bring_up(demo_db, model, p, date(2016, 7, 1 + i)) for i, p in enumerate(autumn_parties)
    ]
    # AF: 2 unga, 2 vuxna; Soc: 1 unga, 5 vuxna, 1 Steget vidare, 1 avvaktan;
    # Liljaskolan: 3 unga, 1 vuxna; HC: 1 vuxna.
    where = [UNGA, UNGA, VUXNA, VUXNA] + [UNGA] + [VUXNA] * 5 + ["Steget vidare", "avvaktan"]
    where += [UNGA] * 3 + [VUXNA] + [VUXNA]
    decide(demo_db, model, date(2016, 11, 1), list(zip(autumn, where, strict=True)))
    return spring, autumn


def test_week_table_reproduces_vannas_weeks_26_to_43(demo_db, model, season):
    start, end = krans.iso_week_range(2016, 26, 43)
    assert (start, end) == (date(2016, 6, 27), date(2016, 10, 30))
    with demo_db.reading() as s:
        table = krans.week_table(s, start, end, municipality_id=model["m"])
    (vannas,) = [c for c in table.columns if c.insats_id == model["insats"]]
    assert vannas.total == 17
    assert dict(vannas.by_party) == {
        "Arbetsförmedlingen": 4,
        "Socialtjänsten": 8,
        "Liljaskolan": 4,
        "Älvsnäs hälsocentral": 1,
    }
    assert dict(vannas.by_destination) == {UNGA: 6, VUXNA: 9, "Steget vidare": 1}
    assert vannas.avvaktan == 1 and vannas.avslag == 0 and vannas.not_decided == 0
    assert sum(vannas.cross.values()) == 16  # avvaktan has no destination
    assert vannas.outcome_missing == 16  # the board paper's complaint, now counted
    assert vannas.year_to_date == 26
    assert vannas.expected_per_year == 40
    # 1 January to 30 October 2016 is 304 of 366 days.
    assert vannas.expected_to_date == pytest.approx(40 * 304 / 366)
    assert table.destinations[:2] == [UNGA, VUXNA]
    assert table.total.total == 17


def test_weeks_5_to_23_and_outcomes(demo_db, model, season):
    spring, autumn = season
    with demo_db.session() as s:
        krans.record_outcome(
            s, spring[0].id, model["outcomes"]["Arbete"], date(2016, 6, 1), today=TODAY
        )
        krans.record_outcome(
            s, spring[1].id, model["outcomes"]["Studier"], date(2016, 6, 2), today=TODAY
        )
    with demo_db.reading() as s:
        table = krans.week_table(s, *krans.iso_week_range(2016, 5, 23))
    (vannas,) = [c for c in table.columns if c.insats_id == model["insats"]]
    assert vannas.total == 9
    assert dict(vannas.outcomes) == {"Arbete": 1, "Studier": 1}
    assert vannas.work_or_studies == 2
    assert vannas.outcome_missing == 7
    assert vannas.year_to_date == 9


def test_avslag_needs_a_reason_and_every_problem_is_named(demo_db, model):
    a = bring_up(demo_db, model, "AF", date(2016, 9, 1))
    b = bring_up(demo_db, model, "AF", date(2016, 9, 2))
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        krans.hold_beredning(
            s,
            Beredning(
                None,
                model["insats"],
                date(2016, 9, 5),
                decisions=[
                    CaseDecision(a.id, BeredningDecision.AVSLAG, version=a.version),
                    CaseDecision(b.id, BeredningDecision.DESTINATION, version=b.version),
                ],
            ),
            TODAY,
        )
    assert set(err.value.problems) == {
        f"decision.{a.id}.reason",
        f"decision.{b.id}.destination_id",
    }
    with demo_db.reading() as s:
        waiting = krans.awaiting_beredning(s, model["insats"])
    assert [w.referral_id for w in waiting] == [a.id, b.id]  # nothing half-decided


def test_aktualisering_requires_party_purpose_and_consent(demo_db, model):
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        krans.register_aktualisering(
            s,
            Referral(None, None, model["insats"], date(2016, 9, 1), reason=" ", consent=False),
            pnr(),
            Person(None, PersonalNumber(""), "Kim", "Påhittsson", PostalAddress(), model["m"]),
            TODAY,
        )
    assert {"remittent_party_id", "reason", "consent"} <= set(err.value.problems)


def test_full_process_insats_refuses_aktualisering(demo_db, model):
    with demo_db.session() as s:
        full = organisation.list_insatser(s, profile=ProcessProfile.FULL)[0].id
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        krans.register_aktualisering(
            s, Referral(None, None, full, date(2016, 9, 1)), pnr(), None, TODAY
        )
    assert "insats_id" in err.value.problems


def test_reminder_for_cases_without_outcome(demo_db, model):
    old = bring_up(demo_db, model, "AF", date(2016, 9, 1))
    bring_up(demo_db, model, "AF", date(2016, 11, 20))  # too recent for a reminder
    rejected = bring_up(demo_db, model, "AF", date(2016, 9, 2))
    decide(demo_db, model, date(2016, 9, 5), [(old, UNGA), (rejected, "avslag")])
    with demo_db.reading() as s:
        due = krans.outcomes_missing(s, TODAY)
    assert [d.referral_id for d in due] == [old.id]
    assert due[0].weeks == 13  # 2016-09-01 to 2016-12-01 is 91 days
    with demo_db.session() as s:
        version = s.get(ReferralRow, old.id).version
        krans.record_outcome(
            s, old.id, model["outcomes"]["Annan lösning"], date(2016, 11, 1), version, TODAY
        )
    with demo_db.reading() as s:
        assert krans.outcomes_missing(s, TODAY) == []


def test_a_case_no_beredning_decided_is_reminded_as_not_decided(demo_db, model):
    undecided = bring_up(demo_db, model, "AF", date(2016, 9, 1))
    decided = bring_up(demo_db, model, "AF", date(2016, 9, 2))
    decide(demo_db, model, date(2016, 9, 5), [(decided, UNGA)])
    with demo_db.reading() as s:
        due = {d.referral_id: d for d in krans.outcomes_missing(s, TODAY)}
        details = {r.referral_id: r.detail for r in krans.outcome_reminders(s, TODAY)}
    assert due[undecided.id].decided is False and due[decided.id].decided is True
    assert details[decided.id] == decided.case_number
    assert details[undecided.id] == f"{undecided.case_number}, ej beredd"


def test_outcome_only_after_a_destination(demo_db, model):
    waiting = bring_up(demo_db, model, "AF", date(2016, 9, 1))
    with demo_db.session() as s, pytest.raises(ValidationError) as err:
        krans.record_outcome(
            s, waiting.id, model["outcomes"]["Arbete"], date(2016, 10, 1), today=TODAY
        )
    assert "outcome_id" in err.value.problems
    with demo_db.reading() as s:
        row = s.get(
            ReferralRow,
            waiting.id,
        )
        assert row.status == ReferralStatus.RECEIVED.value and row.outcome_id is None


def test_local_lists_are_the_models_own(demo_db, model):
    with demo_db.session() as s:
        added = krans.save_local_option(
            s, LocalOption(None, model["insats"], LocalListKind.DESTINATION, "Nafs")
        )
        with pytest.raises(ValidationError):
            krans.save_local_option(
                s, LocalOption(None, model["insats"], LocalListKind.DESTINATION, "nafs")
            )
        names = [o.name for o in krans.local_options(s, model["insats"], LocalListKind.DESTINATION)]
        assert names[-1] == "Nafs" and added.position > 0
        others = krans.parties_for_insats(s, None)
        assert "Liljaskolan" not in {p.name for p in others}
        own = krans.parties_for_insats(s, model["insats"])
        assert {"Liljaskolan", "Älvsnäs hälsocentral"} <= {p.name for p in own}


def test_statistics_role_reads_the_table_but_cannot_register(demo_db, model, season):
    demo_db.user = User(99, "stat", "Statistik", Role.STATISTICS)
    try:
        with demo_db.reading() as s:
            table = krans.week_table(s, *krans.iso_week_range(2016, 26, 43))
            assert table.total.total == 17
            assert "Påhittsson" not in repr(table)
        with pytest.raises(AccessDenied):
            bring_up(demo_db, model, "AF", date(2016, 9, 1))
    finally:
        demo_db.user = None
