"""docs/GLOSSARY.md names the code's identifier for every domain term; the names it
gives exist, and the words it retires ("case" alone for a lotsärende, a participation or
a referral; Swedish member names for yes/no/unknown and genders) are gone from the code."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import finsam_desktop

ROOT = Path(finsam_desktop.__file__).parent
GLOSSARY = (ROOT.parent / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
SERVICES = {p.stem for p in (ROOT / "services").glob("*.py")}
DOMAIN = {p.stem for p in (ROOT / "domain").glob("*.py")}


def test_every_service_function_the_glossary_names_exists():
    named = set(re.findall(r"`([a-z_]+)\.([a-z_]+)`", GLOSSARY))
    checked = [(m, f) for m, f in named if m in SERVICES]
    assert len(checked) >= 10  # the check reads the table it should
    missing = [
        f"{m}.{f}"
        for m, f in checked
        if not hasattr(importlib.import_module(f"finsam_desktop.services.{m}"), f)
    ]
    assert not missing


def test_every_class_and_member_the_glossary_names_exists():
    classes = {}
    modules = [f"finsam_desktop.domain.{stem}" for stem in DOMAIN]
    for name in [*modules, "finsam_desktop.services.access"]:
        module = importlib.import_module(name)
        classes.update({k: v for k, v in vars(module).items() if isinstance(v, type)})
    members = re.findall(r"`([A-Z][A-Za-z]+)\.([A-Z_]+)`", GLOSSARY)
    assert len(members) >= 10
    missing = [f"{c}.{m}" for c, m in members if not hasattr(classes.get(c), m)]
    assert not missing
    # Members listed after one, as in "`Answer.YES`, `NO`, `UNKNOWN`".
    for cls, _first, rest in re.findall(r"`([A-Z]\w+)\.([A-Z_]+)`((?:, `[A-Z_]+`)+)", GLOSSARY):
        for member in re.findall(r"`([A-Z_]+)`", rest):
            assert hasattr(classes[cls], member), f"{cls}.{member}"


RETIRED_FUNCTIONS = {"get_case", "case_list", "open_case", "save_case", "delete_case"}
RETIRED_MEMBERS = {"JA", "NEJ", "OKANT", "KVINNA", "ANNAT"}


def test_the_retired_words_are_gone():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name in RETIRED_FUNCTIONS
                and path.parent.name == "services"
            ):
                found.append(f"{path.name}: def {node.name}")
            if isinstance(node, ast.Attribute) and node.attr in RETIRED_MEMBERS:
                found.append(f"{path.name}:{node.lineno}: .{node.attr}")
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id in RETIRED_MEMBERS for t in stmt.targets
                    ):
                        found.append(f"{path.name}: {node.name}.{stmt.targets[0].id}")
    assert not found
