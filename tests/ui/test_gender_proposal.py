"""Gender is proposed from the personnummer's second-to-last digit in every form where a
personnummer is typed; it stays editable (annat, okänt) and a hand-made choice wins."""

from __future__ import annotations

import random
from datetime import date

import pytest

from finsam_desktop.domain.persons import Gender, gender_from_personnummer
from finsam_desktop.services.demo import fake_personnummer


@pytest.fixture(autouse=True)
def no_unsaved_question_at_teardown(qapp):
    """A failed assertion must not leave a dirty form asking a modal question."""
    yield
    from PySide6.QtWidgets import QApplication

    from finsam_desktop.ui.widgets.forms import FormDialog

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, FormDialog):
            widget.fields.dirty = False


def number(serial: int) -> str:
    """A test-range personnummer (birth numbers 980–999): even serial → even digit."""
    digits = fake_personnummer(random.Random(serial), date(1990, 5, 17), serial)
    return f"{digits[:8]}-{digits[8:]}"


def test_the_rule():
    for serial in range(20):
        text = number(serial)
        expected = Gender.MAN if int(text[-2]) % 2 else Gender.WOMAN
        assert gender_from_personnummer(text) is expected
    assert gender_from_personnummer("19900517-98") is None  # not yet a whole number


def _person_dialog(ctx):
    from finsam_desktop.ui.pages.persons.page import PersonDialog

    d = PersonDialog(ctx)
    return d, d.pnr, d.gender


def _meeting_dialog(ctx):
    from finsam_desktop.ui.pages.referrals.meeting_dialog import MeetingDialog

    d = MeetingDialog(ctx, None)
    return d, d.person.pnr, d.person.gender


def _referral_dialog(ctx):
    from finsam_desktop.ui.pages.referrals.referral_dialog import ReferralDialog

    d = ReferralDialog(ctx, None, None)
    return d, d.person.pnr, d.person.gender


@pytest.mark.parametrize("make", [_person_dialog, _meeting_dialog, _referral_dialog])
def test_every_personnummer_form_proposes_the_gender(ctx, qtbot, make):
    dialog, pnr, gender = make(ctx)
    qtbot.addWidget(dialog)
    dialog.fields.dirty = False  # closed by the fixture even when an assertion fails
    dialog.fields.mark_dirty = lambda *_a: None
    woman = next(number(s) for s in range(20) if int(number(s)[-2]) % 2 == 0)
    man = next(number(s) for s in range(20) if int(number(s)[-2]) % 2 == 1)
    qtbot.keyClicks(pnr, woman)
    assert gender.currentData() == Gender.WOMAN
    pnr.clear()
    qtbot.keyClicks(pnr, man)
    assert gender.currentData() == Gender.MAN
    # Chosen by hand: annat stays, whatever number is typed next.
    index = gender.findData(Gender.OTHER)
    gender.setCurrentIndex(index)
    gender.activated.emit(index)
    pnr.clear()
    qtbot.keyClicks(pnr, woman)
    assert gender.currentData() == Gender.OTHER
    assert gender.findData(Gender.UNKNOWN) >= 0
    dialog.fields.dirty = False
