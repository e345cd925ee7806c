"""The operation runner announces what the database says a run changed; no screen picks
the kinds, and every screen subscribes with ``domain.changes.Change``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.organisation import Municipality
from finsam_desktop.services import organisation
from finsam_desktop.ui.operations import OperationFailed, OperationRunner

UI = Path(__file__).resolve().parents[2] / "finsam_desktop" / "ui"


def announced(runner: OperationRunner) -> list[frozenset]:
    seen: list[frozenset] = []
    runner.changed.connect(seen.append)
    return seen


def test_a_run_announces_the_kinds_of_the_tables_it_wrote(db, qapp):
    runner = OperationRunner(db)
    seen = announced(runner)
    saved = runner.run(organisation.save_municipality, Municipality(None, "Exempelbygden"))
    assert seen == [frozenset({Change.MUNICIPALITY, Change.ACCESS_LOG})]
    runner.run(organisation.list_municipalities)  # a run that writes nothing
    assert len(seen) == 1
    with pytest.raises(OperationFailed):  # refused: rolled back, nothing announced
        runner.run(organisation.save_municipality, Municipality(None, ""))
    assert len(seen) == 1
    assert saved.id is not None


def test_batches_committed_before_a_failure_are_announced(db, qapp):
    runner = OperationRunner(db)
    seen = announced(runner)

    def two_batches_then_trouble(database):
        with database.session() as session:
            organisation.save_municipality(session, Municipality(None, "Exempelbygden"))
        raise OSError("disk full")

    with pytest.raises(OperationFailed):
        runner.run_in_batches(two_batches_then_trouble)
    assert seen == [frozenset({Change.MUNICIPALITY, Change.ACCESS_LOG})]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def test_no_screen_names_what_a_change_changed():
    """No call passes ``changes=``, and only the runner itself emits ``changed``."""
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(UI)
        for call in _calls(tree):
            if any(k.arg == "changes" for k in call.keywords):
                offenders.append(f"{name}:{call.lineno} passes changes=")
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "emit"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "changed"
                and isinstance(func.value.value, ast.Attribute)
                and func.value.value.attr == "runner"
            ):
                offenders.append(f"{name}:{call.lineno} emits runner.changed itself")
    assert offenders == []
