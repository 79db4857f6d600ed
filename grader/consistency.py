"""Is the course consistent? Every exercise's entry against the places that must agree with it.

    python -m grader.consistency        (or: nox -s course)

Like rustlings' ``dev check``: for each exercise of ``configs/course.toml`` it names every piece
that is missing or disagrees (the check module and its ``check_*`` functions, the stub and the
solution folders, the task README, the known submissions, the README's exercise table, the
students' workflows). ``nox -s tests`` runs it; exit status 1 lists what is left to do.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import yaml

from .course import ROOT, Course, Exercise, load_course, shipped_course_files

MIN_WRONG_CASES = 6  # the developers' guide: at least six realistic wrong submissions
MIN_RIGHT_CASES = 1


def readme_row(exercise: Exercise) -> str:
    files = ", ".join(f"`{name}`" for name in exercise.files)
    return f"| `{exercise.name}` | {files} | {exercise.summary} |"


def readme_table(course: Course) -> str:
    """The README's table of the exercises the course grades (its default)."""
    rows = ["| exercise | files | what it asks |", "|---|---|---|"]
    return "\n".join(rows + [readme_row(exercise) for exercise in course.default])


def _course_name(course: Course) -> str:
    return f"configs/{course.path.name}" if course.path else "the course"


def implemented_checks(module: Path) -> set[str]:
    """The ``check_*`` functions a check module defines or imports, read without running it."""
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return {name.removeprefix("check_") for name in names if name.startswith("check_")}


def _cases(root: Path, exercise: Exercise) -> tuple[int, int]:
    """(wrong, right) known submissions of the exercise."""
    wrong = right = 0
    for case in (root / "tests" / "submissions" / exercise.name).glob("*/case.toml"):
        lost = tomllib.loads(case.read_text(encoding="utf-8")).get("lost", [])
        wrong, right = (wrong + 1, right) if lost else (wrong, right + 1)
    return wrong, right


def _workflow_matrix(root: Path) -> list[str]:
    workflow = root / ".github" / "workflows" / "grade.yml"
    try:
        jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
        return list(jobs["grade"]["strategy"]["matrix"]["exercise"])
    except (OSError, KeyError, TypeError):
        return []


def classroom_runners(root: Path) -> tuple[list[str], list[str], list[str]]:
    """GitHub Classroom's workflow: the grading steps' ids, the reporter's runners and the
    runners it is given results for (``<ID>_RESULTS`` holding that step's output)."""
    workflow = root / ".github" / "workflows" / "classroom.yml"
    try:
        steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][
            "run-autograding-tests"
        ]["steps"]
        ids = [step["id"] for step in steps if str(step.get("id", "")).startswith("exercise")]
        reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
        runners = str(reporter["with"]["runners"]).split(",")
        fed = [
            runner
            for runner in runners
            if reporter.get("env", {}).get(f"{runner.upper()}_RESULTS")
            == f"${{{{ steps.{runner}.outputs.result }}}}"
        ]
        return ids, runners, fed
    except (OSError, KeyError, TypeError, StopIteration, AttributeError):
        return [], [], []


def exercise_problems(exercise: Exercise, root: Path = ROOT, workflows: bool = True) -> list[str]:
    """What is missing or disagrees for one exercise, one line each (empty: consistent);
    ``workflows``: the students' workflows must grade it (the main course's exercises)."""
    name, problems = exercise.name, []
    module = root / "grader" / "checks" / f"{name}.py"
    if not module.is_file():
        problems.append(f"no check module grader/checks/{name}.py")
    else:
        implemented = implemented_checks(module)
        configured = {check.id for check in exercise.checks}
        for check in sorted(configured - implemented):
            problems.append(f"grader/checks/{name}.py has no check_{check} (configured)")
        for check in sorted(implemented - configured):
            problems.append(
                f"check_{check} in grader/checks/{name}.py has no [{name}.checks.{check}]"
            )
    for folder in ("exercises", "solutions"):
        for file in exercise.files:
            if not (root / folder / name / file).is_file():
                problems.append(f"no {folder}/{name}/{file}")
    if not (root / "exercises" / name / "README.md").is_file():
        problems.append(f"no exercises/{name}/README.md (the task, for students)")
    if exercise.script not in exercise.files:
        problems.append(f"[{name}] command runs {exercise.script}, which is not in its files")
    wrong, right = _cases(root, exercise)
    if wrong < MIN_WRONG_CASES:
        problems.append(
            f"tests/submissions/{name}/ has {wrong} wrong submissions (at least "
            f"{MIN_WRONG_CASES}: a folder each with the files and a case.toml)"
        )
    if right < MIN_RIGHT_CASES:
        problems.append(f"tests/submissions/{name}/ has no right-but-different submission")
    try:
        readme = (root / "README.md").read_text(encoding="utf-8")
    except OSError:
        readme = ""
    if readme_row(exercise) not in readme.splitlines():
        problems.append(f"README.md's exercise table lacks the row: {readme_row(exercise)}")
    if not workflows:
        return problems
    if f"exercise{exercise.number}" not in _workflow_matrix(root):
        problems.append(f".github/workflows/grade.yml's matrix lacks exercise{exercise.number}")
    if f"exercise{exercise.number}" not in classroom_runners(root)[2]:
        problems.append(
            f".github/workflows/classroom.yml lacks a step exercise{exercise.number} whose "
            "result the reporter is given"
        )
    return problems


def course_problems(course: Course, root: Path = ROOT, main: Course | None = None) -> list[str]:
    """Every problem of every exercise, each line starting with the exercise's name.

    ``main`` is given when ``course`` is another shipped course (a W&B-free one extending the
    main course): its inherited exercises were checked with the main course, and the
    students' workflows grade the main course's exercises, not its own."""
    inherited = {e.name for e in main.exercises} if main else set()
    problems = [
        f"{exercise.name}: {problem}"
        for exercise in course.exercises
        if exercise.name not in inherited
        for problem in exercise_problems(exercise, root, workflows=main is None)
    ]
    numbers = [exercise.number for exercise in course.exercises]
    problems += [
        f"exercise number {n} is used twice" for n in sorted({*numbers}) if numbers.count(n) > 1
    ]
    readme = root / "README.md"
    if readme.is_file() and readme_table(course) not in readme.read_text(encoding="utf-8"):
        problems.append(
            f"README.md's exercise table of {_course_name(course)} differs from it:\n"
            + readme_table(course)
        )
    if main is not None:
        return problems
    expected = [f"exercise{exercise.number}" for exercise in course.default]
    if _workflow_matrix(root) != expected:
        problems.append(f".github/workflows/grade.yml's matrix should be exactly {expected}")
    if any(found != expected for found in classroom_runners(root)):
        problems.append(
            f".github/workflows/classroom.yml's steps, runners and results should be {expected}"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check one course file (the argument), or every shipped one."""
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        courses = [load_course(Path(argv[0]))]
    else:
        courses = [load_course(path) for path in shipped_course_files()]
    main_course, problems = courses[0], []
    for course in courses:
        found = course_problems(course, main=None if course is main_course else main_course)
        for problem in found:
            print(problem)
        problems += found
    names = ", ".join(_course_name(c) for c in courses)
    count = len({e.name for course in courses for e in course.exercises})
    print(f"{names}: {count} exercises, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
