"""The course as configured in ``configs/course.toml``: one entry per exercise, holding all the
grader knows of it (files, the command a student runs, how many runs a grading makes, limits,
checks with points and hints).

Every key the file may hold is declared below with its default; a key that is not declared
(a typo such as ``pionts``) or a value of the wrong type is an error, never silently ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .readers.values import did_you_mean
from .results import VISIBILITIES
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
    visibility: str = "visible"  # who sees its result on Gradescope: one of VISIBILITIES


@dataclass(frozen=True)
class Exercise:
    name: str  # e.g. exercise3_file_sink: the folder name in exercises/ and solutions/
    number: int
    slug: str
    title: str
    summary: str  # what it asks, in a few words (the README's exercise table)
    files: tuple[str, ...]
    command: tuple[str, ...]  # `python <command>`: what a student runs by hand, the first run
    runs: int  # runs of student code one grading makes (a batch's time limit is built on it)
    start_early: bool  # its first run may start before pytest loads (see running/early.py)
    wandb_server: bool  # it runs against the fake W&B server (a bare run by hand needs one)
    limits: Limits
    checks: tuple[CheckSpec, ...]
    tools: tuple[str, ...] = ()  # what it teaches (loguru, hydra, wandb, docker): report tags
    warm: bool = False  # its runs fork from the warm template (torch, wandb imported once)
    warm_nested: bool = False  # so do the `python SCRIPT.py` its scripts start (exercise 12)

    @property
    def script(self) -> str:
        return self.command[0]

    @property
    def args(self) -> tuple[str, ...]:
        return self.command[1:]

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
    exercises: tuple[Exercise, ...]  # every exercise the course knows (its own and inherited)
    packages: tuple[str, ...] = ()  # requirements student code may import ([environment])
    graded: tuple[str, ...] = ()  # what is graded when no exercise is named ([course].grade)
    path: Path | None = None  # the course file

    @property
    def default(self) -> tuple[Exercise, ...]:
        """The exercises graded when none is named: ``[course] grade``, else every one."""
        if not self.graded:
            return self.exercises
        return tuple(e for e in self.exercises if e.name in self.graded)

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    def resolve(self, names: list[str]) -> list[Exercise]:
        """Exercises named ``exerciseN``, ``N``, their slug or their folder name; none = the
        course's default (``[course] grade``, else all)."""
        if not names:
            return list(self.default)
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


# -- the declared keys: name -> (type, default); a default of _REQUIRED must be given ---------
_REQUIRED = object()
_LIMIT_KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "time_s": ((int, float), Limits.time_s),
    "memory_mb": (int, Limits.memory_mb),
    "output_kb": (int, Limits.output_kb),
    "processes": (int, Limits.processes),
    "disk_mb": (int, Limits.disk_mb),
}
_EXERCISE_KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "title": (str, _REQUIRED),
    "summary": (str, _REQUIRED),
    "files": (list, _REQUIRED),
    "command": (list, _REQUIRED),
    "runs": (int, 1),
    "start_early": (bool, False),
    "wandb_server": (bool, False),
    "limits": (dict, {}),
    "tools": (list, []),
    "warm": (bool, False),
    "warm_nested": (bool, False),
    "checks": (dict, _REQUIRED),
}
_ENVIRONMENT_KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "packages": (list, []),
}
_COURSE_KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "extends": (str, ""),  # another course file (relative to this one) whose exercises it has
    "grade": (list, []),  # the exercises graded when none is named; [] = every one
}
_TOP_TABLES = ("limits", "environment", "course")
_CHECK_KEYS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "points": ((int, float), _REQUIRED),
    "title": (str, _REQUIRED),
    "hint": (str, _REQUIRED),
    "visibility": (str, "visible"),
}


def _take(table: Any, keys: dict, where: str) -> dict[str, Any]:
    """``table``'s values for ``keys`` (defaults filled in); unknown keys and wrong types fail."""
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table, not {type(table).__name__}")
    for key in table:
        if key not in keys:
            guess = did_you_mean(str(key), list(keys))
            known = f"did you mean {guess!r}?" if guess else "known keys: " + ", ".join(keys)
            raise UsageError(f"{where}: unknown key {key!r} ({known})")
    values = {}
    for key, (kind, default) in keys.items():
        if key not in table:
            if default is _REQUIRED:
                raise UsageError(f"{where}: {key!r} is missing")
            values[key] = default
            continue
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise UsageError(f"{where}: {key!r} has the wrong type ({value!r})")
        values[key] = value
    return values


def _strings(values: list, where: str) -> tuple[str, ...]:
    if not values or not all(isinstance(value, str) and value for value in values):
        raise UsageError(f"{where} must be a non-empty list of non-empty strings")
    return tuple(values)


def _limits(defaults: dict, overrides: dict) -> Limits:
    merged = {**defaults, **overrides}
    return Limits(
        time_s=float(merged["time_s"]),
        memory_mb=merged["memory_mb"],
        output_kb=merged["output_kb"],
        processes=merged["processes"],
        disk_mb=merged["disk_mb"],
    )


