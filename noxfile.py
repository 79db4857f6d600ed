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


def course_packages(config: Path | None = None) -> list[str]:
    """What student code may import, from the course file's [environment] (GRADER_CONFIG or
    configs/course.toml) and those of the course files it extends: installed with the course
    environment."""
    config = config or Path(os.environ.get("GRADER_CONFIG") or ROOT / "configs" / "course.toml")
    packages: list[str] = []
    seen: set[Path] = set()
    while config.resolve() not in seen:
        seen.add(config.resolve())
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            break  # the grader itself reports an unreadable course file, in one line
        environment = data.get("environment", {})
        listed = environment.get("packages", []) if isinstance(environment, dict) else []
        packages = [p for p in listed if isinstance(p, str) and p not in packages] + packages
        course = data.get("course")
        extends = course.get("extends") if isinstance(course, dict) else None
        if not isinstance(extends, str) or not extends:
            break
        config = config.parent / extends
    return packages


def shipped_packages() -> list[str]:
    """Every shipped course's packages: the test suite grades all of their exercises."""
    found: list[str] = []
    for config in sorted((ROOT / "configs").glob("course*.toml")):
        found += [p for p in course_packages(config) if p not in found]
    return found


def _install(
    session: nox.Session, extras: str = "", *pins: str, packages: list[str] | None = None
) -> None:
    """`pip install -e .[extras]` plus the course's packages, once per change of
    pyproject.toml, constraints.txt, the course's package list or pins."""
    target = f".[{extras}]" if extras else "."
    packages = course_packages() if packages is None else packages
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
    if _install_only(session):
        return
    session.log(f"python -m {module} " + " ".join(args))
    code = subprocess.call([str(Path(session.bin) / "python"), "-m", module, *args])
    if code:
        sys.exit(code)


def _install_only(session: nox.Session) -> bool:
    """`nox --install-only` (CI caches the environment first): nox skips `session.run` by
    itself, but not the direct call above. nox has no public flag for it."""
    config = getattr(getattr(session, "_runner", None), "global_config", None)
    return bool(getattr(config, "install_only", False))


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
    _install(session, "test", packages=shipped_packages())
    session.run("python", "-m", "pytest", "-n", "2", "--durations=15", *session.posargs)


@nox.session(name="tests_cold")
def tests_cold(session: nox.Session) -> None:
    """The known-submission corpus again with every run cold (`tests` grades it warm): each
    case loses exactly its checks both ways, so warm and cold grade it alike."""
    _install(session, "test", packages=shipped_packages())
    warm = " or ".join(warm_exercises())  # the others are cold in `tests` already
    args = session.posargs or ["tests/test_validity.py", "-k", warm]
    session.run("python", "-m", "pytest", "-n", "2", *args, env={"GRADER_COLD": "1"})


def warm_exercises() -> list[str]:
    """The exercises of every shipped course whose entry says `warm = true`."""
    found = []
    for config in sorted((ROOT / "configs").glob("course*.toml")):
        tables = tomllib.loads(config.read_text(encoding="utf-8")).items()
        found += [name for name, entry in tables if isinstance(entry, dict) and entry.get("warm")]
    return found


@nox.session
@nox.parametrize("wandb", ["0.30.0"])
def compat(session: nox.Session, wandb: str) -> None:
    """The W&B-facing parts against the oldest supported wandb (`tests` uses the newest)."""
    _install(session, "test", f"wandb=={wandb}")
    # Exercise 12 (the commit a run records) needs wandb 0.31: in a fresh 0.30 environment a
    # run inside a git repository reported the commit of the checkout holding the virtualenv,
    # not of the repository it ran in (README: "wandb versions").
    session.run(
        "python",
        "-m",
        "pytest",
        "-n",
        "2",
        "tests/test_wandb_reader.py",
        "tests/test_fakewandb.py",
        "-k",
        "not reads_back_through_the_api_with_commit",
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


@nox.session(venv_backend="none")
def gradescope(session: nox.Session) -> None:
    """Build Gradescope's autograder.zip: `nox -s gradescope [-- --exercises exercise3 exercise5
    --output FILE]` (default: every exercise, dist/autograder.zip). It only reads and zips the
    checkout, so it needs no environment of its own (see platforms/gradescope/)."""
    build = ROOT / "platforms" / "gradescope" / "build.py"
    session.run(sys.executable, str(build), *session.posargs)
