"""Developer and student commands. See README.md.

Sessions keep their virtualenv between runs and reinstall only when pyproject.toml changes, so
`nox -s grade -- exercise1` costs about half a second more than the grading itself.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["grade"]
nox.options.default_venv_backend = "virtualenv"  # pip honours the local torch wheel; uv would not

ROOT = Path(__file__).parent


def course_packages() -> list[str]:
    """What student code may import, from the course file's [environment] (GRADER_CONFIG or
    configs/course.toml): installed with the course environment."""
    config = Path(os.environ.get("GRADER_CONFIG") or ROOT / "configs" / "course.toml")
    try:
        environment = tomllib.loads(config.read_text(encoding="utf-8")).get("environment", {})
    except (OSError, tomllib.TOMLDecodeError):
        return []  # the grader itself reports an unreadable course file, in one line
    packages = environment.get("packages", []) if isinstance(environment, dict) else []
    return [package for package in packages if isinstance(package, str)]


def _install(session: nox.Session, extras: str = "", *pins: str) -> None:
    """`pip install -e .[extras]` plus the course's packages, once per change of
    pyproject.toml, constraints.txt, the course's package list or pins."""
    target = f".[{extras}]" if extras else "."
    packages = course_packages()
    stamp = Path(session.virtualenv.location) / ".installed"
    inputs = (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    key = hashlib.sha256(inputs + " ".join((target, *pins, *packages)).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == key:
        return
    constraints = ["-c", str(ROOT / "constraints.txt")]
    if pins:
        extra = Path(session.create_tmp()) / "pins.txt"
        extra.write_text("\n".join(pins) + "\n")
        constraints += ["-c", str(extra)]
    session.install("--disable-pip-version-check", "-q", *constraints, "-e", target, *packages)
    stamp.write_text(key)


def _run_module(session: nox.Session, module: str, *args: str) -> None:
    """Run `python -m MODULE ARGS` and leave nox with its own exit status (0, 1 or 2).

    `session.run` would turn every failure into exit status 1, and the contract needs 2 for
    usage errors, so the command is started directly and its status passed on.
    """
    _install(session)
    session.log(f"python -m {module} " + " ".join(args))
    code = subprocess.call([str(Path(session.bin) / "python"), "-m", module, *args])
    if code:
        sys.exit(code)


@nox.session
def grade(session: nox.Session) -> None:
    """Grade exercises: `nox -s grade -- exercise3 [--submission DIR] [--json FILE]`."""
    _run_module(session, "grader", *session.posargs)


@nox.session
def solutions(session: nox.Session) -> None:
    """Grade ./solutions: every exercise must reach full marks (instructors)."""
    _run_module(session, "grader", "--submission", "solutions", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The harness's own test suite: the grader is proven right, not just runnable."""
    _install(session, "test")
    session.run("python", "-m", "pytest", "-n", "2", "--durations=15", *session.posargs)


@nox.session
@nox.parametrize("wandb", ["0.30.0"])
def compat(session: nox.Session, wandb: str) -> None:
    """The W&B-facing parts against the oldest supported wandb (`tests` uses the newest)."""
    _install(session, "test", f"wandb=={wandb}")
    session.run(
        "python", "-m", "pytest", "-n", "2", "tests/test_wandb_reader.py", "tests/test_fakewandb.py"
    )
    for exercise in (
        "exercise5",
        "exercise7",
        "exercise9",
        "exercise10",
        "exercise13",
        "exercise14",
    ):
        session.run("python", "-m", "grader", exercise, "--submission", "solutions")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting (ruff alone: linting needs none of the course's packages)."""
    session.install("--disable-pip-version-check", "-q", "ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Speed: what grading adds to a bare run of the solutions, measured in one run."""
    _install(session)
    env = {"GRADER_NOX": f"{sys.executable} -m nox"}
    session.run("python", "benchmarks/speed.py", *session.posargs, env=env)


@nox.session
def course(session: nox.Session) -> None:
    """Is the course consistent? Names every missing piece of every exercise (developers).

    It reads files only (no student code runs), so it needs PyYAML alone, not the course's
    environment; `python -m` finds the grader in the working directory."""
    session.install("--disable-pip-version-check", "-q", "pyyaml")
    session.run("python", "-m", "grader.consistency", *session.posargs)


@nox.session
def sweep(session: nox.Session) -> None:
    """Run a sweep locally, offline: `nox -s sweep -- exercise8 --runs N [--submission DIR]
    [--seed S] [--plot FILE]`; prints a table best first and saves a plot."""
    _run_module(session, "grader.sweep", *session.posargs)
