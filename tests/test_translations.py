"""Swedish is complete: every user-visible string has a translation, and the catalogue
matches the code (run `scripts/i18n.py update` after changing strings)."""

from babel.messages.pofile import read_po

from scripts.i18n import catalogue, extract, missing, msgid


def extracted_ids(tmp_path) -> set[str]:
    pot = tmp_path / "check.pot"
    extract(pot, quiet=True)
    with pot.open("rb") as f:
        return {msgid(m) for m in read_po(f) if m.id}


def swedish():
    return catalogue("sv")


def test_every_string_in_the_code_is_in_the_swedish_catalogue(tmp_path):
    known = {msgid(m) for m in swedish() if m.id}
    not_in_catalogue = sorted(extracted_ids(tmp_path) - known)
    assert not_in_catalogue == [], "run scripts/i18n.py update and translate"


def test_every_swedish_entry_is_translated():
    assert missing("sv") == []


def test_placeholders_survive_translation():
    import re

    broken = []
    for m in swedish():
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(re.findall(r"\{\w+\}", ids[0]))
        for s in strings:
            if s and set(re.findall(r"\{\w+\}", s)) != wanted:
                broken.append(ids[0])
    assert broken == []


def test_no_translated_string_hides_inside_an_f_string():
    """Babel on Python 3.11 reads an f-string as one token: a _() inside it is never
    extracted, so its Swedish could vanish without any test noticing."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    inside = re.compile(r"""\bf(["']).*?\{_\(["']""")
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted((root / "finsam_desktop").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inside.search(line)
    ]
    assert offenders == []


def test_the_compiled_catalogues_are_up_to_date():
    """The program reads the committed .mo (no Babel at start): after editing a .po,
    `scripts/i18n.py compile` (or `update`) must be run, else the change never shows."""
    import gettext
    import io

    from scripts.i18n import LANGS, catalogue_path, compiled

    for lang in LANGS:
        mo = catalogue_path(lang).with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run scripts/i18n.py compile"
        shipped = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))._catalog
        wanted = gettext.GNUTranslations(io.BytesIO(compiled(lang)))._catalog
        shipped.pop("", None)  # the header (its date changes with every compile)
        wanted.pop("", None)
        assert shipped == wanted, f"{mo} is out of date: run scripts/i18n.py compile"


def test_the_program_reads_swedish_from_the_package():
    from importlib.resources import files

    from finsam_desktop.i18n import _, ngettext, set_language

    mo = files("finsam_desktop") / "translations" / "sv" / "LC_MESSAGES" / "finsam.mo"
    assert mo.is_file()
    set_language("sv")
    assert _("Log in") == "Logga in"
    assert ngettext("(extended by {n} month)", "(extended by {n} months)", 2) == (
        "(förlängd med {n} månader)"
    )
