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


def _counts_not_grouped(source: str) -> list[int]:
    """Lines where a plural text's count, ``ngettext(...).format(n=…)``, is not written by
    ``format_number``."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Call)
            and getattr(node.func.value.func, "id", None) == "ngettext"
        ):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "n" and getattr(getattr(value, "func", None), "id", None) != (
                "format_number"
            ):
                lines.append(node.lineno)
    return lines


def test_every_count_in_a_plural_text_is_grouped():
    """Every count a plural text shows goes through format_number: "66 666 rader", not
    "66666 rader" (a day or two reads the same either way)."""
    from pathlib import Path

    package = Path(i18n.__file__).parent
    missing = {
        str(path.relative_to(package)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := _counts_not_grouped(path.read_text(encoding="utf-8")))
    }
    assert missing == {}
    assert _counts_not_grouped('ngettext("{n} row", "{n} rows", k).format(n=k)') == [1]
    assert _counts_not_grouped('ngettext("{n} a", "{n} b", k).format(n=format_number(k))') == []
