"""Manage the translation catalogues with Babel.

    .venv/bin/python scripts/i18n.py update   extract strings to finsam_desktop/translations/
                                              finsam.pot, merge them into {sv,en}/.../finsam.po
                                              and compile each to finsam.mo
    .venv/bin/python scripts/i18n.py compile  compile every finsam.po to its finsam.mo (after
                                              filling in translations)
    .venv/bin/python scripts/i18n.py missing  list Swedish entries without a translation

The catalogues ship inside the package (finsam_desktop/translations/); the compiled
.mo files are committed beside the .po files, and tests/test_translations.py fails
when one is out of date. The program reads only the .mo (finsam_desktop/i18n.py).
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "finsam_desktop" / "translations"
POT = TRANSLATIONS / "finsam.pot"
LANGS = ("sv", "en")


KEYWORDS = ("-k", "_", "-k", "N_", "-k", "ngettext:1,2")


def pybabel(*args: str, quiet: bool = False) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        check=True,
        cwd=ROOT,
        capture_output=quiet,
    )


def extract(pot: Path, *options: str, quiet: bool = False) -> None:
    """Every translatable string in the program into ``pot`` (the tests check against it)."""
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *KEYWORDS,
        "--no-location",
        *options,
        "-o",
        str(pot),
        "finsam_desktop",
        quiet=quiet,
    )


def catalogue_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "finsam.po"


def catalogue(lang: str = "sv"):
    with catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def compiled(lang: str) -> bytes:
    """The .mo the program reads, made from the .po (fuzzy entries left out, as gettext)."""
    catalog = catalogue(lang)
    # Fixed header dates: the same .po compiles to the same bytes (no churn in git).
    catalog.creation_date = catalog.revision_date = datetime(2026, 1, 1, tzinfo=UTC)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def compile_all() -> None:
    for lang in LANGS:
        if catalogue_path(lang).exists():
            catalogue_path(lang).with_suffix(".mo").write_bytes(compiled(lang))


def msgid(message) -> str:
    """The singular id (a plural entry's id is a tuple)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def update() -> None:
    extract(POT, "--sort-output", "--omit-header")
    for lang in LANGS:
        po = catalogue_path(lang)
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-o",
                str(po),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
                "--omit-header",
            )
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            pybabel("init", "-i", str(POT), "-o", str(po), "-l", lang)
    compile_all()


def missing(lang: str = "sv") -> list[str]:
    out = []
    for message in catalogue(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(not s for s in strings):
            out.append(msgid(message))
    return out


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "missing":
        for msgid in missing():
            print(msgid)
    else:
        sys.exit(__doc__)
