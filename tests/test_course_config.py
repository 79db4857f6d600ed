"""configs/course.toml and the check modules agree, and every check can teach."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from grader.consistency import course_problems, exercise_problems, readme_table
from grader.course import ROOT, UsageError, load_course

COURSE = load_course()
CONFIG = ROOT / "configs" / "course.toml"


@pytest.mark.parametrize("exercise", COURSE.exercises, ids=lambda e: e.name)
def test_every_configured_check_is_implemented_and_vice_versa(exercise) -> None:
    module = importlib.import_module(f"grader.checks.{exercise.name}")
    implemented = {
        name.removeprefix("check_") for name in vars(module) if name.startswith("check_")
    }
    assert implemented == {check.id for check in exercise.checks}


@pytest.mark.parametrize("exercise", COURSE.exercises, ids=lambda e: e.name)
def test_every_check_has_points_title_and_a_hint(exercise) -> None:
    assert exercise.files and exercise.limits.time_s > 0
    for check in exercise.checks:
        assert check.points > 0 and check.title and len(check.hint) > 30, check


def test_exercise_names_resolve() -> None:
    assert [e.number for e in COURSE.resolve(["3", "exercise1", "hydra_bridge"])] == [3, 1, 4]
    assert len(COURSE.resolve([])) == len(COURSE.exercises)
    with pytest.raises(UsageError, match="unknown exercise 'exercise99'"):
        COURSE.resolve(["exercise99"])


def test_the_course_is_consistent() -> None:
    problems = course_problems(COURSE)
    assert problems == [], "\n".join(problems)


def test_readme_table_is_the_courses() -> None:
    assert readme_table(COURSE) in (ROOT / "README.md").read_text()


DUMMY = """
[exercise99_dummy]
title = "A dummy exercise"
summary = "nothing at all"
files = ["dummy.py"]
command = ["dummy.py", "--flag"]