def _exercise(name: str, number: int, slug: str, table: Any, defaults: dict) -> Exercise:
    entry = _take(table, _EXERCISE_KEYS, f"[{name}]")
    overrides = _take(
        entry["limits"], {k: (t, None) for k, (t, _) in _LIMIT_KEYS.items()}, f"[{name}].limits"
    )
    checks = tuple(
        _check(check_id, spec, f"[{name}.checks.{check_id}]")
        for check_id, spec in entry["checks"].items()
    )
    if not checks:
        raise UsageError(f"[{name}] has no checks")
    bad = [c.id for c in checks if c.points <= 0]
    if bad:
        raise UsageError(f"[{name}.checks.{bad[0]}]: points must be above 0")
    if entry["runs"] < 1:
        raise UsageError(f"[{name}]: runs must be at least 1")
    return Exercise(
        name=name,
        number=number,
        slug=slug,
        title=entry["title"],
        summary=entry["summary"],
        files=_strings(entry["files"], f"[{name}].files"),
        command=_strings(entry["command"], f"[{name}].command"),
        runs=entry["runs"],
        start_early=entry["start_early"],
        wandb_server=entry["wandb_server"],
        limits=_limits(defaults, {k: v for k, v in overrides.items() if v is not None}),
        checks=checks,
        tools=_strings(entry["tools"], f"[{name}].tools") if entry["tools"] else (),
        warm=entry["warm"],
        warm_nested=entry["warm_nested"],
    )


def _check(check_id: str, table: Any, where: str) -> CheckSpec:
    values = _take(table, _CHECK_KEYS, where)
    visibility = values["visibility"]
    if visibility not in VISIBILITIES:
        guess = did_you_mean(visibility, VISIBILITIES)
        known = f"did you mean {guess!r}?" if guess else "one of " + ", ".join(VISIBILITIES)
        raise UsageError(f"{where}: 'visibility' {visibility!r} is not Gradescope's ({known})")
    return CheckSpec(id=check_id, **values)


def shipped_course_files(root: Path = ROOT) -> list[Path]:
    """The course files a project ships: ``configs/course.toml`` first, then the others."""
    main = root / "configs" / "course.toml"
    others = sorted(p for p in (root / "configs").glob("course*.toml") if p != main)
    return [main, *others] if main.is_file() else others


def shipped_exercises(root: Path = ROOT) -> list[tuple[Exercise, Path]]:
    """Every exercise of every shipped course file, once, with the first file that has it."""
    found: dict[str, tuple[Exercise, Path]] = {}
    for path in shipped_course_files(root):
        for exercise in load_course(path).exercises:
            found.setdefault(exercise.name, (exercise, path))
    return sorted(found.values(), key=lambda pair: pair[0].number)


def load_course(config: Path | None = None) -> Course:
    """Read the course file (``GRADER_CONFIG`` or ``configs/course.toml`` of this project)."""
    path = Path(config or os.environ.get("GRADER_CONFIG") or ROOT / "configs" / "course.toml")
    return _load(path, ())


def _load(path: Path, seen: tuple[Path, ...]) -> Course:
    """One course file; ``seen`` are the files extending it (a circle is an error)."""
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise UsageError(f"course files extend each other in a circle: {chain}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"course configuration not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from None
    try:
        course = _take(data.get("course", {}), _COURSE_KEYS, "[course]")
        defaults = _take(data.get("limits", {}), _LIMIT_KEYS, "[limits]")
        environment = _take(data.get("environment", {}), _ENVIRONMENT_KEYS, "[environment]")
        packages = environment["packages"]
        if packages:
            packages = _strings(packages, "[environment].packages")
        exercises = []
        for name, table in data.items():
            if name in _TOP_TABLES:
                continue
            match = _NAME.match(name)
            if not match:
                raise UsageError(
                    f"[{name}]: not an exercise (exercise<N>_<slug>), [course], [limits] or "
                    "[environment]"
                )
            exercises.append(_exercise(name, int(match.group(1)), match.group(2), table, defaults))
    except UsageError as error:
        raise UsageError(f"{path}: {error}") from None
    inherited = Course(())
    if course["extends"]:
        inherited = _load(path.parent / course["extends"], (*seen, path.resolve()))
    own = {e.name for e in exercises}
    exercises += [e for e in inherited.exercises if e.name not in own]  # own entries win
    exercises.sort(key=lambda e: e.number)
    packages = tuple(dict.fromkeys((*inherited.packages, *packages)))
    result = Course(exercises=tuple(exercises), packages=packages, path=path)
    if course["grade"]:
        try:
            names = [str(name) for name in course["grade"]]
            graded = tuple(e.name for e in result.resolve(names))
        except UsageError as error:
            raise UsageError(f"{path}: [course].grade: {error}") from None
        result = Course(result.exercises, packages, graded, path)
    return result
