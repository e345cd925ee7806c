"""The printed kartläggning, handlingsplan and closing letter hold what was entered."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from casework_fixtures import enrol_participant
from pypdf import PdfReader

from finsam_desktop.domain.closing import Closing, OptionList, Situation
from finsam_desktop.domain.mapping import EconomicAdvice, MappingSession
from finsam_desktop.domain.plans import Goal, GoalStatus, PlannedInsats, PlanRevision
from finsam_desktop.reports.closing_letter import closing_letter_pdf
from finsam_desktop.reports.mapping_pdf import mapping_pdf
from finsam_desktop.reports.plan_pdf import plan_pdf
from finsam_desktop.services import case_options, casework, closing, mapping, plans

TODAY = date(2026, 11, 22)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = str(reader.pages[0]["/Resources"]["/Font"])
    assert "DejaVu" in fonts or "/F" in fonts
    return "\n".join(page.extract_text() for page in reader.pages)


def keep(name: str, pdf: bytes) -> None:
    """Set FINSAM_KEEP_PDF=dir to look at the printouts."""
    folder = os.environ.get("FINSAM_KEEP_PDF")
    if folder:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(pdf)


@pytest.fixture
def mapped_case(db):
    from finsam_desktop.services import demo

    with db.session() as s:
        demo.create_organisation(s)
    case = enrol_participant(db)
    pid, staff = case["participation"], case["staff"]
    with db.session() as s:
        benefits = case_options.list_options(s, OptionList.BENEFIT)
        for day in (date(2026, 1, 20), date(2026, 1, 27), date(2026, 2, 3)):
            mapping.add_session(
                s, pid, MappingSession(None, day, staff[0], note="Samtal om arbete"), day
            )
        mapping.save_answers(
            s,
            pid,
            {
                "work_wishes": "Vill jobba med djur på en gård i Åkerby",
                "motivation": "4",
                "driving_licence": "no",
            },
        )
        mapping.save_advice(
            s,
            pid,
            EconomicAdvice(date(2026, 2, 3), staff[1], benefit_ids=[benefits[3].id]),
            date(2026, 2, 3),
        )
        types = case_options.list_options(s, OptionList.INSATS_TYPE)
        plans.save_revision(
            s,
            PlanRevision(
                None,
                pid,
                0,
                date(2026, 2, 10),
                [Goal("Praktik på lantgård", GoalStatus.IN_PROGRESS), Goal("Ta körkort")],
                [
                    PlannedInsats(
                        types[0].id,
                        "Gården i Björkhälla",
                        staff[0],
                        date(2026, 3, 1),
                        date(2026, 6, 1),
                    )
                ],
            ),
            TODAY,
        )
    return db, case


def test_mapping_document_holds_answers_sessions_and_advice(mapped_case):
    db, case = mapped_case
    with db.reading() as s:
        overview = casework.get_participation(s, case["participation"])
        m = mapping.get_mapping(s, case["participation"])
    pdf = mapping_pdf(overview, m, TODAY)
    keep("kartlaggning.pdf", pdf)
    text = pdf_text(pdf)
    assert "Märta Åkerprov" in text
    assert "Vill jobba med djur på en gård i Åkerby" in text
    assert "4 / 5" in text
    assert "2026-01-27" in text and "2026-02-03" in text
    assert m.advice.benefit_names[0] in text.replace("\n", " ")
    assert m.template.sections[0].title in text


def test_plan_document_holds_goals_insatser_and_signature_lines(mapped_case):
    db, case = mapped_case
    with db.reading() as s:
        overview = casework.get_participation(s, case["participation"])
        plan = plans.current_plan(s, case["participation"])
    pdf = plan_pdf(overview, plan, TODAY, overview.next_follow_up)
    keep("handlingsplan.pdf", pdf)
    text = pdf_text(pdf)
    assert "Praktik på lantgård" in text and "Ta körkort" in text
    assert "Gården i Björkhälla" in text
    assert "2026-05-10" in text  # next follow-up: three months after the plan
    assert "____" in text
    assert overview.contact_person_name in text


def test_closing_letter_to_the_remittent(mapped_case):
    db, case = mapped_case
    pid = case["participation"]
    with db.session() as s:
        routes = case_options.list_options(s, OptionList.EXIT_ROUTE)
        sub = next(o for o in routes if o.parent_id == routes[0].id)
        pick = lambda k, i: case_options.list_options(s, k)[i].id  # noqa: E731
        closing.close_case(
            s,
            pid,
            Closing(
                TODAY,
                routes[0].id,
                sub.id,
                "Märta har praktiserat på gården och fått en anställning där.",
                "Fortsatt kontakt med Arbetsförmedlingen under provanställningen.",
                Situation(
                    pick(OptionList.INCOME_SOURCE, 6),
                    pick(OptionList.OCCUPATION, 2),
                    pick(OptionList.EDUCATION_LEVEL, 2),
                ),
                date(2026, 11, 10),
                date(2026, 11, 20),
                "Märta, Rut Remissdotter, Karin",
            ),
            TODAY,
        )
        data = closing.closing_letter_data(s, pid, None, TODAY)
    pdf = closing_letter_pdf(data)
    keep("avslut.pdf", pdf)
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Rut Remissdotter" in text and "999 40 Björkhälla" in text
    assert "fått en anställning där" in flat
    assert "provanställningen" in flat
    assert routes[0].name in flat and sub.name in flat
    assert "2026-11-20" in flat and "Gården i Björkhälla" in flat
