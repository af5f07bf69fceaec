"""The package's shape: one subpackage per stage, imports that run one way, modules of one idea."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from toolkit.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "toolkit"

# Each stage may import only from the stages before it (and from its own stage).
LAYERS = [
    {"toolkit", "toolkit.settings", "toolkit.resources", "toolkit.dates", "toolkit.html"},
    {"toolkit.content"},
    {"toolkit.trust"},  # deployment configuration, checked against the school profiles
    {"toolkit.engine"},
    {"toolkit.store"},
    {"toolkit.school"},
    {"toolkit.grading"},
    {"toolkit.reports"},
    {"toolkit.apps"},
    {"toolkit.server"},
    {"toolkit.hub"},
    {"toolkit.cli"},
]
LONGEST = 500  # lines: past this a module holds more than one idea


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> int:
    """The stage a module belongs to: the longest prefix named in LAYERS."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        for index, names in enumerate(LAYERS):
            if prefix in names:
                return index
    raise AssertionError(f"{name} belongs to no stage: add it to LAYERS")


def toolkit_imports(path: Path) -> set[str]:
    """Every toolkit module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "toolkit"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "toolkit":
                found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path):
    """Does this module import only from its own stage or the stages before it, so that
    data flows one way (content -> engine -> store -> school -> reports -> apps)?"""
    here = layer(module_name(path))
    upward = sorted(name for name in toolkit_imports(path) if layer(name) > here)
    assert not upward, f"{module_name(path)} imports a later stage: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_each_module_is_short_and_says_what_it_is(path):
    """Is every module under the length that signals several ideas, and does it open with a
    docstring?"""
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < LONGEST, f"{module_name(path)} has grown past {LONGEST} lines"
    if text.strip():
        assert ast.get_docstring(ast.parse(text)), f"{module_name(path)} has no docstring"


def test_the_file_tree_shows_the_stages():
    """Is there one package per stage, each saying in its docstring what it owns?"""
    for stage in ("content", "store", "school", "apps", "server", "reports", "cli"):
        init = PACKAGE / stage / "__init__.py"
        assert init.exists(), f"toolkit/{stage}/ is not a package"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


def test_the_layer_check_can_fail(tmp_path):
    """Would the check see an upward import, at the top of a module or inside a function?"""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from toolkit.apps.page import App\n")
    assert layer(next(iter(toolkit_imports(sample)))) > layer("toolkit.store")
