"""Grader validity: solutions get full marks, stubs fail, each known mistake loses its check.

Cases live in tests/submissions/<exercise>/<case>/: the exercise's files plus ``case.toml``:

    description = "what the student did"
    lost = ["check_id", ...]      # exactly the checks that must fail ([] = full marks)
    feedback = ["text", ...]      # optional: must appear in the first lost check's feedback
    from_solution = ["train.py"]  # optional: files taken unchanged from the reference solution
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from grader.course import load_course

from .conftest import ROOT, grade_folder, run_grader, submission_with

COURSE = load_course()
CASES = sorted((ROOT / "tests" / "submissions").glob("*/*/case.toml"))


def _case_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}"


@pytest.mark.parametrize("exercise", [e.name for e in COURSE.exercises])
def test_solution_gets_full_marks(exercise: str, tmp_path: Path) -> None:
    graded = grade_folder(tmp_path, exercise, ROOT / "solutions" / exercise)
    assert graded.exit_code == 0, graded.stdout + graded.stderr
    assert graded.results["score"] == graded.results["max_score"] > 0


@pytest.mark.parametrize("exercise", [e.name for e in COURSE.exercises])
def test_untouched_stub_fails(exercise: str, tmp_path: Path) -> None:
    graded = grade_folder(tmp_path, exercise, ROOT / "exercises" / exercise)
    assert graded.exit_code == 1, graded.stdout + graded.stderr
    assert graded.results["score"] < graded.results["max_score"]
    for test in graded.results["tests"]:
        if test["status"] == "failed":
            assert "hint:" in test["output"] and "expected:" in test["output"], test
            assert "Traceback" not in test["output"] or 'File "my' in test["output"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_submission_case(case: Path, tmp_path: Path) -> None:
    spec = tomllib.loads(case.read_text())
    exercise = case.parent.parent.name
    submission = submission_with(tmp_path, exercise, case.parent)
    for name in spec.get("from_solution", []):
        shutil.copy(ROOT / "solutions" / exercise / name, submission / exercise / name)
    graded = run_grader(
        exercise, "--submission", str(submission), "--json", str(tmp_path / "r.json")
    )
    lost = set(spec["lost"])
    assert graded.failed_checks() == lost, (spec["description"], graded.stdout)
    assert graded.exit_code == (1 if lost else 0), graded.stdout + graded.stderr
    if lost:
        first = next(t for t in COURSE.exercise(exercise).checks if t.id in lost)
        output = graded.output_of(first.id)
        assert first.hint in output.replace("\n          ", " ")
        for text in spec.get("feedback", []):
            assert text in output, (text, output)


def test_every_exercise_has_at_least_six_wrong_cases() -> None:
    for exercise in COURSE.exercises:
        wrong = [
            c
            for c in CASES
            if c.parent.parent.name == exercise.name and tomllib.loads(c.read_text())["lost"]
        ]
        assert len(wrong) >= 6, f"{exercise.name} has only {len(wrong)} wrong submissions"
