"""Runs the grader's checks (pytest tests in ``grader/checks``) and turns outcomes into results.

A check is a function ``check_<id>`` in ``grader/checks/<exercise>.py``; its points, title and
hint come from ``configs/course.toml``. A check fails by raising ``CheckFailed``; anything else
it raises is a grader error, reported as such rather than blamed on the student.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ..course import CHECKS_DIR, Course, Exercise
from ..results import CheckResult, ExerciseResult, GradeReport
from .failure import CheckFailed


class Judge:
    """pytest plugin: gives checks their context and records every outcome."""

    def __init__(self, submission: Path, exercises: list[Exercise]) -> None:
        self.submission = submission
        self.exercises = {exercise.name: exercise for exercise in exercises}
        self.outcomes: dict[tuple[str, str], CheckResult] = {}
        self.durations: dict[str, float] = {}
        self.collection_errors: list[str] = []
        self._starts: dict[str, float] = {}

    # -- context offered to checks as fixtures ------------------------------------------------
    @pytest.fixture(scope="session")
    def submission_root(self) -> Path:
        return self.submission

    @pytest.fixture(scope="module")
    def exercise(self, request: pytest.FixtureRequest) -> Exercise:
        return self.exercises[_module_name(request.module.__name__)]

    # -- recording ----------------------------------------------------------------------------
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(str(report.longrepr))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        key = (_module_name(item.module.__name__), item.originalname.removeprefix("check_"))
        if report.when == "teardown" or key in self.outcomes:
            return
        if call.excinfo is not None:
            self.outcomes[key] = self._failure(key, call.excinfo)
        elif report.when == "call":
            self.outcomes[key] = self._result(key, "passed")

    def pytest_runtest_logstart(self, nodeid: str, location: tuple) -> None:
        self._starts.setdefault(Path(location[0]).stem, time.monotonic())

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple) -> None:
        module = Path(location[0]).stem
        self.durations[module] = time.monotonic() - self._starts[module]

    def _result(self, key: tuple[str, str], status: str, **fields: str) -> CheckResult:
        exercise = self.exercises[key[0]]
        try:
            spec = exercise.check(key[1])
        except KeyError as error:
            return CheckResult(key[0], key[1], key[1], 0, "error", seen=str(error))
        hint = spec.hint if status == "failed" else ""
        return CheckResult(key[0], key[1], spec.title, spec.points, status, hint=hint, **fields)

    def _failure(self, key: tuple[str, str], excinfo: pytest.ExceptionInfo) -> CheckResult:
        error = excinfo.value
        if isinstance(error, CheckFailed):
            return self._result(
                key, "failed", expected=error.expected, seen=error.seen, detail=error.detail
            )
        if excinfo.errisinstance(pytest.skip.Exception):
            return self._result(key, "skipped", seen=str(error.msg))
        where = excinfo.traceback[-1]
        return self._result(
            key,
            "error",
            expected="the check to run",
            seen=f"internal grader error: {type(error).__name__}: {error} "
            f"({Path(str(where.path)).name}:{where.lineno + 1}). Please report this.",
        )


def _module_name(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _missing_folder(exercise: Exercise, submission: Path) -> ExerciseResult:
    present = (
        sorted(p.name for p in submission.iterdir() if p.is_dir()) if submission.is_dir() else []
    )
    seen = f"no folder {exercise.name}/ in {submission}" + (
        f" (it has: {', '.join(present)})" if present else ""
    )
    checks = [
        CheckResult(
            exercise.name,
            spec.id,
            spec.title,
            spec.points,
            "failed",
            expected=f"the folder {exercise.name}/ with {', '.join(exercise.files)}",
            seen=seen,
            hint="Copy the exercise folder from exercises/ into your submission and keep its name.",
        )
        for spec in exercise.checks
    ]
    return ExerciseResult(exercise.name, exercise.title, checks)


def run_checks(course: Course, submission: Path, exercises: list[Exercise]) -> GradeReport:
    """Grade ``exercises`` of the submission folder; never raises for anything students do."""
    started = time.monotonic()
    present = [e for e in exercises if (submission / e.name).is_dir()]
    judge = Judge(submission, present)
    if present:
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        args = [str(e.check_module) for e in present]
        args += ["-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR)]
        args += ["-p", "no:terminal", "-p", "no:cacheprovider", "--assert=plain"]
        code = pytest.main(args, plugins=[judge])
        if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
            judge.collection_errors.append(f"pytest ended with {code!r}")
    results = []
    for exercise in exercises:
        if exercise not in present:
            results.append(_missing_folder(exercise, submission))
            continue
        checks = [
            judge.outcomes.get((exercise.name, spec.id))
            or CheckResult(
                exercise.name,
                spec.id,
                spec.title,
                spec.points,
                "error",
                expected="the check to run",
                seen="the grader did not run this check (internal grader error)"
                + (f": {judge.collection_errors[0]}" if judge.collection_errors else ""),
            )
            for spec in exercise.checks
        ]
        results.append(
            ExerciseResult(
                exercise.name, exercise.title, checks, judge.durations.get(exercise.name, 0)
            )
        )
    return GradeReport(str(submission), results, time.monotonic() - started)
