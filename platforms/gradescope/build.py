"""Build the zip an instructor uploads to Gradescope: ``nox -s gradescope``.

    nox -s gradescope                                   # every exercise, dist/autograder.zip
    nox -s gradescope -- --exercises exercise3 exercise5 --output dist/week2.zip

The zip holds, at its root, Gradescope's ``setup.sh`` and ``run_autograder`` and this folder's
``autograder.py`` (what ``run_autograder`` runs), ``assignment.json`` (the assignment's
exercises, their files and points, the isolation asked for and the time allowed), and what the
grader needs to run: ``grader/`` (with ``grader/_build.json``: the commit, version and time it
was built from), ``my_project/``, ``configs/``, ``pyproject.toml``, ``constraints.txt`` and
``README.md`` (pyproject.toml names it). Never ``solutions/`` or ``tests/``.

Standard library only, plus the checkout's own ``grader.course`` to read the course.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the checkout
RUNTIME = ("setup.sh", "run_autograder", "autograder.py")  # at the zip's root
EXECUTABLE = {"setup.sh", "run_autograder"}
FILES = ("pyproject.toml", "constraints.txt", "README.md")
FOLDERS = ("grader", "my_project", "configs")
NEVER = ("solutions/", "tests/")
SKIPPED = {"__pycache__", ".DS_Store", ".pytest_cache", ".ruff_cache"}
STAMP = "grader/_build.json"
# A grading's own start-up beyond its runs, and per exercise loading its checks and reading
# its runs (as grader/batch.py budgets a student).
OVERHEAD_S, PER_EXERCISE_S = 60, 10
GRADESCOPE_MAX_TIMEOUT_MIN = 40


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def build_stamp() -> dict:
    """What the bundle was built from: ``commit`` (HEAD, ``-dirty`` when a bundled path differs
    from it), ``version`` (pyproject.toml's) and ``built`` (UTC)."""
    commit = _git("rev-parse", "HEAD") or "unknown"
    bundled = [*FOLDERS, *FILES, str(HERE.relative_to(ROOT))]
    changes = _git("status", "--porcelain", "--", *bundled)
    if commit != "unknown" and changes:
        commit += "-dirty"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    built = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"commit": commit, "version": project["version"], "built": built}


def _tree(folder: Path):
    """Files below ``folder``, sorted, without caches, compiled files or symbolic links."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.is_symlink() or not path.is_file() or path.suffix in (".pyc", ".pyo"):
            continue
        if relative.as_posix() == STAMP:
            continue
        yield relative.as_posix(), path


def assignment_data(exercises, course_file: Path, isolation: str, timeout_s: float) -> dict:
    return {
        "exercises": [
            {
                "name": exercise.name,
                "number": exercise.number,
                "title": exercise.title,
                "files": list(exercise.files),
                "max_score": exercise.max_points,
            }
            for exercise in exercises
        ],
        "isolation": isolation,
        "timeout_s": timeout_s,
        "course_file": course_file.relative_to(ROOT).as_posix(),
        "course_sha256": hashlib.sha256(course_file.read_bytes()).hexdigest(),
    }


def build(
    output: Path,
    names: list[str],
    isolation: str,
    timeout_s: float | None,
    course_file: Path | None = None,
) -> dict:
    """Write the zip to ``output``; returns its assignment data. ``course_file`` is one of
    the project's course files (default configs/course.toml)."""
    sys.path.insert(0, str(ROOT))
    from grader.course import UsageError, load_course

    course_file = (course_file or ROOT / "configs" / "course.toml").resolve()
    if not course_file.is_relative_to(ROOT / "configs"):
        raise UsageError(f"the course file must be one of configs/: {course_file}")
    exercises = load_course(course_file).resolve(names)
    if timeout_s is None:  # within Gradescope's largest timeout, leaving it 2 minutes
        needed = OVERHEAD_S + sum(e.runs * e.limits.time_s + PER_EXERCISE_S for e in exercises)
        timeout_s = min(needed, GRADESCOPE_MAX_TIMEOUT_MIN * 60 - 120)
    assignment = assignment_data(exercises, course_file, isolation, float(timeout_s))
    entries: list[tuple[str, bytes]] = [(name, (HERE / name).read_bytes()) for name in RUNTIME]
    entries.append(("assignment.json", (json.dumps(assignment, indent=2) + "\n").encode()))
    entries += [(name, (ROOT / name).read_bytes()) for name in FILES]
    for folder in FOLDERS:
        entries += [(name, path.read_bytes()) for name, path in _tree(ROOT / folder)]
    entries.append((STAMP, (json.dumps(build_stamp(), indent=2) + "\n").encode()))
    names_in_zip = [name for name, _ in entries]
    leaked = [name for name in names_in_zip if name.startswith(NEVER)]
    if leaked or len(set(names_in_zip)) != len(names_in_zip):
        raise SystemExit(f"build.py: refusing to bundle {leaked or 'duplicate names'}")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    stamp_time = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if name in EXECUTABLE else 0o100644) << 16
            bundle.writestr(info, data)
    partial.replace(output)
    return assignment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nox -s gradescope --", description="Build Gradescope's autograder.zip."
    )
    parser.add_argument(
        "--exercises",
        nargs="+",
        default=[],
        metavar="EXERCISE",
        help="the assignment's exercises: exerciseN, N or a slug (default: all of them)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "dist" / "autograder.zip",
        metavar="FILE",
        help="where to write the zip (default: dist/autograder.zip)",
    )
    parser.add_argument(
        "--require-namespaces",
        action="store_true",
        help="grade only inside namespaces: where Gradescope cannot make them, every "
        "submission gets a results.json saying so (default: the process sandbox, as nobody)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the course file (default: GRADER_CONFIG, else configs/course.toml); its "
        "[course] grade is the assignment when no exercise is named",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="time allowed for one grading (default: every run at its limit, plus start-up)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from grader.course import UsageError

    isolation = "namespaces" if args.require_namespaces else "auto"
    try:
        config = args.config or (
            Path(os.environ["GRADER_CONFIG"]) if os.environ.get("GRADER_CONFIG") else None
        )
        assignment = build(args.output, args.exercises, isolation, args.timeout, config)
    except UsageError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 2
    names = ", ".join(exercise["name"] for exercise in assignment["exercises"])
    points = sum(exercise["max_score"] for exercise in assignment["exercises"])
    minutes = min(GRADESCOPE_MAX_TIMEOUT_MIN, math.ceil(assignment["timeout_s"] / 60) + 2)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)")
    print(f"  exercises: {names} ({points:g} points)")
    print(
        f"  Gradescope settings: autograder points {points:g}; timeout at least {minutes} min "
        f"(one grading may take {assignment['timeout_s']:g} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
