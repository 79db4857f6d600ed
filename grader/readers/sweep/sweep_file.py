"""A sweep file as read: its keys, their lines, its parameters and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..values import is_number
from .schema import describe

# Topics: which part of the configuration a problem is about (one grader check each).
FILE = "file"  # unreadable, not YAML, not a mapping: every topic fails with it
SCHEMA = "schema"  # unknown keys, duplicate keys, wrong types of the descriptive keys
METHOD_METRIC = "method_metric"
PARAMETERS = "parameters"
LEARNING_RATE = "learning_rate"
GRID = "grid"
RUN_CAP = "run_cap"
PROGRAM = "program"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located by line where the file allows it."""

    topic: str
    message: str
    line: int | None = None
    file: str = "sweep.yaml"

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Parameter:
    """One parameter to sweep (nested ``parameters`` are flattened into paths)."""

    path: tuple[str, ...]
    definition: Any
    kind: str | None  # None: the definition matches no kind W&B knows
    line: int | None

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def leaf(self) -> str:
        return self.path[-1]

    def describe(self) -> str:
        """The distribution in words, e.g. ``log_uniform: exp(U(0.0001, 0.1))``."""
        return describe(self.kind, self.definition)


@dataclass(frozen=True)
class ProgramTarget:
    """Where the file's ``program`` points, resolved from the folder ``wandb agent`` runs in."""

    program: str  # as written in the file
    base: Path  # the folder the agent runs in, resolved
    path: Path  # base / program, resolved

    @property
    def inside(self) -> bool:
        return self.path.is_relative_to(self.base)

    @property
    def exists(self) -> bool:
        return self.path.is_file()


@dataclass
class SweepFile:
    """A sweep configuration file as read, with every problem found in it."""

    path: Path
    display: str
    data: dict[str, Any] | None = None
    lines: dict[tuple, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """The file parsed into a mapping (its contents can be judged)."""
        return self.data is not None

    def get(self, key: str, default: Any = None) -> Any:
        return (self.data or {}).get(key, default)

    @property
    def method(self) -> str | None:
        method = self.get("method")
        return method if isinstance(method, str) else None

    @property
    def metric_name(self) -> str | None:
        metric = self.get("metric")
        name = metric.get("name") if isinstance(metric, dict) else None
        return name if isinstance(name, str) and name else None

    @property
    def goal(self) -> str:
        """``minimize`` or ``maximize``; W&B's default (minimize) when missing or misspelt."""
        metric = self.get("metric")
        goal = metric.get("goal") if isinstance(metric, dict) else None
        return goal if goal in ("minimize", "maximize") else "minimize"

    @property
    def run_cap(self) -> int | None:
        cap = self.get("run_cap")
        valid = is_number(cap) and cap >= 1
        return int(cap) if valid and float(cap).is_integer() else None

    def program_target(self, base: Path) -> ProgramTarget | None:
        """Where ``program`` points from ``base``; None when it names no file at all."""
        program = self.get("program")
        if not isinstance(program, str) or not program:
            return None
        base = Path(base).resolve()
        return ProgramTarget(program, base, (base / program).resolve())

    def line_of(self, *path: Any) -> int | None:
        """Line of the key at ``path``, or of its nearest enclosing key."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def about(self, *topics: str) -> list[Problem]:
        """Problems of the given topics, plus any that make the whole file unreadable."""
        return [p for p in self.problems if p.topic in (FILE, *topics)]

    def add(self, topic: str, message: str, *path: Any) -> None:
        self.problems.append(Problem(topic, message, self.line_of(*path), self.display))


def definition_path(path: tuple[str, ...]) -> tuple:
    """Key path of a (possibly nested) parameter below ``parameters``."""
    out: list[str] = []
    for index, part in enumerate(path):
        if index:
            out.append("parameters")
        out.append(part)
    return tuple(out)


def find_metric(row: dict[str, Any], name: str) -> tuple[bool, Any]:
    """A logged value by the sweep's metric name: the key itself, or a dotted path into nested
    dicts (``val.loss`` for ``wandb.log({"val": {"loss": x}})``). Returns (found, value)."""
    if name in row:
        return True, row[name]
    node: Any = row
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node
