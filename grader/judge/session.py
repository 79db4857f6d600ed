"""Runs the grader's checks (pytest tests in ``grader/checks``) and turns outcomes into results.

A check is a function ``check_<id>`` in ``grader/checks/<exercise>.py``; its points, title and
hint come from ``configs/course.toml``. A check fails by raising ``CheckFailed``; anything else
it raises is a grader error, reported as such rather than blamed on the student.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..course import CHECKS_DIR, Exercise
from ..results import CheckResult, ExerciseResult, GradeReport
from ..running import TrainingRun, run_training
from ..running.early import EarlyStart
from ..running.training import parse_cli
from ..sandbox import Sandbox
from ..submission import Submission
from .failure import CheckFailed


class Judge:
    """pytest plugin: gives checks their context and records every outcome.

    The state of one grading lives here: which exercise a check module is (looked up by the
    module's path, the one way pytest tells it), the training runs started early, and how
    many runs of student code each exercise made.
    """

    def __init__(
        self, submission: Submission, exercises: list[Exercise], early: dict[str, EarlyStart]
    ) -> None:
        self.submission = submission
        self.exercises = {exercise.name: exercise for exercise in exercises}
        self._by_module = {exercise.check_module.resolve(): exercise for exercise in exercises}
        self.early = dict(early)  # by exercise name; taken by the exercise's sandbox fixture
        self.outcomes: dict[tuple[str, str], CheckResult] = {}
        self.durations: dict[str, float] = {}
        self.runs: dict[str, int] = {}
        self.warm_runs: dict[str, int] = {}
        self.collection_errors: list[str] = []
        self._claimed: dict[str, EarlyStart] = {}
        self._reported: list[BaseException] = []  # internal errors whose traceback was shown
        self._starts: dict[str, float] = {}

    def exercise_of(self, node: pytest.Item | pytest.Module) -> Exercise:
        return self._by_module[Path(node.path).resolve()]

    # -- context offered to checks as fixtures ------------------------------------------------
    @pytest.fixture(scope="session")
    def submission_root(self) -> Path:
        return self.submission.root

    @pytest.fixture(scope="module")
    def exercise(self, request: pytest.FixtureRequest) -> Exercise:
        return self.exercise_of(request.node)

    @pytest.fixture(scope="module")
    def sandbox(self, exercise_dir: Path, exercise: Exercise) -> Iterator[Sandbox]:
        """The exercise's sandbox: that of its early training run if one was started."""
        start = self.early.pop(exercise.name, None)
        if start is not None:
            self._claimed[exercise.name] = start
        box = start.sandbox if start else None
        with box or Sandbox(
            exercise_dir, exercise.limits, warm=exercise.warm, nested=exercise.warm_nested
        ) as box:
            yield box
            self.runs[exercise.name] = box.runs
            self.warm_runs[exercise.name] = box.warm_runs

    @pytest.fixture(scope="module")
    def training(self, sandbox: Sandbox, exercise: Exercise) -> TrainingRun:
        """The exercise's command run as a training run (the early one if it was started)."""
        start = self._claimed.get(exercise.name)
        if start is not None:
            return start.training()
        return run_training(sandbox, exercise.script, parse_cli(exercise.args))

    def close_unclaimed(self) -> None:
        for start in self.early.values():
            start.close()
        self.early.clear()

    # -- recording ----------------------------------------------------------------------------
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(str(report.longrepr))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        key = (self.exercise_of(item).name, item.originalname.removeprefix("check_"))
        if report.when == "teardown" or key in self.outcomes:
            return
        if call.excinfo is not None:
            result = self._failure(key, call.excinfo)
        elif report.when == "call":
            result = self._result(key, "passed")
        else:
            return
        # Pictures a check showed with pytest's ``record_property("image", path_or_png_bytes)``.
        result.images = [value for name, value in report.user_properties if name == "image"]
        self.outcomes[key] = result

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        name = self.exercise_of(item).name
        self._starts.setdefault(name, time.monotonic())
        yield
        self.durations[name] = time.monotonic() - self._starts[name]

    def _result(self, key: tuple[str, str], status: str, **fields: str) -> CheckResult:
        exercise = self.exercises[key[0]]
        try:
            spec = exercise.check(key[1])
        except KeyError as error:
            return CheckResult(key[0], key[1], key[1], 0, "error", seen=str(error))
        hint = spec.hint if status == "failed" else ""
        return CheckResult(
            key[0],
            key[1],
            spec.title,
            spec.points,
            status,
            hint=hint,
            visibility=spec.visibility,
            **fields,
        )

    def _failure(self, key: tuple[str, str], excinfo: pytest.ExceptionInfo) -> CheckResult:
        error = excinfo.value
        if isinstance(error, CheckFailed):
            return self._result(
                key, "failed", expected=error.expected, seen=error.seen, detail=error.detail
            )
        if excinfo.errisinstance(pytest.skip.Exception):
            return self._result(key, "skipped", seen=str(error.msg))
        where = excinfo.traceback[-1]
        # Shown once: a fixture's error is that of every check using it (the same object).
        if not any(error is seen for seen in self._reported):
            self._reported.append(error)
            sys.stderr.write(
                f"internal grader error in {key[0]} (check {key[1]}); please report it with "
                f"this traceback:\n{excinfo.getrepr(style='native', chain=True)}\n"
            )
        return self._result(
            key,
            "error",
            expected="the check to run",
            seen=f"internal grader error: {type(error).__name__}: {error} "
            f"({Path(str(where.path)).name}:{where.lineno + 1}). Please report this.",
        )


def _missing_folder(exercise: Exercise, submission: Submission) -> ExerciseResult:
    missing = submission.describe_missing([exercise])
    checks = [
        CheckResult(
            exercise.name,
            spec.id,
            spec.title,
            spec.points,
            "failed",
            expected=f"the folder {exercise.name}/ with {', '.join(exercise.files)}",
            seen=missing,
            hint="Copy the exercise folder from exercises/ into your submission and keep its name.",
            visibility=spec.visibility,
        )
        for spec in exercise.checks
    ]
    return ExerciseResult(
        exercise.name, exercise.title, checks, tools=exercise.tools, missing=missing
    )


@contextmanager
def _plugins_not_autoloaded() -> Iterator[None]:
    """Only the judge's plugin: none a package in the environment registers (for this call)."""
    name = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
    before = os.environ.get(name)
    os.environ[name] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def run_checks(
    submission: Submission,
    exercises: list[Exercise],
    early: dict[str, EarlyStart] | None = None,
) -> GradeReport:
    """Grade ``exercises`` of the submission; never raises for anything students do.

    ``early`` holds training runs already started for some of them (by exercise name).
    """
    started = time.monotonic()
    present = [e for e in exercises if submission.has(e)]
    judge = Judge(submission, present, early or {})
    try:
        if present:
            args = [str(e.check_module) for e in present]
            args += ["-c", str(CHECKS_DIR / "pytest.ini"), "--rootdir", str(CHECKS_DIR)]
            args += ["-p", "no:terminal", "-p", "no:cacheprovider", "--assert=plain"]
            with _plugins_not_autoloaded():
                code = pytest.main(args, plugins=[judge])
            if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
                judge.collection_errors.append(f"pytest ended with {code!r}")
    finally:
        judge.close_unclaimed()
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
                visibility=spec.visibility,
            )
            for spec in exercise.checks
        ]
        duration = judge.durations.get(exercise.name, 0)
        runs = judge.runs.get(exercise.name, 0)
        warm_runs = judge.warm_runs.get(exercise.name, 0)
        results.append(
            ExerciseResult(
                exercise.name,
                exercise.title,
                checks,
                duration,
                runs,
                warm_runs=warm_runs,
                tools=exercise.tools,
            )
        )
    return GradeReport(str(submission.root), results, time.monotonic() - started)
