"""Grader validity: solutions get full marks, stubs fail, each known mistake loses its check.

Cases live in tests/submissions/<exercise>/<case>/: the exercise's files plus ``case.toml``:

    description = "what the student did"
    lost = ["check_id", ...]      # exactly the checks that must fail ([] = full marks)
    may_lose = ["check_id", ...]  # optional: checks that may also fail, when the submission
                                  # itself races (wandb-core flushing while os._exit kills it)
    feedback = ["text", ...]      # optional: must appear in the first lost check's feedback
    from_solution = ["train.py"]  # optional: files taken unchanged from the reference solution
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from grader.course import shipped_exercises
from grader.preforked import PreforkedGrader
from grader.sandbox import warm
from grader.sandbox.isolation import probe_namespaces

from .conftest import ROOT, course_file_of, grade_folder, run_grader, submission_with

EXERCISES = {entry.name: entry for entry, _ in shipped_exercises()}  # of every shipped course
CASES = sorted((ROOT / "tests" / "submissions").glob("*/*/case.toml"))


def _case_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}"


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_solution_gets_full_marks(
    exercise: str, tmp_path: Path, preforked_grader: PreforkedGrader
) -> None:
    graded = grade_folder(tmp_path, exercise, ROOT / "solutions" / exercise, preforked_grader)
    assert graded.exit_code == 0, graded.stdout + graded.stderr
    assert graded.results["score"] == graded.results["max_score"] > 0
    # The course entry's `runs` is what a grading really makes (a batch's time limit uses it).
    made = graded.results["extra_data"]["exercises"][exercise]["runs"]
    assert made == EXERCISES[exercise].runs
    # Warm where the entry asks for it (so this suite proves the warm path; `nox -s
    # tests_cold` runs this file again with every run cold).
    warm_runs = graded.results["extra_data"]["exercises"][exercise]["warm_runs"]
    assert warm_runs == (made if _runs_warm(exercise) else 0)


def _runs_warm(exercise: str) -> bool:
    return EXERCISES[exercise].warm and warm.enabled() and probe_namespaces().namespaced


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_untouched_stub_fails(
    exercise: str, tmp_path: Path, preforked_grader: PreforkedGrader
) -> None:
    graded = grade_folder(tmp_path, exercise, ROOT / "exercises" / exercise, preforked_grader)
    assert graded.exit_code == 1, graded.stdout + graded.stderr
    assert graded.results["score"] < graded.results["max_score"]
    for test in graded.results["tests"]:
        if test["status"] == "failed":
            assert "hint:" in test["output"] and "expected:" in test["output"], test
            assert "Traceback" not in test["output"] or 'File "my' in test["output"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_submission_case(case: Path, tmp_path: Path, preforked_grader: PreforkedGrader) -> None:
    spec = tomllib.loads(case.read_text())
    exercise = case.parent.parent.name
    submission = submission_with(tmp_path, exercise, case.parent)
    for name in spec.get("from_solution", []):
        shutil.copy(ROOT / "solutions" / exercise / name, submission / exercise / name)
    graded = run_grader(
        exercise,
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        "--config",
        str(course_file_of(exercise)),
        preforked=preforked_grader,
    )
    lost, may_lose = set(spec["lost"]), set(spec.get("may_lose", []))
    # A string, not a tuple: pytest prints a message string whole, where a tuple's repr is cut
    # short (a rare failure is then read in full from the CI log).
    assert lost <= graded.failed_checks() <= lost | may_lose, (
        f"{spec['description']}\n{graded.stdout}\n{graded.stderr}"
    )
    assert graded.exit_code == (1 if lost else 0), graded.stdout + graded.stderr
    made = graded.results["extra_data"]["exercises"][exercise]["runs"]
    assert made <= EXERCISES[exercise].runs, "more runs than the course entry says"
    if lost:
        first = next(t for t in EXERCISES[exercise].checks if t.id in lost)
        output = graded.output_of(first.id)
        assert first.hint in output.replace("\n          ", " ")
        for text in spec.get("feedback", []):
            assert text in output, (text, output)
