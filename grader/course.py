"""The course as configured in ``configs/course.toml``: exercises, limits, checks, points, hints."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = Path(__file__).resolve().parent / "checks"
_NAME = re.compile(r"^exercise(\d+)_(\w+)$")


class UsageError(Exception):
    """Bad input from the person running the grader; reported in one line, exit status 2."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    points: float
    hint: str


@dataclass(frozen=True)
class Exercise:
    name: str  # e.g. exercise3_file_sink: the folder name in exercises/ and solutions/
    number: int
    slug: str
    title: str
    files: tuple[str, ...]
    limits: Limits
    checks: tuple[CheckSpec, ...]

    @property
    def max_points(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def check_module(self) -> Path:
        return CHECKS_DIR / f"{self.name}.py"

    def check(self, check_id: str) -> CheckSpec:
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(f"{self.name} has no check {check_id!r} in configs/course.toml")


@dataclass(frozen=True)
class Course:
    exercises: tuple[Exercise, ...]
    root: Path

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    def resolve(self, names: list[str]) -> list[Exercise]:
        """Exercises named ``exerciseN``, ``N``, their slug or their folder name; none = all."""
        if not names:
            return list(self.exercises)
        chosen: list[Exercise] = []
        for name in names:
            match = self._find(name.strip().rstrip("/"))
            if match is None:
                known = ", ".join(f"exercise{e.number} ({e.slug})" for e in self.exercises)
                raise UsageError(f"unknown exercise {name!r}; the course has: {known}")
            if match not in chosen:
                chosen.append(match)
        return chosen

    def _find(self, name: str) -> Exercise | None:
        lowered = name.lower()
        for exercise in self.exercises:
            if lowered in (
                exercise.name,
                exercise.slug,
                str(exercise.number),
                f"exercise{exercise.number}",
            ):
                return exercise
        return None


def _limits(defaults: dict, overrides: dict) -> Limits:
    merged = {**defaults, **overrides}
    return Limits(
        time_s=float(merged.get("time_s", Limits.time_s)),
        memory_mb=int(merged.get("memory_mb", Limits.memory_mb)),
        output_kb=int(merged.get("output_kb", Limits.output_kb)),
        processes=int(merged.get("processes", Limits.processes)),
        disk_mb=int(merged.get("disk_mb", Limits.disk_mb)),
    )


def load_course(config: Path | None = None) -> Course:
    """Read the course file (``GRADER_CONFIG`` or ``configs/course.toml`` of this project)."""
    path = Path(config or os.environ.get("GRADER_CONFIG") or ROOT / "configs" / "course.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"course configuration not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from None
    defaults = data.get("limits", {})
    exercises = []
    for name, table in data.items():
        match = _NAME.match(name)
        if not match:
            continue
        checks = tuple(
            CheckSpec(
                id=check_id,
                title=spec.get("title", check_id),
                points=float(spec.get("points", 1)),
                hint=spec.get("hint", ""),
            )
            for check_id, spec in table.get("checks", {}).items()
        )
        exercises.append(
            Exercise(
                name=name,
                number=int(match.group(1)),
                slug=match.group(2),
                title=table.get("title", name),
                files=tuple(table.get("files", ())),
                limits=_limits(defaults, table.get("limits", {})),
                checks=checks,
            )
        )
    exercises.sort(key=lambda e: e.number)
    return Course(exercises=tuple(exercises), root=path.parent.parent)
