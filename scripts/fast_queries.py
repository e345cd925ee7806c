"""Write the SQLite text of the statements that run without SQLAlchemy (db/fast_query.py).

    python scripts/fast_queries.py          # rewrite the generated modules
    python scripts/fast_queries.py --check  # exit 1 when one is out of date

Each entry: the module defining ``statements()`` and the generated module beside it.
tests/db/test_fast_query.py runs the same comparison.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GENERATED = {"finsam_desktop.services.lots_summary": "finsam_desktop.services.lots_summary_sql"}


def expected_text(source: str) -> str:
    from finsam_desktop.db.fast_query import compile_for_sqlite, generated_module
    from finsam_desktop.db.migrate import head_revisions

    statements = importlib.import_module(source).statements()
    return generated_module(source, compile_for_sqlite(statements), head_revisions())


def target_path(target: str) -> Path:
    return ROOT / (target.replace(".", "/") + ".py")


def main(argv: list[str]) -> int:
    stale = []
    for source, target in GENERATED.items():
        text = expected_text(source)
        path = target_path(target)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if "--check" in argv:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"written: {path.relative_to(ROOT)}")
    for name in stale:
        print(f"out of date: {name} (run python scripts/fast_queries.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
