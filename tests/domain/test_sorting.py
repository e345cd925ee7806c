from finsam_desktop.domain.sorting import swedish_key


def test_swedish_alphabet_puts_a_ring_a_umlaut_o_umlaut_last():
    names = ["Örjan", "Zäta", "Åsa", "ärlig", "Anna", "östen", "Ärla", "Bo", "åke"]
    assert sorted(names, key=swedish_key) == [
        "Anna",
        "Bo",
        "Zäta",
        "åke",
        "Åsa",
        "Ärla",
        "ärlig",
        "Örjan",
        "östen",
    ]


def test_case_does_not_matter():
    assert swedish_key("ÅSA") == swedish_key("åsa")
