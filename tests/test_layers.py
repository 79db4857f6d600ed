"""The grader's rooms import downwards only, and no module imports itself in a circle.

Read from the source (ast), so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

# Top to bottom; a module may import its own room and the rooms below it. A room is a module
# or package name below ``grader``; the longest matching name decides.
ROOMS = [
    ("", "__main__", "cli", "batch", "preforked", "watch", "sweep", "consistency"),  # front doors
    ("judge",),  # runs the checks
    ("checks",),  # decides and words
    ("report",),  # tells
    ("running",),  # runs student code for a check, reads back what it produced
    ("course", "submission"),  # what the course and the submission hold
    ("results", "judge.failure", "provenance"),  # the vocabulary of outcomes; what graded
    ("fakewandb",),  # the fake W&B server
    ("readers",),  # read without judging
    ("sandbox",),  # contains student code
]
GRADER = ROOT / "grader"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in GRADER.rglob("*.py"):
        parts = path.relative_to(GRADER).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the grader that ``name`` imports (``from . import x`` imports module x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("grader"):
                module = node.module.removeprefix("grader").lstrip(".")
            else:
                continue
            for alias in node.names:
                child = f"{module}.{alias.name}".lstrip(".")
                found.add(child if child in modules else module)
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("grader").lstrip(".")
                for a in node.names
                if a.name.split(".")[0] == "grader"
            }
    return {module for module in found if module in modules and module != name}


def _room(name: str) -> int:
    best, rank = -1, None
    for index, names in enumerate(ROOMS):
        for room in names:
            if (name == room or name.startswith(room + ".") or room == "") and len(room) > best:
                best, rank = len(room), index
    assert rank is not None, name
    return rank


def test_every_module_has_a_room() -> None:
    for name in _modules():
        _room(name)


def test_rooms_import_downwards_only() -> None:
    modules = _modules()
    upward = [
        f"grader.{name} imports grader.{target}"
        for name, path in modules.items()
        for target in sorted(_imports(name, path, modules))
        if _room(target) < _room(name)
    ]
    assert upward == [], "\n".join(upward)


def test_no_import_circle() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    # A package's __init__ importing its own modules is not a circle: drop package -> child.
    graph = {n: {t for t in ts if not t.startswith(n + ".") or n == ""} for n, ts in graph.items()}
    graph[""] = {t for t in graph[""] if "." not in t}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == [], circles


def test_the_layer_test_sees_an_upward_import(tmp_path: Path) -> None:
    """The reader of imports finds a relative and an absolute import (so the tests can fail)."""
    modules = _modules()
    readers = GRADER / "readers" / "secrets.py"
    fake = tmp_path / "secrets.py"
    fake.write_text(
        readers.read_text() + "\nfrom ..checks import wandb_checks\nimport grader.cli\n"
    )
    found = _imports("readers.secrets", fake, modules)
    assert {"checks.wandb_checks", "cli"} <= found
    assert _room("checks.wandb_checks") < _room("readers.secrets")


def test_only_pytest_loads_the_checks() -> None:
    """The checks are loaded by the judge's pytest session alone: the command line, the sweep
    command and the judge reach student code through ``running``, never through a check."""
    modules = _modules()
    reaching = [
        f"grader.{name} imports grader.{target}"
        for name, path in modules.items()
        if not name.startswith("checks")
        for target in _imports(name, path, modules)
        if target.startswith("checks")
    ]
    assert reaching == [], reaching
