"""Tests that cannot fail are defects: every test module is read and the known shapes of a
test that passes whatever the code does are refused (issue 13 §8).

- a module named ``test_*.py`` that holds no test (a helper module pytest collects for
  nothing; helpers are named ``*_fixtures.py``);
- an assert that is true by construction: a constant, ``x or True``, ``err.value is not
  None`` after ``pytest.raises``;
- an assert on an attribute that may not exist (``getattr`` with a default, or
  ``hasattr`` as a guard, inside the assert: a misspelt attribute then passes);
- a ``try`` whose only asserts are in its ``except`` branches and nothing after it
  asserts: when no error is raised, the test checks nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "__pycache__" not in p.parts)


def _is_test(node: ast.stmt) -> bool:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name.startswith("test")
    return isinstance(node, ast.ClassDef) and node.name.startswith("Test")


def _checks(nodes: list[ast.stmt]) -> bool:
    """Whether any of ``nodes`` asserts, fails or expects an error."""
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Assert | ast.Raise):
                return True
            if isinstance(n, ast.Call):
                name = n.func.attr if isinstance(n.func, ast.Attribute) else ""
                name = n.func.id if isinstance(n.func, ast.Name) else name
                if name in {"fail", "raises", "warns"} or name.startswith("assert"):
                    return True
    return False


def _raises_names(tree: ast.AST) -> set[str]:
    """Names bound by ``with pytest.raises(...) as name``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "raises"
                    and isinstance(item.optional_vars, ast.Name)
                ):
                    names.add(item.optional_vars.id)
    return names


def _is_call(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _assert_problems(test: ast.expr, raised: set[str]) -> list[str]:
    problems = []
    if isinstance(test, ast.Constant):
        problems.append("asserts a constant")
    for n in ast.walk(test):
        if (
            isinstance(n, ast.BoolOp)
            and isinstance(n.op, ast.Or)
            and any(isinstance(v, ast.Constant) and v.value for v in n.values)
        ):
            problems.append("'or' with a true constant")
        if _is_call(n, "getattr") and len(n.args) == 3:
            problems.append("getattr() with a default inside an assert")
        # hasattr as a guard: the assert passes whenever the attribute does not exist.
        guards = [n.test] if isinstance(n, ast.IfExp) else []
        guards += n.values if isinstance(n, ast.BoolOp) and isinstance(n.op, ast.Or) else []
        if any(_is_call(m, "hasattr") for g in guards for m in ast.walk(g)):
            problems.append("hasattr() as a guard inside an assert")
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and isinstance(test.left, ast.Attribute)
        and test.left.attr == "value"
        and isinstance(test.left.value, ast.Name)
        and test.left.value.id in raised
    ):
        problems.append("pytest.raises(...).value is never None")
    return problems


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(TESTS.parent) if path.is_relative_to(TESTS) else path.name
    found = []
    if path.name.startswith("test_") and not any(_is_test(n) for n in tree.body):
        found.append(f"{where}: a test module without tests (name a helper *_fixtures.py)")
    raised = _raises_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            found += [f"{where}:{node.lineno}: {p}" for p in _assert_problems(node.test, raised)]
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            for i, stmt in enumerate(node.body):
                if (
                    isinstance(stmt, ast.Try)
                    and _checks(stmt.handlers)
                    and not _checks(stmt.body + stmt.orelse + stmt.finalbody)
                    and not _checks(node.body[i + 1 :])
                ):
                    found.append(
                        f"{where}:{stmt.lineno}: only the except branch checks; "
                        "nothing is checked when no error is raised"
                    )
    return found


def test_every_test_module_is_read():
    # The check below sees the modules it should: the suite's own files are among them.
    names = {p.name for p in modules()}
    assert {"test_architecture.py", "test_hostile_input.py", "test_concurrency.py"} <= names
    assert not (TESTS / "test_lots_support.py").exists()


def test_no_test_that_cannot_fail():
    problems = [p for path in modules() for p in problems_in(path)]
    problems += [p for path in TESTS.rglob("*_fixtures.py") for p in problems_in(path)]
    assert not problems, "\n".join(problems)


def test_the_check_catches_each_shape(tmp_path):
    # The check itself can fail: each shape it refuses, written out, is found.
    samples = {
        "test_helpers_only.py": "def helper():\n    return 1\n",
        "test_or_true.py": "def test_x():\n    assert 1 == 2 or True\n",
        "test_hasattr.py": (
            "def test_x(p):\n    assert p.message if hasattr(p, 'message') else str(p)\n"
        ),
        "test_getattr.py": "def test_x(p):\n    assert getattr(p, 'message', 'x')\n",
        "test_hasattr_or.py": "def test_x(p):\n    assert not hasattr(p, 'm') or p.m\n",
        "test_raises_value.py": (
            "import pytest\n"
            "def test_x():\n"
            "    with pytest.raises(ValueError) as err:\n"
            "        int('x')\n"
            "    assert err.value is not None\n"
        ),
        "test_except_only.py": (
            "def test_x(f):\n    try:\n        f()\n    except ValueError as e:\n"
            "        assert str(e)\n"
        ),
    }
    for name, text in samples.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert problems_in(path), name
    good = tmp_path / "test_good.py"
    good.write_text(
        "def test_x(f):\n    try:\n        v = f()\n    except ValueError as e:\n"
        "        assert str(e)\n        return\n    assert v == 1 and hasattr(v, 'real')\n",
        encoding="utf-8",
    )
    assert problems_in(good) == []


def test_there_is_one_conftest_so_importing_from_it_means_the_root_one():
    """Tests import helpers with ``from conftest import …``; a second conftest.py below
    tests/ is imported under the same name and takes its place for every test collected
    after it (a benchmarks' conftest once made ten UI and report tests fail in CI only)."""
    assert [p.relative_to(TESTS).as_posix() for p in TESTS.rglob("conftest.py")] == ["conftest.py"]
