from datetime import date

import pytest

from finsam_desktop.domain.lots import (
    LotsCase,
    looks_like_personnummer,
    normalise_officer,
    validate_case,
)
from finsam_desktop.domain.lots_summary import age_group, birth_decade, whole_percent

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text",
    ["19850101-1234", "850101-1234", "8501011234", "198501011234", "ref 850101-1234 x",
     "850161-1234", "19850101 1234", "850101+1234"],
)  # fmt: skip
def test_personnummer_shapes_are_recognised(text):
    assert looks_like_personnummer(text)


@pytest.mark.parametrize("text", ["", "L00012", "AF-07", "2016-03-04", "1234567890", "ärende 17"])
def test_ordinary_references_pass(text):
    assert not looks_like_personnummer(text)


def test_whole_percent_follows_the_seed_reports():
    assert whole_percent(15, 25) == 60  # Håbo: 15 av dessa (60 %)
    assert whole_percent(10, 25) == 40
    assert whole_percent(6, 8) == 75  # Älvkarleby: 6 av 8 respondenter
    assert whole_percent(11, 57) == 19  # 11 personer (19 %)
    assert whole_percent(1, 8) == 13  # 12.5 rounds up, as people do
    assert whole_percent(3, 0) is None


def test_age_group_and_decade():
    assert age_group(2016, 1987) == "under"
    assert age_group(2016, 1986) == "over"  # 30 that year
    assert age_group(2016, None) == "unknown"
    assert birth_decade(1989) == 1980
    assert birth_decade(None) is None


def test_officer_key_ignores_case_and_spaces():
    assert normalise_officer(" AF-07 ") == normalise_officer("af-07")
    assert normalise_officer("Anna  Berg") == "anna berg"


def test_validation_names_each_field():
    case = LotsCase(
        id=None,
        received=date(2027, 1, 1),
        municipality_id=None,
        birth_year=1850,
        closed=date(2026, 1, 1),
        reference="19850101-1234",
        survey_score=4,
    )
    problems = validate_case(case, TODAY)
    assert set(problems) == {"received", "municipality", "birth_year", "closed", "reference",
                             "survey_score"}  # fmt: skip
    assert "personnummer" in problems["reference"]


def test_survey_needs_a_closed_case():
    case = LotsCase(id=None, received=date(2026, 1, 1), municipality_id=1, survey_sent=True)
    assert "survey_sent" in validate_case(case, TODAY)
    case.closed = date(2026, 2, 1)
    case.survey_score = 5
    assert validate_case(case, TODAY) == {}