[exercise99_dummy.checks.runs_cleanly]
points = 1
title = "dummy.py runs"
hint = "Run `python dummy.py --flag` yourself and read the traceback it prints."
"""


def _half_added_course(tmp_path: Path) -> Path:
    """A copy of the project's course pieces with a dummy exercise 99 added to its course file."""
    root = tmp_path / "project"
    for name in ("exercises", "solutions", "tests/submissions", "grader/checks", ".github"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", root / "README.md")
    (root / "configs").mkdir()
    (root / "configs" / "course.toml").write_text(CONFIG.read_text() + DUMMY)
    return root


def test_a_half_added_exercise_is_told_what_is_missing(tmp_path: Path) -> None:
    root = _half_added_course(tmp_path)
    course = load_course(root / "configs" / "course.toml")
    dummy = course.exercise("exercise99_dummy")
    problems = exercise_problems(dummy, root)
    missing = [
        "no check module grader/checks/exercise99_dummy.py",
        "no exercises/exercise99_dummy/dummy.py",
        "no solutions/exercise99_dummy/dummy.py",
        "no exercises/exercise99_dummy/README.md",
        "tests/submissions/exercise99_dummy/ has 0 wrong submissions",
        "tests/submissions/exercise99_dummy/ has no right-but-different submission",
        "README.md's exercise table lacks the row: | `exercise99_dummy` | `dummy.py` | nothing",
        ".github/workflows/grade.yml's matrix lacks exercise99",
    ]
    for text in missing:
        assert any(problem.startswith(text) for problem in problems), (text, problems)
    assert len(problems) == len(missing), problems
    # Every other exercise stays consistent: the problems are the dummy's alone.
    assert all(
        p.startswith("exercise99_dummy") or "README" in p or ".github" in p
        for p in course_problems(course, root)
    )

    # Adding the pieces one by one, as a contributor would, empties the list.
    checks = root / "grader" / "checks" / "exercise99_dummy.py"
    checks.write_text(
        "def check_runs_cleanly(run):\n    pass\n\n\ndef check_extra(run):\n    pass\n"
    )
    assert (
        "check_extra in grader/checks/exercise99_dummy.py has no [exercise99_dummy.checks.extra]"
        in (exercise_problems(dummy, root))
    )
    checks.write_text("def check_runs_cleanly(run):\n    pass\n")
    for folder in ("exercises", "solutions"):
        (root / folder / "exercise99_dummy").mkdir()
        (root / folder / "exercise99_dummy" / "dummy.py").write_text("print('hi')\n")
    (root / "exercises" / "exercise99_dummy" / "README.md").write_text("# Dummy\n")
    cases = root / "tests" / "submissions" / "exercise99_dummy"
    for index in range(7):
        (cases / f"case{index}").mkdir(parents=True)
        lost = "[]" if index == 6 else '["runs_cleanly"]'
        (cases / f"case{index}" / "case.toml").write_text(f'description = "x"\nlost = {lost}\n')
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace(readme_table(COURSE), readme_table(course)))
    workflow = root / ".github" / "workflows" / "grade.yml"
    last = f"          - exercise{COURSE.exercises[-1].number}\n"
    workflow.write_text(workflow.read_text().replace(last, last + "          - exercise99\n"))
    assert exercise_problems(dummy, root) == []
    assert course_problems(course, root) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('points = 1\ntitle = "dummy.py runs"', 'pionts = 1\ntitle = "dummy.py runs"'),
            "unknown key 'pionts' (did you mean 'points'?)",
        ),
        (('summary = "nothing at all"\n', ""), "'summary' is missing"),
        (
            ('command = ["dummy.py", "--flag"]', 'command = "dummy.py"'),
            "'command' has the wrong type",
        ),
        (
            ('files = ["dummy.py"]', 'files = ["dummy.py"]\nruns = true'),
            "'runs' has the wrong type",
        ),
        (
            ('files = ["dummy.py"]', 'files = ["dummy.py"]\nlimits = { time = 3 }'),
            "[exercise99_dummy].limits: unknown key 'time' (did you mean 'time_s'?)",
        ),
        (("[exercise99_dummy]", "[exercise_eleven]"), "[exercise_eleven]: not an exercise"),
        (("points = 1\n", "points = 0\n"), "points must be above 0"),
    ],
)
def test_a_wrong_course_file_is_a_clear_error(tmp_path: Path, change, message) -> None:
    config = tmp_path / "course.toml"
    dummy = DUMMY.replace(*change)
    assert dummy != DUMMY
    config.write_text(CONFIG.read_text() + dummy)
    with pytest.raises(UsageError) as error:
        load_course(config)
    assert message in str(error.value) and str(config) in str(error.value)


def test_student_code_may_import_every_package_the_course_lists(tmp_path: Path) -> None:
    """[environment] packages are installed with the course environment, at versions their
    requirement allows, and a student's script can import them inside its sandbox."""
    from importlib import metadata

    from packaging.requirements import Requirement

    from grader.sandbox import Limits, Sandbox

    assert {"typer", "click", "tqdm", "rich", "python-dotenv"} <= {
        Requirement(p).name for p in COURSE.packages
    }
    modules = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            modules.setdefault(distribution.lower(), module)
    imports = []
    for package in COURSE.packages:
        requirement = Requirement(package)
        assert requirement.specifier.contains(metadata.version(requirement.name)), package
        imports.append(modules[requirement.name.lower()])
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "script.py").write_text(
        "".join(f"import {name}\n" for name in imports) + "print('ok')\n"
    )
    with Sandbox(folder, Limits(time_s=30)) as box:
        result = box.run("script.py")
    assert result.ok and result.stdout.strip() == "ok", result.stderr


def test_a_misspelt_environment_key_is_an_error_too(tmp_path: Path) -> None:
    config = tmp_path / "course.toml"
    config.write_text(CONFIG.read_text().replace("\npackages = [", "\npakages = [", 1))
    with pytest.raises(UsageError, match=r"\[environment\]: unknown key 'pakages' \(did you mean"):
        load_course(config)
