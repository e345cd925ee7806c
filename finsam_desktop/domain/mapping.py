"""Kartläggning: the team's template (sections of questions) and a case's answers.

The template is versioned. Editing it in the settings stores a new version; a case
keeps the version it was first mapped with, so answers already given never change
meaning. Questions carry a stable ``key`` that answers refer to.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import N_, _

SCALE_MIN, SCALE_MAX = 1, 5


class AnswerKind(enum.StrEnum):
    TEXT = "text"
    SCALE = "scale"
    YES_NO = "yes_no"
    CHOICE = "choice"

    @property
    def label(self) -> str:
        return _(_ANSWER_KIND_LABELS[self])


_ANSWER_KIND_LABELS = {
    AnswerKind.TEXT: N_("Free text"),
    AnswerKind.SCALE: N_("Scale 1–5"),
    AnswerKind.YES_NO: N_("Yes/no"),
    AnswerKind.CHOICE: N_("Choice from a list"),
}


@dataclass
class Question:
    key: str
    text: str
    kind: AnswerKind = AnswerKind.TEXT
    choices: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "text": self.text,
            "kind": self.kind.value,
            "choices": self.choices,
        }

    @classmethod
    def from_json(cls, data: dict) -> Question:
        return cls(
            data["key"], data["text"], AnswerKind(data["kind"]), list(data.get("choices", []))
        )


@dataclass
class Section:
    title: str
    questions: list[Question] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"title": self.title, "questions": [q.to_json() for q in self.questions]}

    @classmethod
    def from_json(cls, data: dict) -> Section:
        return cls(data["title"], [Question.from_json(q) for q in data.get("questions", [])])


@dataclass
class MappingTemplate:
    id: int | None
    number: int  # 1, 2, 3 ... shown to users as "version 3"
    sections: list[Section]
    created_on: date | None = None

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions() if q.key == key), None)

    def to_json(self) -> list[dict]:
        return [s.to_json() for s in self.sections]


def new_question_key(text: str, taken: set[str]) -> str:
    """A stable key for a new question: a slug of its text, made unique."""
    base = re.sub(r"[^a-z0-9]+", "_", text.casefold().translate(_ASCII)).strip("_")[:40] or "q"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def check_template(sections: list[Section]) -> None:
    problems: dict[str, str] = {}
    if not sections:
        problems["sections"] = _("The template needs at least one section.")
    keys: set[str] = set()
    for s_no, section in enumerate(sections, start=1):
        if not section.title.strip():
            problems["sections"] = _("Section {n} has no title.").format(n=s_no)
        for question in section.questions:
            if not question.text.strip():
                problems["questions"] = _("A question in “{section}” has no text.").format(
                    section=section.title
                )
            if question.key in keys:
                problems["questions"] = _("Two questions share the key {key}.").format(
                    key=question.key
                )
            keys.add(question.key)
            if (
                question.kind is AnswerKind.CHOICE
                and len([c for c in question.choices if c.strip()]) < 2
            ):
                problems["questions"] = _(
                    "The question “{text}” needs at least two choices."
                ).format(text=question.text)
    if problems:
        raise ValidationError(problems)


def check_answer(question: Question, value: str) -> str:
    """The answer as stored (text); raises ValidationError when it does not fit the question."""
    value = (value or "").strip()
    if not value:
        return ""
    if question.kind is AnswerKind.SCALE:
        if value not in {str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)}:
            raise ValidationError.single(
                question.key,
                _("Answer with a number from {lo} to {hi}.").format(lo=SCALE_MIN, hi=SCALE_MAX),
            )
    elif question.kind is AnswerKind.YES_NO:
        if value not in ("yes", "no"):
            raise ValidationError.single(question.key, _("Answer yes or no."))
    elif question.kind is AnswerKind.CHOICE and value not in question.choices:
        raise ValidationError.single(question.key, _("Choose one of the listed answers."))
    return value


def display_answer(question: Question, value: str) -> str:
    if question.kind is AnswerKind.YES_NO and value:
        return _("Yes") if value == "yes" else _("No")
    if question.kind is AnswerKind.SCALE and value:
        return f"{value} / {SCALE_MAX}"
    return value


@dataclass
class MappingSession:
    id: int | None
    held_on: date
    staff_id: int | None
    staff_name: str = ""
    note: str = ""


@dataclass
class EconomicAdvice:
    offered_on: date | None = None
    offered_by_id: int | None = None
    offered_by_name: str = ""
    benefit_ids: list[int] = field(default_factory=list)
    benefit_names: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Mapping:
    """One participation's kartläggning, with the template version it was made with."""

    participation_id: int
    template: MappingTemplate
    answers: dict[str, str]
    sessions: list[MappingSession]
    advice: EconomicAdvice
    version: int = 0


