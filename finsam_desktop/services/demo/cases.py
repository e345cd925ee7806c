"""Fictitious case content for the demo participations: kartläggning, plans with
revisions, contacts with the remittent, arbetsträning, stöd vid studier, extensions and
avslut with summaries. Every text is invented.

Called from ``demo.fill`` after the demo referrals have enrolled people. Everything is
written with Core bulk inserts, so 100,000 participants take seconds; the richest
content (answers, sessions, visits) goes to the ``detailed`` most recent cases.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select, update

from finsam_desktop.db.casework_models import (
    CaseContactRow,
    CaseEventRow,
    CaseFileRow,
    CaseOptionRow,
    MappingAnswerRow,
    MappingSessionRow,
    MappingTemplateRow,
    ParticipantSurveyRow,
    PlanGoalRow,
    PlanInsatsRow,
    PlanRevisionRow,
    StudySupportRow,
    WorkTrainingRow,
    WorkVisitRow,
)
from finsam_desktop.db.engine import Database
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.referral_models import ParticipationRow
from finsam_desktop.domain import clock
from finsam_desktop.domain.casework import (
    CaseStatus,
    ContactKind,
    Counterpart,
    TimelineKind,
    add_months,
)
from finsam_desktop.domain.closing import OptionList
from finsam_desktop.domain.mapping import AnswerKind, Section
from finsam_desktop.domain.plans import GoalStatus
from finsam_desktop.services.access import Permission, requires

BATCH = 10_000
SURVEY_COMMENTS = (
    "Bra bemötande, jag kände mig lyssnad på.",
    "Det tog lång tid innan praktiken kom igång.",
    "Tryggt att ha en kontaktperson hela vägen.",
    "Önskar att vi hade träffats oftare.",
)
GOALS = (
    "Komma igång med en regelbunden vardag",
    "Hitta en praktikplats inom handel",
    "Pröva arbetsträning på lager",
    "Börja studera på Komvux",
    "Ta körkort",
    "Få ordning på ekonomin",
    "Träna på att resa själv med buss",
)
DESCRIPTIONS = (
    "Exempelbyggen AB, lager",
    "Påhitts Café, kök",
    "Komvux Älvsnäs, svenska",
    "Studiebesök på Testverkstaden",
    "Gruppträff om arbetsliv",
)
REMITTENT_NOTES = (
    "Avstämning med remittenten om aktivitetsersättningen.",
    "Trepartsmöte: överens om att pröva arbetsträning.",
    "Berättat för remittenten hur planen går.",
)
PARTICIPANT_NOTES = (
    "Stämt av hur det går. Deltagaren trivs och vill fortsätta.",
    "Pratat om nästa steg i planen.",
    "Deltagaren uteblev, ny tid bokad.",
)
WORKPLACES = ("Exempelbyggen AB", "Påhitts Café", "Testverkstaden", "Låtsaslagret i Granvik")
TEXT_ANSWERS = (
    "Har jobbat extra i butik under gymnasiet.",
    "Vill arbeta med djur eller natur.",
    "Spelar gitarr och går gärna i skogen.",
    "Bor med sin mamma, har en bror i Åkerby.",
    "Sover dåligt i perioder, har kontakt med vårdcentralen.",
)


@requires(Permission.ADMINISTER)
def fill_cases(
    db: Database, today: date | None = None, seed: int = 2026, detailed: int = 300
) -> int:
    """Give every demo participation case content; returns how many were filled."""
    today = today or clock.today()
    rng = random.Random(seed)
    with db.session() as session:
        _leave_some_past_end(session, today)
        rows = session.execute(
            select(
                ParticipationRow.id,
                ParticipationRow.enrolled_on,
                ParticipationRow.planned_end,
                ParticipationRow.status,
                ParticipationRow.contact_person_id,
                ParticipationRow.second_contact_person_id,
                InsatsRow.plan_follow_up_months,
            )
            .join(InsatsRow, InsatsRow.id == ParticipationRow.insats_id)
            .outerjoin(CaseFileRow, CaseFileRow.participation_id == ParticipationRow.id)
            .where(CaseFileRow.participation_id.is_(None))
            .order_by(ParticipationRow.enrolled_on.desc())
        ).all()
        if not rows:
            return 0
        options: dict[str, list[tuple[int, int | None]]] = {}
        for option_id, key, parent in session.execute(
            select(CaseOptionRow.id, CaseOptionRow.list_key, CaseOptionRow.parent_id).where(
                CaseOptionRow.active
            )
        ):
            options.setdefault(key, []).append((option_id, parent))
        template = session.scalar(
            select(MappingTemplateRow).order_by(MappingTemplateRow.number.desc())
        )
        writer = _Writer(session, rng, today, options, template)
        for n, row in enumerate(rows):
            writer.case(row, rich=n < detailed)
        writer.flush()
    return len(rows)


class _Writer:
    def __init__(self, session, rng: random.Random, today: date, options, template):
        self.session, self.rng, self.today = session, rng, today
        # Surveys draw from a generator of their own: the rest stays as it was per seed.
        self.survey_rng = random.Random(f"survey-{today.isoformat()}")
        self.options = options
        self.template = template
        self.tables: dict = {}
        self.updates: list[dict] = []
        self.next_revision = (session.scalar(select(func.max(PlanRevisionRow.id))) or 0) + 1
        self.next_training = (session.scalar(select(func.max(WorkTrainingRow.id))) or 0) + 1

    def add(self, table, row: dict) -> None:
        self.tables.setdefault(table, []).append(row)

    def pick(self, key: OptionList, top: bool = True) -> int:
        values = [o for o, parent in self.options.get(key.value, []) if not top or parent is None]
        return self.rng.choice(values)

    def day_between(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, span))

    def case(self, r, rich: bool) -> None:
        rng, today = self.rng, self.today
        closed = r.status == CaseStatus.CLOSED.value
        last_day = min(today, r.planned_end)
        file = {
            "participation_id": r.id,
            "ends_on": r.planned_end,
            "mapping_template_id": self.template.id if rich else None,
            "advice_benefit_ids": [],
            "advice_note": "",
            "extension_months": 0,
            "entry_recorded_on": r.enrolled_on,
            "entry_income_source_id": self.pick(OptionList.INCOME_SOURCE),
            "entry_occupation_id": self.pick(OptionList.OCCUPATION),
            "entry_education_level_id": self.pick(OptionList.EDUCATION_LEVEL),
            "entry_support_time_id": self.pick(OptionList.SUPPORT_TIME),
            "summary": "",
            "recommendations": "",
            "meeting_attendees": "",
            "version": 1,
        }
        # Contacts: about monthly with the remittent, more often with the participant.
        last_remittent = None
        day = r.enrolled_on
        while True:
            day += timedelta(days=rng.randint(10, 40))
            if day > last_day:
                break
            with_remittent = rng.random() < 0.45
            if with_remittent:
                last_remittent = day
            kind = rng.choice((ContactKind.TELEFON, ContactKind.EPOST, ContactKind.MOTE))
            if not with_remittent:
                kind = rng.choice((ContactKind.SAMTAL, ContactKind.MOTE, ContactKind.SMS))
            self.add(
                CaseContactRow,
                {
                    "participation_id": r.id,
                    "occurred_on": day,
                    "kind": kind.value,
                    "counterparts": [
                        (Counterpart.REMITTENT if with_remittent else Counterpart.PARTICIPANT).value
                    ],
                    "counterpart_name": "",
                    "note": rng.choice(REMITTENT_NOTES if with_remittent else PARTICIPANT_NOTES),
                    "written_on": day,
                    "staff_id": r.contact_person_id,
                    "version": 1,
                },
            )
        file["last_remittent_contact_on"] = last_remittent
        # The plan: first version a month in, follow-ups about every plan period.
        plan_day = r.enrolled_on + timedelta(days=rng.randint(20, 45))
        number = 0
        while plan_day <= last_day and number < 5:
            number += 1
            self._revision(r, number, plan_day)
            file["last_plan_event_on"] = plan_day
            plan_day = add_months(plan_day, r.plan_follow_up_months) + timedelta(
                days=rng.randint(-5, 20)
            )
        if rich:
            self._mapping(r, file)
            if rng.random() < 0.4:
                self._work_training(r, last_day)
            elif rng.random() < 0.3:
                start = self.day_between(r.enrolled_on, last_day)
                months = rng.choice((1, 1, 2, 3))
                self.add(
                    StudySupportRow,
                    {
                        "participation_id": r.id,
                        "study_start": start,
                        "school": "Komvux Älvsnäs",
                        "months": months,
                        "ends_on": add_months(start, months),
                        "version": 1,
                    },
                )
        if not closed and (r.planned_end - today).days < 45 and rng.random() < 0.3:
            requested = today - timedelta(days=rng.randint(1, 20))
            file["extension_requested_on"] = requested
            if rng.random() < 0.5:
                file["extension_decided_on"] = requested + timedelta(days=rng.randint(0, 5))
                file["extension_months"] = 6
                file["ends_on"] = add_months(r.planned_end, 6)
                self.add(
                    CaseEventRow,
                    {
                        "participation_id": r.id,
                        "happened_on": file["extension_decided_on"],
                        "kind": TimelineKind.EXTENSION.value,
                        "text": "Styrgruppen förlängde deltagandet med 6 månader.",
                    },
                )
        if closed:
            self._closing(r, file)
        self.add(CaseFileRow, file)
        if sum(len(v) for v in self.tables.values()) >= BATCH:
            self.flush()

    def _revision(self, r, number: int, made_on: date) -> None:
        rid = self.next_revision
        self.next_revision += 1
        rng = self.rng
        self.add(
            PlanRevisionRow,
            {
                "id": rid,
                "participation_id": r.id,
                "number": number,
                "made_on": made_on,
                "made_by_id": r.contact_person_id,
                "is_follow_up": number > 1,
                "note": "Uppföljning tillsammans med deltagaren." if number > 1 else "",
            },
        )
        goals = rng.sample(GOALS, 2)
        for position, text in enumerate(goals):
            status = GoalStatus.IN_PROGRESS if number == 1 else rng.choice(list(GoalStatus))
            self.add(
                PlanGoalRow,
                {"revision_id": rid, "position": position, "text": text, "status": status.value},
            )
        self.add(
            PlanInsatsRow,
            {
                "revision_id": rid,
                "position": 0,
                "type_id": self.pick(OptionList.INSATS_TYPE),
                "description": rng.choice(DESCRIPTIONS),
                "responsible_id": r.contact_person_id,
                "starts_on": made_on,
                "ends_on": add_months(made_on, 3),
            },
        )

    def _mapping(self, r, file: dict) -> None:
        rng = self.rng
        for i in range(rng.choice((2, 3, 3, 4, 5))):
            self.add(
                MappingSessionRow,
                {
                    "participation_id": r.id,
                    "held_on": min(self.today, r.enrolled_on + timedelta(days=7 * (i + 1))),
                    "staff_id": r.contact_person_id,
                    "note": "Kartläggande samtal.",
                },
            )
        for section in self.template.sections:
            for question in Section.from_json(section).questions:
                if rng.random() < 0.2:
                    continue
                if question.kind is AnswerKind.SCALE:
                    value = str(rng.randint(1, 5))
                elif question.kind is AnswerKind.YES_NO:
                    value = rng.choice(("yes", "no"))
                elif question.kind is AnswerKind.CHOICE:
                    value = rng.choice(question.choices)
                else:
                    value = rng.choice(TEXT_ANSWERS)
                self.add(
                    MappingAnswerRow,
                    {"participation_id": r.id, "question_key": question.key, "value": value},
                )
        file["advice_offered_on"] = min(self.today, r.enrolled_on + timedelta(days=30))
        file["advice_offered_by_id"] = r.second_contact_person_id
        file["advice_benefit_ids"] = [self.pick(OptionList.BENEFIT)]

    def _work_training(self, r, last_day: date) -> None:
        rng = self.rng
        tid = self.next_training
        self.next_training += 1
        start = self.day_between(r.enrolled_on + timedelta(days=40), last_day)
        self.add(
            WorkTrainingRow,
            {
                "id": tid,
                "participation_id": r.id,
                "workplace": rng.choice(WORKPLACES),
                "employer_contact": "Per Påhittsson",
                "employer_phone": "0999-200 00",
                "starts_on": start,
                "ends_on": add_months(start, 3),
                "hours_per_week": rng.choice((10, 15, 20, 25)),
                "version": 1,
            },
        )
        visit = start + timedelta(days=14)
        while visit <= last_day and visit <= add_months(start, 3):
            self.add(
                WorkVisitRow,
                {
                    "work_training_id": tid,
                    "visited_on": visit,
                    "staff_id": r.contact_person_id,
                    "note": "Uppföljningsbesök, går bra.",
                },
            )
            visit += timedelta(days=rng.randint(14, 30))

    def _closing(self, r, file: dict) -> None:
        rng = self.rng
        closed_on = min(self.today, r.planned_end - timedelta(days=rng.randint(0, 60)))
        closed_on = max(closed_on, r.enrolled_on)
        route = self.pick(OptionList.EXIT_ROUTE)
        subs = [
            o for o, parent in self.options.get(OptionList.EXIT_ROUTE.value, []) if parent == route
        ]
        file.update(
            {
                "closed_on": closed_on,
                "exit_route_id": route,
                "exit_sub_route_id": rng.choice(subs) if subs else None,
                "exit_income_source_id": self.pick(OptionList.INCOME_SOURCE),
                "exit_occupation_id": self.pick(OptionList.OCCUPATION),
                "exit_education_level_id": file["entry_education_level_id"],
                "summary": "Deltagaren har följt sin handlingsplan och tagit flera steg mot "
                "arbete. Kartläggningen visade intresse för praktiskt arbete.",
                "recommendations": "Fortsatt kontakt med Arbetsförmedlingen.",
                "meeting_offered_on": closed_on - timedelta(days=10),
                "meeting_held_on": closed_on - timedelta(days=3),
                "meeting_attendees": "Deltagaren, remittenten, kontaktpersonen",
            }
        )
        self.add(
            CaseEventRow,
            {
                "participation_id": r.id,
                "happened_on": closed_on,
                "kind": TimelineKind.CLOSED.value,
                "text": "Avslutad.",
            },
        )
        self._survey(r.id, closed_on)

    def _survey(self, participation_id: int, closed_on: date) -> None:
        """Most closed participations are sent the deltagarenkät; about half answer,
        most of them satisfied (4–5)."""
        rng = self.survey_rng
        if rng.random() > 0.85:
            return
        sent_on = closed_on
        answered = sent_on + timedelta(days=rng.randint(2, 20))
        if rng.random() > 0.55 or answered > self.today:
            row = {"sent_on": sent_on, "answered_on": None, "score": None, "comment": ""}
        else:
            score = rng.choices((1, 2, 3, 4, 5), weights=(3, 5, 14, 40, 38))[0]
            row = {
                "sent_on": sent_on,
                "answered_on": answered,
                "score": score,
                "comment": rng.choice(SURVEY_COMMENTS) if rng.random() < 0.4 else "",
            }
        self.add(ParticipantSurveyRow, {"participation_id": participation_id, **row, "version": 1})

    def flush(self) -> None:
        # Parents before children: the foreign keys are checked at each insert.
        order = (
            CaseFileRow,
            PlanRevisionRow,
            PlanGoalRow,
            PlanInsatsRow,
            CaseContactRow,
            CaseEventRow,
            MappingSessionRow,
            MappingAnswerRow,
            WorkTrainingRow,
            WorkVisitRow,
            StudySupportRow,
            ParticipantSurveyRow,
        )
        for table in order:
            rows = self.tables.pop(table, [])
            for start in range(0, len(rows), BATCH):
                self.session.execute(insert(table), rows[start : start + BATCH])


def _leave_some_past_end(session, today: date) -> None:
    """Move two open participations back in time so that they are past their end without
    avslut, as real teams have (Översikt lists them)."""
    open_rows = session.execute(
        select(ParticipationRow.id, ParticipationRow.enrolled_on, ParticipationRow.planned_end)
        .outerjoin(CaseFileRow, CaseFileRow.participation_id == ParticipationRow.id)
        .where(
            ParticipationRow.status == CaseStatus.ENROLLED.value,
            CaseFileRow.participation_id.is_(None),
        )
        .order_by(ParticipationRow.planned_end)
        .limit(2)
    ).all()
    for pid, enrolled_on, planned_end in open_rows:
        shift = (planned_end - today).days + 6
        session.execute(
            update(ParticipationRow)
            .where(ParticipationRow.id == pid)
            .values(
                enrolled_on=enrolled_on - timedelta(days=shift),
                planned_end=planned_end - timedelta(days=shift),
            )
        )
