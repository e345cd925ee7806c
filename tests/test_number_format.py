"""Whole numbers and percentages are formatted without Babel (i18n.GROUP_SEPARATORS):
the result is Babel's, character for character, in both languages."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from finsam_desktop import i18n


@pytest.fixture(params=i18n.LANGUAGES)
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_whole_numbers_are_grouped_as_babel_groups_them(language):
    assert set(i18n.GROUP_SEPARATORS) >= {"sv_SE", "en_GB"}
    numbers = [*range(0, 2100), *(10**k + d for k in range(3, 16) for d in (-1, 0, 1))]
    numbers += random.Random(13).sample(range(10**12), 500)
    for n in numbers:
        assert i18n.format_number(n) == format_decimal(n, format="#,##0", locale=i18n.locale_name())
    # What is not a whole, non-negative number still goes to Babel, decimals and all.
    assert i18n.format_number(-1234) == format_decimal(
        -1234, format="#,##0", locale=i18n.locale_name()
    )
    assert i18n.format_number(1234.5, 1) == format_decimal(
        1234.5, format="#,##0.0", locale=i18n.locale_name()
    )


def test_percentages_round_as_babel_rounds_them(language):
    shares = [i / 1000 for i in range(0, 2001)]
    shares += [a / b for b in range(1, 200) for a in range(0, b + 1)]
    shares += [0.005, 0.015, 0.125, 0.285, 0.295, 0.0049999, 1e-9, 12345.678]
    for share in shares:
        expected = babel_percent(share, format="#,##0 %", locale=i18n.locale_name())
        assert i18n.format_percent(share) == expected.replace(" ", i18n.NBSP), share
    assert i18n.format_percent(0.5).endswith("\u00a0%")