# The default template: the areas seen in seeds 002 and 004. Questions in English
# (translated when the first version is stored, so each team's template is in its language).
DEFAULT_TEMPLATE: tuple[
    tuple[str, tuple[tuple[str, str, AnswerKind, tuple[str, ...]], ...]], ...
] = (
    (
        N_("Work and studies"),
        (
            ("work_experience", N_("Earlier work and work experience"), AnswerKind.TEXT, ()),
            ("work_wishes", N_("What work or studies would you like?"), AnswerKind.TEXT, ()),
            (
                "work_readiness",
                N_("How ready do you feel to work or study now?"),
                AnswerKind.SCALE,
                (),
            ),
        ),
    ),
    (
        N_("Education"),
        (
            (
                "education_level",
                N_("Highest completed education"),
                AnswerKind.CHOICE,
                (
                    N_("Compulsory school not completed"),
                    N_("Compulsory school"),
                    N_("Upper secondary school"),
                    N_("Post-secondary education"),
                ),
            ),
            ("education_notes", N_("Courses, grades and certificates"), AnswerKind.TEXT, ()),
        ),
    ),
    (
        N_("Leisure and interests"),
        (("interests", N_("Interests and what you do in your free time"), AnswerKind.TEXT, ()),),
    ),
    (
        N_("Family and relatives"),
        (
            ("family", N_("Family, relatives and network"), AnswerKind.TEXT, ()),
            (
                "family_support",
                N_("Is there someone close who supports you?"),
                AnswerKind.YES_NO,
                (),
            ),
        ),
    ),
    (
        N_("Health"),
        (
            ("health", N_("Health and what affects daily life"), AnswerKind.TEXT, ()),
            (
                "health_care",
                N_("In contact with health care or psychiatry?"),
                AnswerKind.YES_NO,
                (),
            ),
        ),
    ),
    (
        N_("Self-esteem and self-confidence"),
        (
            ("self_esteem", N_("How do you see your own abilities?"), AnswerKind.SCALE, ()),
            ("strengths", N_("Strengths others see in you"), AnswerKind.TEXT, ()),
        ),
    ),
    (
        N_("Motivation and initiative"),
        (
            ("motivation", N_("Motivation for change"), AnswerKind.SCALE, ()),
            (
                "goals",
                N_("What do you want to achieve during the participation?"),
                AnswerKind.TEXT,
                (),
            ),
        ),
    ),
    (
        N_("Finances"),
        (
            ("income", N_("Current income and support"), AnswerKind.TEXT, ()),
            ("debts", N_("Debts or payment problems?"), AnswerKind.YES_NO, ()),
        ),
    ),
    (
        N_("Knowledge of society and working life"),
        (
            (
                "society",
                N_("Knowledge of authorities, working life and everyday matters"),
                AnswerKind.TEXT,
                (),
            ),
            ("driving_licence", N_("Driving licence"), AnswerKind.YES_NO, ()),
        ),
    ),
)


def default_template_sections() -> list[Section]:
    return [
        Section(
            _(title),
            [
                Question(key, _(text), kind, [_(c) for c in choices])
                for key, text, kind, choices in qs
            ],
        )
        for title, qs in DEFAULT_TEMPLATE
    ]
