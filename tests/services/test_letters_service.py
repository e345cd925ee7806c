"""Kallelse and remissvar composed from a real case, rendered, recorded and re-opened."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.referrals import Decision, DecisionInput, InfoMeeting
from finsam_desktop.services import (
    info_meetings,
    letter_archive,
    letter_templates,
    letters,
    persons,
    referrals,
)
from tests.services import test_referrals as base

TODAY = base.TODAY
org = base.org  # the fixture, shared
new_person, number, register, remittent = (
    base.new_person,
    base.number,
    base.register,
    base.remittent,
)


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def book(db, org, protected=False, municipality="Björkhälla"):
    with db.session() as s:
        place = info_meetings.proposed_place(s, org["insats"].id, org["m"][municipality])
        rem = remittent(org)
        rem.address = "Arbetsförmedlingen Björkhälla\nBox 7\n999 41 Björkhälla"
        meeting = InfoMeeting(
            None,
            None,
            org["insats"].id,
            date(2026, 12, 3),
            "10:00",
            org["staff"][0].id,
            org["staff"][1].id,
            place.name,
            place.address,
            rem,
        )
        return info_meetings.save_meeting(
            s,
            meeting,
            number(date(2002, 2, 2)),
            new_person(org["m"][municipality], protected),
            TODAY,
        )


def test_kallelse_has_date_time_place_staff_and_a_copy_for_the_remittent(demo_db, org):
    meeting = book(demo_db, org)
    with demo_db.reading() as s:
        composed = letters.compose_kallelse(s, meeting.id, TODAY)
        person = persons.get_person(s, meeting.person_id)
    pdf = letters.render(composed)
    pages = text_of(pdf)
    assert len(pages) == 2
    first, copy = pages
    for needle in (
        "Åsa",
        "2026-12-03",
        "10:00",
        "Arbetsförmedlingen Björkhälla",
        "Storgatan 1",
        org["staff"][0].name,
        org["staff"][1].name,
        "Testvägen 4",
        "999 12 Exempelstad",
    ):
        assert needle in first, needle
    assert person.personnummer.digits[2:8] not in first.replace("-", "")
    assert "Rut Remissdotter" in copy and "Box 7" in copy


def test_protected_identity_letter_has_no_address(demo_db, org):
    meeting = book(demo_db, org, protected=True)
    with demo_db.reading() as s:
        composed = letters.compose_kallelse(s, meeting.id, TODAY)
    first = text_of(letters.render(composed))[0]
    assert "Testvägen" not in first and "999 12" not in first
    assert composed.warnings


def test_remissvar_for_rejection_has_reason_contacts_and_next_step(demo_db, org):
    saved = register(demo_db, org)
    with demo_db.session() as s:
        with pytest.raises(ValidationError):
            letters.compose_remissvar(s, saved.id, TODAY)
        referrals.decide(
            s,
            saved.id,
            DecisionInput(
                Decision.REJECT,
                TODAY,
                "Personen har pågående missbruk.",
                answer_contact1_id=org["staff"][0].id,
                answer_contact2_id=org["staff"][2].id,
            ),
            saved.version,
            TODAY,
        )
        composed = letters.compose_remissvar(s, saved.id, TODAY)
    text = text_of(letters.render(composed))[0]
    for needle in (
        "Personen har pågående missbruk.",
        org["staff"][0].name,
        org["staff"][2].name,
        org["staff"][0].phone,
        saved.case_number,
        "Rut Remissdotter",
        "2026-11-16",
    ):
        assert needle in text, needle


def test_sent_letter_reopens_byte_for_byte(demo_db, org):
    meeting = book(demo_db, org)
    with demo_db.reading() as s:
        composed = letters.compose_kallelse(s, meeting.id, TODAY)
    pdf = letters.render(composed)
    with demo_db.session() as s:
        sent = letters.record_sent(s, composed, pdf)
    with demo_db.reading() as s:
        assert letter_archive.sent_letter_pdf(s, sent.id) == pdf
        listed = letter_archive.sent_letters(s, person_id=meeting.person_id)
    assert [x.id for x in listed] == [sent.id]
    assert listed[0].kind == letter_templates.KALLELSE and listed[0].sent_by


def test_edited_template_is_used_and_unknown_placeholders_refused(demo_db, org):
    with demo_db.session() as s:
        template = letter_templates.get_template(s, letter_templates.KALLELSE)
        assert template.is_default
        template.body = "Hej {fornamn}, välkommen {datum} kl. {tid} till {plats}."
        letter_templates.save_template(s, template)
        bad = letter_templates.get_template(s, letter_templates.KALLELSE)
        bad.body = "Hej {förnamn}"
        with pytest.raises(ValidationError) as err:
            letter_templates.save_template(s, bad)
        assert "{förnamn}" in err.value.problems["body"]
    meeting = book(demo_db, org)
    with demo_db.reading() as s:
        text = text_of(letters.render(letters.compose_kallelse(s, meeting.id, TODAY)))[0]
    assert "Hej Åsa, välkommen 2026-12-03 kl. 10:00 till Arbetsförmedlingen Björkhälla" in text
    with demo_db.session() as s:
        assert letter_templates.reset_template(s, letter_templates.KALLELSE).is_default


def test_template_preview_renders(demo_db):
    with demo_db.reading() as s:
        pdf = letters.preview_template(
            s, letter_templates.get_template(s, letter_templates.REMISSVAR_ACCEPTED)
        )
    assert "R2026-00012" in text_of(pdf)[0]


@pytest.mark.parametrize(
    ("kind", "decision"),
    [
        (letter_templates.REMISSVAR_ACCEPTED, "Beslut: Antagen"),
        (letter_templates.REMISSVAR_REJECTED, "Beslut: Avslag"),
        (letter_templates.REMISSVAR_DORMANT, "Beslut: Vilande"),
    ],
)
def test_each_answer_is_previewed_with_its_own_decision(demo_db, kind, decision):
    with demo_db.reading() as s:
        pdf = letters.preview_template(s, letter_templates.get_template(s, kind))
    text = " ".join(" ".join(text_of(pdf)).split())
    assert decision in text
