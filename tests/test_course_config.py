"""configs/course.toml and the check modules agree, and every check can teach."""

from __future__ import annotations

import importlib

import pytest

from grader.course import CHECKS_DIR, UsageError, load_course

COURSE = load_course()


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


def test_every_exercise_has_stub_solution_readme_and_checks(root) -> None:
    for exercise in COURSE.exercises:
        for folder in ("exercises", "solutions"):
            for name in exercise.files:
                assert (root / folder / exercise.name / name).is_file(), (folder, name)
        assert (root / "exercises" / exercise.name / "README.md").is_file()
        assert (CHECKS_DIR / f"{exercise.name}.py").is_file()


def test_exercise_names_resolve() -> None:
    assert [e.number for e in COURSE.resolve(["3", "exercise1", "hydra_bridge"])] == [3, 1, 4]
    assert len(COURSE.resolve([])) == len(COURSE.exercises)
    with pytest.raises(UsageError, match="unknown exercise 'exercise99'"):
        COURSE.resolve(["exercise99"])
