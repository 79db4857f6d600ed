"""configs/course.toml and the check modules agree, and every check can teach."""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

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


def add_classroom_step(workflow: Path, number: int) -> None:
    """Add exercise NUMBER to GitHub Classroom's workflow as a contributor would: a step, a
    runner and its results variable."""
    spec = yaml.safe_load(workflow.read_text())
    steps = spec["jobs"]["run-autograding-tests"]["steps"]
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    steps.insert(
        steps.index(reporter), {"name": f"Grade exercise{number}", "id": f"exercise{number}"}
    )
    reporter["with"]["runners"] += f",exercise{number}"
    reporter["env"][f"EXERCISE{number}_RESULTS"] = (
        f"${{{{ steps.exercise{number}.outputs.result }}}}"
    )
    workflow.write_text(yaml.safe_dump(spec, sort_keys=False))


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
        ".github/workflows/classroom.yml lacks a step exercise99",
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
    add_classroom_step(root / ".github" / "workflows" / "classroom.yml", 99)
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
        (
            ("points = 1\n", 'points = 1\nvisibility = "hiden"\n'),
            "[exercise99_dummy.checks.runs_cleanly]: 'visibility' 'hiden' is not Gradescope's "
            "(did you mean 'hidden'?)",
        ),
        (
            ("points = 1\n", 'points = 1\nvisibility = "students"\n'),
            "(one of visible, hidden, after_due_date, after_published)",
        ),
        (("points = 1\n", "points = 1\nvisibility = false\n"), "'visibility' has the wrong type"),
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


def test_a_checks_visibility_is_visible_unless_the_course_says(tmp_path: Path) -> None:
    """Gradescope shows every check unless its table says otherwise (hidden, after the due
    date, after the grades are published)."""
    assert {check.visibility for e in COURSE.exercises for check in e.checks} <= {
        "visible",
        "hidden",
        "after_due_date",
        "after_published",
    }
    config = tmp_path / "course.toml"
    for visibility in ("visible", "hidden", "after_due_date", "after_published"):
        dummy = DUMMY.replace("points = 1\n", f'points = 1\nvisibility = "{visibility}"\n')
        config.write_text(CONFIG.read_text() + dummy)
        check = load_course(config).exercise("exercise99_dummy").checks[0]
        assert check.visibility == visibility
    config.write_text(CONFIG.read_text() + DUMMY)
    assert load_course(config).exercise("exercise99_dummy").checks[0].visibility == "visible"


def test_a_course_extends_another_and_chooses_what_it_grades(tmp_path: Path) -> None:
    """A W&B-free course: the main course's exercises by name, its own entries, its own
    packages on top, and `nox -s grade` with no exercise named grades only its choice."""
    base = tmp_path / "course.toml"
    base.write_text(CONFIG.read_text())
    other = tmp_path / "other.toml"
    other.write_text(
        '[course]\nextends = "course.toml"\ngrade = ["exercise1", "2", "dummy"]\n\n'
        '[environment]\npackages = ["mlflow==3.17.2"]\n' + DUMMY
    )
    course = load_course(other)
    names = [e.name for e in course.exercises]
    assert names[:2] == ["exercise1_log_levels", "exercise2_warning_filter"]
    assert "exercise12_reproduce_run" in names and names[-1] == "exercise99_dummy"
    assert [e.name for e in course.resolve([])] == [
        "exercise1_log_levels",
        "exercise2_warning_filter",
        "exercise99_dummy",
    ]
    assert course.resolve(["exercise5"])[0].name == "exercise5_wandb_scalars"  # still known
    assert course.packages == (*COURSE.packages, "mlflow==3.17.2")
    assert COURSE.resolve([]) == list(COURSE.exercises)  # no [course] grade: every exercise


@pytest.mark.parametrize(
    ("course", "message"),
    [
        ('[course]\nextends = "missing.toml"\n', "course configuration not found"),
        ('[course]\nextends = "loop.toml"\n', "extend each other in a circle"),
        ('[course]\ngrade = ["exercise77"]\n', "[course].grade: unknown exercise 'exercise77'"),
        ('[course]\ngrde = ["exercise1"]\n', "unknown key 'grde' (did you mean 'grade'?)"),
        ("[course]\ngrade = 1\n", "'grade' has the wrong type"),
    ],
)
def test_a_wrong_course_table_is_a_clear_error(tmp_path: Path, course: str, message: str) -> None:
    config = tmp_path / "loop.toml"
    config.write_text(course + DUMMY)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_course(config)


def test_every_shipped_course_is_consistent_and_its_exercises_known() -> None:
    from grader.course import shipped_course_files, shipped_exercises

    files = shipped_course_files()
    assert files[0].name == "course.toml" and any(f.name == "course-mlflow.toml" for f in files)
    free = load_course(ROOT / "configs" / "course-mlflow.toml")
    assert not any("wandb" in e.tools for e in free.default)  # the W&B-free course
    main = load_course(files[0])
    for path in files[1:]:
        assert course_problems(load_course(path), main=main) == []
    assert len({e.name for e, _ in shipped_exercises()}) == len(shipped_exercises())
