"""Kartläggning: the versioned template, a case's answers, sessions and ekonomisk
rådgivning."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.casework_models import (
    CaseEventRow,
    MappingAnswerRow,
    MappingSessionRow,
    MappingTemplateRow,
)
from finsam_desktop.db.models import StaffRow
from finsam_desktop.domain.errors import NotFound, ValidationError
from finsam_desktop.domain.mapping import (
    EconomicAdvice,
    Mapping,
    MappingSession,
    MappingTemplate,
    Section,
    check_answer,
    check_template,
)
from finsam_desktop.i18n import _
from finsam_desktop.services.access import Permission, pure, require, requires
from finsam_desktop.services.audit import shows_person
from finsam_desktop.services.case_options import option_names
from finsam_desktop.services.casework import case_file, participation_row, require_open
from finsam_desktop.services.records import check_unchanged, existing_row


def _template(row: MappingTemplateRow) -> MappingTemplate:
    return MappingTemplate(
        row.id, row.number, [Section.from_json(s) for s in row.sections], row.created_on
    )


@requires(Permission.CASEWORK)
def current_template(session: Session) -> MappingTemplate:
    """The newest template version: what a case that has not been mapped yet gets."""
    require(session, Permission.CASEWORK)
    row = session.scalar(select(MappingTemplateRow).order_by(MappingTemplateRow.number.desc()))
    if row is None:
        raise NotFound("mapping_template")
    return _template(row)


@requires(Permission.CASEWORK)
def get_template(session: Session, template_id: int) -> MappingTemplate:
    row = existing_row(session, MappingTemplateRow, template_id)
    return _template(row)


@requires(Permission.CASEWORK)
def save_template(session: Session, sections: list[Section], today: date) -> MappingTemplate:
    """Store the edited template as a new version; cases already mapped keep theirs."""
    require(session, Permission.CASEWORK)
    check_template(sections)
    current = current_template(session)
    json_sections = [s.to_json() for s in sections]
    if json_sections == current.to_json():
        return current
    number = (session.scalar(select(func.max(MappingTemplateRow.number))) or 0) + 1
    row = MappingTemplateRow(number=number, sections=json_sections, created_on=today)
    session.add(row)
    session.flush()
    return _template(row)


@requires(Permission.CASEWORK)
@shows_person("mapping")
def get_mapping(session: Session, participation_id: int) -> Mapping:
    require(session, Permission.CASEWORK)
    participation_row(session, participation_id)
    file = case_file(session, participation_id)
    template = (
        get_template(session, file.mapping_template_id)
        if file.mapping_template_id
        else current_template(session)
    )
    answers = dict(
        session.execute(
            select(MappingAnswerRow.question_key, MappingAnswerRow.value).where(
                MappingAnswerRow.participation_id == participation_id
            )
        ).all()
    )
    names = dict(session.execute(select(StaffRow.id, StaffRow.name)).all())
    sessions = [
        MappingSession(r.id, r.held_on, r.staff_id, names.get(r.staff_id, ""), r.note)
        for r in session.scalars(
            select(MappingSessionRow)
            .where(MappingSessionRow.participation_id == participation_id)
            .order_by(MappingSessionRow.held_on, MappingSessionRow.id)
        )
    ]
    benefit_ids = list(file.advice_benefit_ids or [])
    benefits = option_names(session, benefit_ids)
    advice = EconomicAdvice(
        file.advice_offered_on,
        file.advice_offered_by_id,
        names.get(file.advice_offered_by_id, ""),
        benefit_ids,
        [benefits[i] for i in benefit_ids if i in benefits],
        file.advice_note,
    )
    return Mapping(participation_id, template, answers, sessions, advice, file.version)


@requires(Permission.CASEWORK)
def save_answers(
    session: Session,
    participation_id: int,
    answers: dict[str, str],
    template_id: int | None = None,
    expected: dict[str, str] | None = None,
) -> Mapping:
    """Save the answers; the case is tied to its template version on the first save.
    ``template_id``: the version the form was built from, so that a template saved in
    the settings meanwhile cannot change which questions the answers belong to.
    ``expected``: the answers the form was built with (None: none were saved). Only
    the answers changed in the form are written; ConcurrentChange when one of them
    was changed by someone else since, so nobody's answer is silently overwritten."""
    require(session, Permission.CASEWORK)
    require_open(session, participation_id)
    file = case_file(session, participation_id)
    chosen = file.mapping_template_id or template_id
    template = get_template(session, chosen) if chosen else current_template(session)
    problems: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key, value in answers.items():
        question = template.question(key)
        if question is None:
            continue
        try:
            cleaned[key] = check_answer(question, value)
        except ValidationError as exc:
            problems.update(exc.problems)
    if problems:
        raise ValidationError(problems)
    file.mapping_template_id = template.id
    existing = {
        r.question_key: r
        for r in session.scalars(
            select(MappingAnswerRow).where(MappingAnswerRow.participation_id == participation_id)
        )
    }
    base = expected or {}
    changed = {k: v for k, v in cleaned.items() if v != base.get(k, "")}
    saved_now = {k: existing[k].value if k in existing else "" for k in changed}
    check_unchanged(saved_now, {k: base.get(k, "") for k in changed})
    for key, value in changed.items():
        row = existing.get(key)
        if row is None:
            session.add(
                MappingAnswerRow(participation_id=participation_id, question_key=key, value=value)
            )
        else:
            row.value = value
    session.flush()
    return get_mapping(session, participation_id)


