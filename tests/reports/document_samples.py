"""Every letter kind and document the program prints, built with short, long (several
pages of realistic text) or huge (100,000-character fields) content. No tests here:
the layout and robustness tests render each one (see test_document_layout.py).

``LETTER_KINDS`` come from the letter kinds the program records
(letter_templates.KIND_LABELS) and ``DOCUMENTS`` from the report modules that print on
the shared page; the tests check both lists are whole, so a new kind without a sample
fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from finsam_desktop.domain.casework import CaseOverview, CaseStatus, ParticipationLimits
from finsam_desktop.domain.closing import Closing, ClosingLetterData
from finsam_desktop.domain.letters import Letterhead, Signatory
from finsam_desktop.domain.lots_summary import Breakdown, Count, LotsSummary, SurveyResult
from finsam_desktop.domain.mapping import (
    EconomicAdvice,
    Mapping,
    MappingSession,
    MappingTemplate,
    default_template_sections,
)
from finsam_desktop.domain.plans import Goal, GoalStatus, PlannedInsats, PlanRevision
from finsam_desktop.services import letter_templates as templates

TODAY = date(2026, 12, 1)
HUGE = 100_000

HEAD = Letterhead(
    "Samordningsförbundet Exempelbygden",
    "Samverkansteamet",
    ["Påhittsgatan 6", "999 30 Älvsnäs"],
    "0999-100 00",
    "team@exempelbygden.example",
    "exempelbygden.example",
    "222000-0000",
)
ADDRESS = ["Rut Remissdotter", "Arbetsförmedlingen", "Box 5", "999 40 Björkhälla"]
SIGNER = Signatory(
    "Karin Exempeldotter", "Arbetsspecialist", "0999-100 10", "karin@exempel.example"
)

SENTENCE = (
    "Deltagaren har träffat sin kontaktperson varje vecka och arbetat med sina mål; "
    "praktiken på gården i Björkhälla har gått bra och handledaren är nöjd. "
)


def prose(size: str, short: str) -> str:
    """A field's text: ``short`` as written, several paragraphs, or 100,000 characters
    (words, and one absurdly long word in the middle)."""
    if size == "short":
        return short
    if size == "long":
        return "\n\n".join(SENTENCE * 4 for _ in range(2))
    half = (SENTENCE * (HUGE // len(SENTENCE) + 1))[: HUGE // 2]
    return half + "x" * 5000 + half[: HUGE // 2 - 5000]


def name(size: str, short: str) -> str:
    return short if size != "huge" else ("Åsa" * (HUGE // 3))[:HUGE]


# --- letters ----------------------------------------------------------------------------


def _template_letter(kind: str, size: str):
    from finsam_desktop.reports.letters import Letter

    template = templates.default_template(kind)
    values = templates.sample_values(kind)
    if size != "short":
        for key in ("motivering", "nasta_steg", "plats"):
            values[key] = prose(size, values[key])
        values["namn"] = name(size, values["namn"])
        values["kontaktpersoner"] = "\n".join([values["kontaktpersoner"]] * 4)
    body = templates.fill(template.body, values)
    paragraphs = [p.strip("\n") for p in body.split("\n\n") if p.strip()]
    return Letter(
        HEAD,
        [name(size, ADDRESS[0]), *ADDRESS[1:]],
        TODAY,
        "R2026-00014",
        templates.fill(template.subject, values),
        paragraphs,
        [SIGNER, replace(SIGNER, name="Jonas Påhittsson", email="")],
        document_type="Kallelse" if kind == templates.KALLELSE else "Remissvar",
        cc=["Rut Remissdotter, Arbetsförmedlingen"],
    )


def template_letter_pdf(kind: str) -> Callable[[str], bytes]:
    def build(size: str) -> bytes:
        from finsam_desktop.reports.letters import render_letters

        letter = _template_letter(kind, size)
        copy = replace(letter, cc=[], copy_label="Kopia till remittenten")
        return render_letters([letter, copy])

    return build


def closing_data(size: str) -> ClosingLetterData:
    closing = Closing(
        TODAY,
        1,
        2,
        prose(size, "Märta har praktiserat på gården och fått en anställning där."),
        prose(size, "Fortsatt kontakt med Arbetsförmedlingen under provanställningen."),
        meeting_held_on=date(2026, 11, 20),
        meeting_attendees=prose(size, "Märta, Rut Remissdotter, Karin"),
        exit_route_name="Arbete",
        exit_sub_route_name="Anställning utan stöd",
    )
    return ClosingLetterData(
        participation_id=1,
        person_name=name(size, "Märta Åkerprov"),
        personnummer="20000303-9831",
        insats_name="Samverkansteamet Exempelbygden",
        enrolled_on=date(2026, 1, 15),
        closing=closing,
        remittent_lines=ADDRESS,
        letterhead=HEAD,
        case_number="R2026-00014",
        planned_insatser=["Arbetsträning: Gården i Björkhälla"]
        + ([prose(size, "x")] if size != "short" else []),
        signatory=SIGNER,
        letter_date=TODAY,
    )


def closing_letter_pdf(size: str) -> bytes:
    from finsam_desktop.reports.closing_letter import closing_letter_pdf as render

    return render(closing_data(size))


# --- case documents ---------------------------------------------------------------------


def case(size: str) -> CaseOverview:
    return CaseOverview(
        participation_id=1,
        person_id=1,
        person_name=name(size, "Märta Åkerprov"),
        personnummer="20000303-9831",
        insats_id=1,
        insats_name="Samverkansteamet Exempelbygden",
        status=CaseStatus.ENROLLED,
        contact_person_id=1,
        contact_person_name="Karin Exempeldotter",
        second_contact_person_id=2,
        second_contact_person_name="Jonas Påhittsson",
        limits=ParticipationLimits(date(2026, 1, 15), date(2027, 1, 15)),
        next_follow_up=date(2027, 2, 10),
        remittent_contact_due=date(2026, 12, 15),
        case_number="R2026-00014",
    )


def mapping_pdf(size: str) -> bytes:
    from finsam_desktop.reports.mapping_pdf import mapping_pdf as render

    template = MappingTemplate(None, 1, default_template_sections())
    answers = {}
    for number, question in enumerate(template.questions()):
        if question.kind.value == "yes_no":
            answers[question.key] = "yes" if number % 2 else "no"
        elif question.kind.value == "scale":
            answers[question.key] = "4"
        else:  # a long answer to every third question, short ones to the rest
            long_one = size == "huge" or (size == "long" and number % 3 == 0)
            short = "Vill jobba med djur på en gård i Åkerby"
            answers[question.key] = prose(size, short) if long_one else short
    sessions = [
        MappingSession(None, date(2026, 1, 20 + i), 1, "Karin Exempeldotter", prose(size, "Samtal"))
        for i in range(3)
    ]
    advice = EconomicAdvice(
        date(2026, 2, 3), 1, "Karin Exempeldotter", [1], ["Försörjningsstöd"], prose(size, "Bra")
    )
    return render(case(size), Mapping(1, template, answers, sessions, advice), TODAY)


def plan_pdf(size: str) -> bytes:
    from finsam_desktop.reports.plan_pdf import plan_pdf as render

    goals = [
        Goal(prose(size, "Praktik på lantgård"), GoalStatus.IN_PROGRESS),
        Goal("Ta körkort", GoalStatus.NOT_STARTED),
    ] * (1 if size == "short" else 3)
    insatser = [
        PlannedInsats(
            1,
            prose(size, "Gården i Björkhälla"),
            1,
            date(2026, 3, 1),
            date(2026, 6, 1),
            "Arbetsträning",
            "Karin Exempeldotter",
        )
    ] * (1 if size == "short" else 3)
    plan = PlanRevision(None, 1, 2, date(2026, 2, 10), goals, insatser, prose(size, "Följs upp"))
    return render(case(size), plan, TODAY, date(2026, 5, 10))


def register_extract_pdf(size: str) -> bytes:
    from finsam_desktop.domain.register_extract import (
        ExtractRecord,
        ExtractSection,
        RegisterExtract,
    )
    from finsam_desktop.reports import register_extract_pdf as report

    note = prose(size, "Stämt av hur det går. Deltagaren trivs och vill fortsätta.")
    contacts = [
        ExtractRecord(
            [
                ("Datum", "2026-01-20"),
                ("Typ", "Samtal"),
                ("Anteckning", note),
                ("Medarbetare", "Karin"),
            ]
        )
        for _ in range(2 if size == "short" else 4)
    ]
    person = ExtractRecord(
        [
            ("Personnummer", "20000303-9831"),
            ("Förnamn", name(size, "Märta")),
            ("Efternamn", "Åkerprov"),
            ("Gatuadress", "Påhittsgatan 1"),
        ]
    )
    extract = RegisterExtract(
        name=name(size, "Märta Åkerprov"),
        personnummer="20000303-9831",
        produced_at=datetime(2026, 12, 1, 10, 0),
        organisation="Samordningsförbundet Exempelbygden",
        sections=[
            ExtractSection("Personuppgifter", [person]),
            ExtractSection("Kontakter", contacts),
            ExtractSection("Handlingsplaner", [ExtractRecord([("Anteckning", note)])]),
        ],
        access_log=[("2026-12-01 10:00", "karin", "Öppnad: Person")]
        * (3 if size == "short" else 40),
    )
    return report.render(extract)


def lots_summary(size: str) -> LotsSummary:
    def breakdown(key: str, title: str, labels: list[str], counts: list[int]) -> Breakdown:
        rows = tuple(Count(label, n) for label, n in zip(labels, counts, strict=True))
        return Breakdown(key, title, "lotsärenden", sum(counts), rows)

    many = 3 if size == "short" else 30
    category = (lambda i: f"Kategori {i}") if size != "huge" else (lambda i: prose("huge", ""))
    return LotsSummary(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        municipality=name(size, "Håbo"),
        municipality_id=1,
        cases=200,
        individual_cases=120,
        distinct_officers=41,
        work_or_studies=30,
        survey=SurveyResult(150, 100, 80, 70, 90, (1, 2, 7, 30, 40)),
        breakdowns=(
            breakdown("gender", "Kön", ["Kvinna", "Man", "Annat", "Okänt"], [100, 95, 1, 4]),
            breakdown("birth_decade", "Födelsedecennium", ["1990-talet", "Okänt"], [150, 50]),
            breakdown("age", "Ålder", ["Under 30", "30 eller äldre", "Okänt"], [54, 140, 6]),
            breakdown(
                "foreign_background", "Utländsk bakgrund", ["Ja", "Nej", "Okänt"], [60, 120, 20]
            ),
            breakdown("sick_leave_fs", "Sjukskriven", ["Ja", "Nej", "Okänt"], [75, 100, 25]),
            breakdown("coordination_need", "Behov", ["Ja", "Nej", "Okänt"], [82, 100, 18]),
            breakdown(
                "question",
                "Frågeställning",
                [category(i) for i in range(many)] + ["Okänd"],
                [5] * many + [200 - 5 * many],
            ),
        ),
    )


def lots_summary_pdf(size: str) -> bytes:
    import tempfile

    from finsam_desktop.reports import export
    from finsam_desktop.reports.lots_tables import summary_report

    report = summary_report(lots_summary(size), "Samordningsförbundet Exempelbygden")
    with tempfile.TemporaryDirectory() as folder:
        return export.write_pdf(report, Path(folder) / "lots.pdf").read_bytes()


def recovery_key_pdf(size: str) -> bytes:
    from finsam_desktop.reports.recovery_key import recovery_key_pdf as render

    key = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6792"
    path = Path("/home/samordnare/finsam") / ("mapp" * (HUGE // 4) if size == "huge" else "")
    return render(key, path / "finsam.sqlite", TODAY)


LETTER_KINDS: dict[str, Callable[[str], bytes]] = {
    **{kind: template_letter_pdf(kind) for kind in templates.KINDS},
    templates.CLOSING_SUMMARY: closing_letter_pdf,
}

# The report module each document is printed by (all of them print on reports.page).
DOCUMENTS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "kartläggning": ("mapping_pdf", mapping_pdf),
    "handlingsplan": ("plan_pdf", plan_pdf),
    "registerutdrag": ("register_extract_pdf", register_extract_pdf),
    "lotssammanställning": ("export", lots_summary_pdf),
    "återställningsnyckel": ("recovery_key", recovery_key_pdf),
}
# Modules that print letters (covered by LETTER_KINDS) or lay out for the others.
LETTER_MODULES = {"letters", "closing_letter", "case_document", "page"}


def everything() -> dict[str, Callable[[str], bytes]]:
    return {**LETTER_KINDS, **{name: build for name, (_m, build) in DOCUMENTS.items()}}
