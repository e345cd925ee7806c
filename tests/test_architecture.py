"""The layering of ARCHITECTURE.md, checked on every run: ui → services → db → domain.

- PySide6 is imported only under ui/, app.py and __main__.py;
- domain/ imports neither SQLAlchemy nor Qt nor anything above it;
- db/ does not import services/, reports/ or ui/; services/ and reports/ not ui/;
  reports/ not services/ either (it prints domain types);
- widgets never hold a Session or write SQL: ui/ imports nothing from sqlalchemy
  except exception classes, and nothing from db/ but the Database type and migrations;
- no import cycle anywhere in the package (services, reports, ui, the command line...);
- services and screens read "today" and "now" from the one clock (domain/clock.py).
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
    # reports/ lays out what services gathered (domain types in, bytes out).
    "reports": {"finsam_desktop.ui", "finsam_desktop.services", "sqlalchemy"},
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


# --- no import cycles ---------------------------------------------------------------------
#
# The import graph of every module of the package, the command line and reports/ included.
# An edge is any ``import`` that runs: at module level AND inside a function (a cycle hidden
# in a function still means neither module can be understood, tested or moved without the
# other). Not edges: imports under ``if TYPE_CHECKING:`` (they never run) and
# ``importlib.import_module`` of a computed name (field_labels finds every enum that way).
# ``from a.b import c`` is an edge to the module a.b.c when there is one, else to a.b; an
# import of a.b.c is an edge to a.b.c, not to the packages above it.


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _runs(tree: ast.AST, at_import: bool = False) -> list[ast.AST]:
    """The nodes of ``tree`` outside ``if TYPE_CHECKING:`` blocks (and, ``at_import``,
    outside functions: what runs when the module is imported)."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            test = getattr(child, "test", None)
            if isinstance(child, ast.If) and ast.unparse(test).endswith("TYPE_CHECKING"):
                stack.extend(child.orelse)
                continue
            if at_import and isinstance(child, FUNCTIONS):
                continue
            stack.append(child)
    return found


def import_graph(files: dict[str, Path], at_import: bool = False) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in _runs(ast.parse(path.read_text(encoding="utf-8")), at_import):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x, from ..y import z
                    up = package[: len(package) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in files else base)
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def package_graph(at_import: bool = False) -> dict[str, set[str]]:
    return import_graph({module_name(p): p for p in modules()}, at_import)


def test_no_import_cycles():
    assert cycles(package_graph()) == []


def test_the_import_graph_covers_every_layer_and_the_command_line():
    graph = package_graph()
    layers = {m.split(".")[1] for m in graph if m.count(".") >= 1}
    assert {"domain", "db", "services", "reports", "ui"} <= layers
    assert any(m.startswith("finsam_desktop.cli") for m in graph)
    # An import inside a function is an edge (demo.create_demo_database opens through
    # signin there); one under ``if TYPE_CHECKING:`` is not.
    assert "finsam_desktop.services.signin" in graph["finsam_desktop.services.demo.database"]


def test_the_cycle_finder_finds_cycles_also_inside_functions(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.c import g\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    (pkg / "e.py").write_text("from . import d\n")
    files = {f"pkg.{p.stem}" if p.stem != "__init__" else "pkg": p for p in pkg.glob("*.py")}
    assert cycles(import_graph(files)) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert import_graph(files)["pkg.e"] == {"pkg.d"}
    assert import_graph(files)["pkg.d"] == set()


# --- one clock ----------------------------------------------------------------------------
#
# Services and screens read "today" and "now" from domain/clock.py, which tests pin in one
# fixture (tests/conftest.py `clock`). These few read the machine's real time on purpose:
REAL_TIME = {
    # Backup files are named and scheduled by the real time, compared with the files'
    # own modification times on disk.
    ("services/backups.py", "datetime.now"),
    # A half-typed form is stamped when it was really saved: after a crash the newest is
    # offered first, whatever day the program believes it is.
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