@requires(Permission.CASEWORK)
def add_session(
    session: Session, participation_id: int, item: MappingSession, today: date
) -> MappingSession:
    require(session, Permission.CASEWORK)
    require_open(session, participation_id)
    problems = {}
    if item.held_on > today:
        problems["held_on"] = _("A conversation cannot be recorded for a day in the future.")
    if item.staff_id is None:
        problems["staff_id"] = _("Choose who held the conversation.")
    if problems:
        raise ValidationError(problems)
    file = case_file(session, participation_id)
    if file.mapping_template_id is None:
        file.mapping_template_id = current_template(session).id
    row = MappingSessionRow(
        participation_id=participation_id,
        held_on=item.held_on,
        staff_id=item.staff_id,
        note=item.note.strip(),
    )
    session.add(row)
    session.flush()
    return MappingSession(row.id, row.held_on, row.staff_id, "", row.note)


@requires(Permission.CASEWORK)
def remove_session(session: Session, participation_id: int, session_id: int) -> None:
    """A session recorded by mistake; only while the case is open."""
    require(session, Permission.CASEWORK)
    require_open(session, participation_id)
    session.execute(
        delete(MappingSessionRow).where(
            MappingSessionRow.id == session_id,
            MappingSessionRow.participation_id == participation_id,
        )
    )


@pure
def advice_values(advice: EconomicAdvice | None) -> tuple:
    """What the counselling form edits, comparable (see ``records.check_unchanged``)."""
    advice = advice or EconomicAdvice()
    return (
        advice.offered_on,
        advice.offered_by_id,
        list(dict.fromkeys(advice.benefit_ids)),
        advice.note.strip(),
    )


@requires(Permission.CASEWORK)
def save_advice(
    session: Session,
    participation_id: int,
    advice: EconomicAdvice,
    today: date,
    expected: EconomicAdvice | None = None,
) -> EconomicAdvice:
    """Ekonomisk rådgivning: when it was offered, by whom and which benefits were discussed.
    ``expected``: the counselling as the form loaded it (None: nothing was saved then);
    ConcurrentChange when someone else has saved it since."""
    require(session, Permission.CASEWORK)
    require_open(session, participation_id)
    check_unchanged(
        advice_values(get_mapping(session, participation_id).advice), advice_values(expected)
    )
    problems = {}
    if advice.offered_on is None:
        problems["offered_on"] = _("Enter the date the counselling was offered.")
    elif advice.offered_on > today:
        problems["offered_on"] = _("The date must not lie in the future.")
    if advice.offered_by_id is None:
        problems["offered_by_id"] = _("Choose who offered the counselling.")
    if problems:
        raise ValidationError(problems)
    file = case_file(session, participation_id)
    first_time = file.advice_offered_on is None
    file.advice_offered_on = advice.offered_on
    file.advice_offered_by_id = advice.offered_by_id
    file.advice_benefit_ids = list(dict.fromkeys(advice.benefit_ids))
    file.advice_note = advice.note.strip()
    if first_time:
        session.add(
            CaseEventRow(
                participation_id=participation_id,
                happened_on=advice.offered_on,
                kind="note",
                text=_("Financial counselling offered."),
            )
        )
    session.flush()
    return get_mapping(session, participation_id).advice
