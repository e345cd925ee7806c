"""The layering of ARCHITECTURE.md, checked on every run: ui → services → db → domain.

- PySide6 is imported only under ui/, app.py and __main__.py;
- domain/ imports neither SQLAlchemy nor Qt nor anything above it;
- db/ does not import services/, reports/ or ui/; services/ and reports/ not ui/;
- widgets never hold a Session or write SQL: ui/ imports nothing from sqlalchemy
  except exception classes, and nothing from db/ but the Database type and migrations.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "finsam_desktop"


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
    return found


def layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules():
    assert len(modules()) > 20


def test_qt_only_in_the_ui():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in modules()
        if layer(p) not in {"ui", "app", "__main__"}
        and any(m.split(".")[0] == "PySide6" for m, _names in imports_of(p))
    ]
    assert offenders == []


FORBIDDEN = {
    "domain": {
        "sqlalchemy",
        "alembic",
        "finsam_desktop.db",
        "finsam_desktop.services",
        "finsam_desktop.reports",
        "finsam_desktop.ui",
        "reportlab",
        "openpyxl",
    },
    "db": {"finsam_desktop.services", "finsam_desktop.reports", "finsam_desktop.ui"},
    "services": {"finsam_desktop.ui"},
    "reports": {"finsam_desktop.ui", "sqlalchemy"},
}


def test_dependencies_flow_one_way():
    offenders = []
    for p in modules():
        banned = FORBIDDEN.get(layer(p), set())
        for module, _names in imports_of(p):
            if any(module == b or module.startswith(b + ".") for b in banned):
                offenders.append(f"{p.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


ALLOWED_SQL_IN_UI = {"sqlalchemy.exc", "sqlalchemy.orm.exc"}
ALLOWED_DB_IN_UI = {"finsam_desktop.db.engine": {"Database"}}


def test_widgets_write_no_sql_and_hold_no_session():
    offenders = []
    for p in modules():
        if layer(p) != "ui":
            continue
        source = p.read_text(encoding="utf-8")
        for module, names in imports_of(p):
            if module.split(".")[0] == "sqlalchemy" and module not in ALLOWED_SQL_IN_UI:
                offenders.append(f"{p.name} imports {module}")
            if module.startswith("finsam_desktop.db"):
                allowed = ALLOWED_DB_IN_UI.get(module)
                if module != "finsam_desktop.db.migrate" and (
                    allowed is None or not set(names) <= allowed
                ):
                    offenders.append(f"{p.name} imports {module}: {names}")
        for word in ("session.execute", "select(", "Session("):
            if word in source:
                offenders.append(f"{p.name} contains {word!r}")
    assert offenders == []


def test_the_window_starts_without_reportlab_or_openpyxl():
    import subprocess
    import sys

    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "import finsam_desktop.app, finsam_desktop.ui.main_window;"
        "print(sorted(m for m in ('reportlab','openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- one clock ----------------------------------------------------------------------------
#
# Services and screens read "today" and "now" from domain/clock.py, which tests pin in one
# fixture (tests/conftest.py `clock`). These few read the machine's real time on purpose:
REAL_TIME = {
    # The access log stamps each entry, and its anchor file, in real UTC: a pinned or
    # mistaken program clock must never rewrite when something was done.
    ("services/audit.py", "datetime.now"),
    # Backup files are named and scheduled by the real time, compared with the files'
    # own modification times on disk.
    ("services/backups.py", "datetime.now"),
    # A half-typed form is stamped when it was really saved (the crash recovery order).
    ("services/drafts.py", "datetime.now"),
}
CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
}


def clock_reads(path: Path) -> list[str]:
    """Every date.today / datetime.now (called or passed as a function) in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
            owner = ast.Name(owner.attr)  # datetime.date.today -> date.today
        if isinstance(owner, ast.Name) and (owner.id, node.attr) in CLOCK_CALLS:
            found.append(f"{owner.id}.{node.attr}")
    return found


def test_services_and_screens_read_the_one_clock():
    offenders, allowed_used = [], set()
    for p in modules():
        if layer(p) not in {"services", "ui"}:
            continue
        rel = p.relative_to(PACKAGE).as_posix()
        for call in clock_reads(p):
            if (rel, call) in REAL_TIME:
                allowed_used.add((rel, call))
            else:
                offenders.append(f"{rel}: {call}")
    assert offenders == []
    assert allowed_used == REAL_TIME  # an exception nobody needs any more is removed


def test_the_clock_scan_finds_a_read():
    """The scan above sees both a call and a function passed as a default."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.py"
        probe.write_text(
            "import datetime as dt\nfrom datetime import date, datetime\n"
            "def f(today=date.today):\n    return datetime.now(), dt.date.today()\n",
            encoding="utf-8",
        )
        assert sorted(clock_reads(probe)) == ["date.today", "date.today", "datetime.now"]
