"""Swedish alphabetical order: ... x y z å ä ö, case-insensitive.

SQLite's binary collation would put ä before å and capitals first, so each name
column that lists sort by has a companion key column holding ``swedish_key(name)``;
the key sorts correctly in plain byte order and can be indexed.
"""

from __future__ import annotations

# Characters after 'z' in ASCII keep å < ä < ö after every a–z letter.
_FOLD = str.maketrans(
    {
        "å": "{",
        "ä": "|",
        "æ": "|",
        "ö": "}",
        "ø": "}",
        "ü": "y",
        "é": "e",
        "è": "e",
        "á": "a",
        "à": "a",
    }
)


def swedish_key(text: str | None) -> str:
    return (text or "").strip().casefold().translate(_FOLD)
