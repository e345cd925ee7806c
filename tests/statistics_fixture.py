"""A small team with hand-countable figures for the statistics tests (fictitious data).

Insats "Steget vidare" (20 expected per year, target 40 % to work or studies, cap 2).
Eleven participants; ten start in 2026H1 (six women, four men; three with utländsk
bakgrund; ages at start 35, 46, 56, 25, 30, 40, 37, 33, 50, 26: mean 37,8). Seven close
in 2026H1 (one of them started in 2025). See tests/services/test_statistics.py for the
figures each report must give.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from finsam_desktop.db.casework_models import CaseFileRow, CaseOptionRow, ParticipantSurveyRow
from finsam_desktop.db.models import InsatsRow, MunicipalityRow, PartyRow, PersonRow, StaffRow
from finsam_desktop.db.referral_models import ParticipationRow, ReferralRow
from finsam_desktop.services.demo import fake_personnummer

# gender, utländsk bakgrund, born, enrolled, closed, exit route, entry income, contact
PEOPLE = [
    ("kvinna", "ja", date(1990, 6, 15), date(2026, 2, 1), date(2026, 5, 1), "Arbete", "fs", 1),
    ("kvinna", "nej", date(1980, 1, 10), date(2026, 2, 1), date(2026, 5, 10), "Studier", "sp", 1),
    ("kvinna", "ja", date(1970, 3, 1), date(2026, 3, 1), date(2026, 6, 1), "AF", "fs", 1),
    ("kvinna", "nej", date(2000, 12, 31), date(2026, 3, 1), date(2026, 6, 20), "Avbrott", "fs", 1),
    ("kvinna", "okant", date(1995, 7, 1), date(2026, 4, 1), None, None, None, 1),
    ("kvinna", "nej", date(1985, 5, 5), date(2026, 4, 1), None, None, None, 1),
    ("man", "ja", date(1988, 8, 8), date(2026, 1, 15), date(2026, 4, 1), "Arbete", "lon", 1),
    ("man", "nej", date(1992, 2, 2), date(2026, 1, 15), date(2026, 6, 30), "Avbrott", "sp", 1),
    ("man", "okant", date(1975, 11, 11), date(2026, 5, 1), None, None, None, 1),
    ("man", "nej", date(1999, 9, 9), date(2026, 6, 1), date(2026, 7, 15), "Arbete", "fs", 2),
    ("kvinna", "ja", date(1981, 4, 4), date(2025, 10, 1), date(2026, 3, 15), "Studier", "fs", 1),
]


def _option(s, list_key: str, name: str, **flags) -> int:
    row = CaseOptionRow(list_key=list_key, name=name, position=90, active=True, **flags)
    s.add(row)
    s.flush()
    return row.id


def build(db) -> dict:
    """Fill an empty (migrated) database; returns the ids the tests need."""
    with db.session() as s:
        a = MunicipalityRow(name="Exempelby", name_key="exempelby")
        b = MunicipalityRow(name="Påhittsby", name_key="pahittsby")
        party = PartyRow(name="Arbetsförmedlingen", name_key="arbetsformedlingen", short_name="AF")
        s.add_all([a, b, party])
        insats = InsatsRow(
            name="Steget vidare",
            name_key="steget vidare",
            expected_per_year=20,
            target_work_studies_percent=40,
            caseload_cap=2,
            answer_days=14,
        )
        s.add(insats)
        s.flush()
        staff = []
        for n in (1, 2):
            row = StaffRow(name=f"Samordnare {n}", name_key=f"samordnare {n}", insats_id=insats.id)
            s.add(row)
            staff.append(row)
        s.flush()
        # The defaults hold no flags; the test team's own exit routes and income sources.
        for row in s.scalars(select(CaseOptionRow)):
            row.active = False
        routes = {
            "Arbete": _option(s, "exit_route", "Arbete", in_activity=True, work_or_studies=True),
            "Studier": _option(s, "exit_route", "Studier", in_activity=True, work_or_studies=True),
            "AF": _option(s, "exit_route", "Arbetssökande", in_activity=True),
            "Avbrott": _option(s, "exit_route", "Avbrott"),
        }
        incomes = {
            "fs": _option(s, "income_source", "Försörjningsstöd"),
            "sp": _option(s, "income_source", "Sjukpenning"),
            "lon": _option(s, "income_source", "Lön"),
        }
        rng = random.Random(7)
        participations = []
        for i, (gender, fb, born, enrolled, closed, route, income, contact) in enumerate(PEOPLE):
            person = PersonRow(
                personnummer=fake_personnummer(rng, born, i),
                first_name="Testa",
                last_name=f"Person{i}",
                name_key=f"person{i}",
                gender=gender,
                foreign_background=fb,
                municipality_id=a.id,
            )
            s.add(person)
            s.flush()
            arrived = enrolled - timedelta(days=10)
            decided = enrolled - timedelta(days=5)
            referral = ReferralRow(
                case_number=f"R-{i:04d}",
                person_id=person.id,
                insats_id=insats.id,
                municipality_id=a.id if i % 2 == 0 else b.id,
                remittent_party_id=party.id,
                arrived_on=arrived,
                answer_due=arrived + timedelta(days=14),
                answer_sent_on=decided if i != 3 else arrived + timedelta(days=20),
                status="enrolled",
                decided_on=decided,
            )
            s.add(referral)
            s.flush()
            p = ParticipationRow(
                person_id=person.id,
                insats_id=insats.id,
                referral_id=referral.id,
                status="closed" if closed else "enrolled",
                enrolled_on=enrolled,
                planned_end=enrolled + timedelta(days=365),
                contact_person_id=staff[contact - 1].id,
                second_contact_person_id=staff[1].id,
            )
            s.add(p)
            s.flush()
            s.add(
                CaseFileRow(
                    participation_id=p.id,
                    closed_on=closed,
                    exit_route_id=routes[route] if route else None,
                    entry_income_source_id=incomes[income] if income else None,
                )
            )
            participations.append(p.id)
        # Referrals that did not lead to a participation.
        extra = PersonRow(
            personnummer=fake_personnummer(rng, date(1990, 1, 1), 19),
            first_name="Testa",
            last_name="Extra",
            name_key="extra",
            gender="okant",
        )
        s.add(extra)
        s.flush()
        for n, (arrived, decided, status) in enumerate(
            [
                (date(2026, 3, 1), date(2026, 3, 9), "rejected"),
                (date(2026, 6, 10), date(2026, 6, 12), "dormant"),
                (date(2026, 6, 25), None, "received"),
            ]
        ):
            s.add(
                ReferralRow(
                    case_number=f"X-{n}",
                    person_id=extra.id,
                    insats_id=insats.id,
                    municipality_id=b.id,
                    arrived_on=arrived,
                    answer_due=arrived + timedelta(days=14),
                    decided_on=decided,
                    status=status,
                )
            )
        # Deltagarenkät: three sent, two answered (5 and 3), comments never counted.
        for pid, score in zip(participations[:3], (5, 3, None), strict=True):
            s.add(
                ParticipantSurveyRow(
                    participation_id=pid,
                    sent_on=date(2026, 6, 1),
                    answered_on=date(2026, 6, 5) if score else None,
                    score=score,
                    comment="Påhittad kommentar som aldrig räknas",
                )
            )
        return {
            "insats": insats.id,
            "a": a.id,
            "b": b.id,
            "participations": participations,
        }
