"""Manage the translation catalogues with Babel.

    .venv/bin/python scripts/i18n.py update   extract strings to translations/finsam.pot and
                                              merge them into translations/{sv,en}/.../finsam.po
    .venv/bin/python scripts/i18n.py missing  list Swedish entries without a translation

Catalogues are compiled in memory when the program starts (finsam_desktop/i18n.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "finsam.pot"
LANGS = ("sv", "en")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    pybabel(
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
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        "finsam_desktop",
    )
    for lang in LANGS:
        po = ROOT / "translations" / lang / "LC_MESSAGES" / "finsam.po"
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


def missing(lang: str = "sv") -> list[str]:
    po = ROOT / "translations" / lang / "LC_MESSAGES" / "finsam.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(not s for s in strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "missing":
        for msgid in missing():
            print(msgid)
    else:
        sys.exit(__doc__)
