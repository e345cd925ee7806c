from datetime import date

import pytest

from finsam_desktop.domain.personnummer import InvalidPersonnummer, parse_personnummer

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text",
    ["199001019802", "19900101-9802", "900101-9802", "9001019802", " 19900101 9802 "],
)
def test_accepts_ten_or_twelve_digits_with_or_without_hyphen(text):
    assert parse_personnummer(text, TODAY).digits == "199001019802"


def test_plus_means_a_hundred_years_or_more():
    assert parse_personnummer("201231+9808", TODAY).digits[:4] == "1920"


def test_samordningsnummer_has_day_plus_sixty():
    number = parse_personnummer("199001619809", TODAY)
    assert number.is_coordination_number
    assert number.birth_date == date(1990, 1, 1)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Ange"),
        ("12345", "10 eller 12 siffror"),
        ("19900101-98O2", "10 eller 12 siffror"),
        ("19901301-9808", "Månaden"),
        ("19900230-9806", "Dagen"),
        ("19900101-9807", "Kontrollsiffran"),
        ("20991231-9804", "framtiden"),
    ],
)
def test_invalid_numbers_get_a_swedish_reason(text, words):
    with pytest.raises(InvalidPersonnummer) as err:
        parse_personnummer(text, TODAY)
    assert words in str(err.value)


def test_formatted_and_age():
    number = parse_personnummer("900101-9802", TODAY)
    assert number.formatted() == "19900101-9802"
    assert number.age_on(TODAY) == 36
