"""Swedish is complete: every user-visible string has a translation, and the catalogue
matches the code (run `scripts/i18n.py update` after changing strings)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SV = ROOT / "translations" / "sv" / "LC_MESSAGES" / "finsam.po"


def extracted_ids(tmp_path) -> set[str]:
    pot = tmp_path / "check.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            "finsam_desktop",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def swedish():
    with SV.open("rb") as f:
        return read_po(f, locale="sv")


def test_every_string_in_the_code_is_in_the_swedish_catalogue(tmp_path):
    catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in swedish() if m.id}
    missing = sorted(extracted_ids(tmp_path) - catalogue)
    assert missing == [], "run scripts/i18n.py update and translate"


def test_every_swedish_entry_is_translated():
    untranslated = []
    for m in swedish():
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if any(not s for s in strings):
            untranslated.append(m.id)
    assert untranslated == []


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
