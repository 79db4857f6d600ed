"""GitHub Classroom's autograding result (version 3), and Exercism's ``results.json`` v3.

GitHub Classroom: a workflow step writes ``result=<base64 of compact JSON>`` to
``$GITHUB_OUTPUT``; ``classroom-resources/autograding-grading-reporter`` reads it from the env
var ``<STEP_ID>_RESULTS``, adds every ``tests[].score`` against ``max_score`` for the Classroom
grade, prints ``name - line N`` (``line_no`` 0: no line) and ``test_code``, and fails the job
when a runner's ``status`` is "fail" or "error".

Exercism (https://exercism.org/docs/building/tooling/test-runners/interface): ``status`` "pass"
(all passed), "fail" (one failed or errored), "error" (no test ran; then a top-level
``message``); per test ``name``, ``status``, ``message``, ``output`` (at most 500 characters),
``test_code`` and ``task_id`` (v3).
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path

from ..course import CHECKS_DIR
from ..results import CheckResult, ExerciseResult, GradeReport
from .sizing import compact_json, shrink_texts

# The reporter gets the result through one environment variable, and Linux refuses to start a
# process with an environment string above 128 KiB (MAX_ARG_STRLEN): base64 of at most this.
CLASSROOM_LIMIT = 96 * 1024
EXERCISM_OUTPUT = 500  # characters of a test's output (Exercism's interface)
EXERCISM_MESSAGE = 65535  # characters of the top-level message
_TRUNCATED = " [Output was truncated. Please limit to 500 chars]"  # Exercism's own words


def classroom_results(report: GradeReport) -> dict:
    """The JSON GitHub Classroom's grading reporter reads for one runner (one step)."""
    checks = [check for exercise in report.exercises for check in exercise.checks]
    tests = [
        {
            "name": _name(check),
            "status": _status(check),
            "score": _number(check.points),
            "message": check.explanation() or None,
            "test_code": _test_code(check),
            "filename": _filename(check),
            "line_no": _line_no(check),
            "duration": 0,  # the judge times exercises, not checks
        }
        for check in checks
    ]
    data = {
        "version": 3,
        "status": _overall(report, checks),
        "max_score": _number(report.max_score),
        "tests": tests,
        "provenance": dict(report.provenance),
    }
    places = [(test, "message") for test in tests]
    limit = CLASSROOM_LIMIT * 3 // 4  # base64 makes 4 bytes of 3
    shrink_texts(data, places, limit)
    return data


def classroom_output_line(report: GradeReport) -> str:
    """``result=<base64 of compact JSON>``, the line a step appends to ``$GITHUB_OUTPUT``."""
    encoded = base64.b64encode(compact_json(classroom_results(report))).decode("ascii")
    return f"result={encoded}"


def write_classroom(report: GradeReport, path: Path) -> None:
    """The compact JSON (``base64 -w0 FILE`` gives the step output's value)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(compact_json(classroom_results(report)) + b"\n")


def exercism_results(report: GradeReport) -> dict:
    """Exercism's ``results.json``, version 3: one test per check, in the course's order."""
    checks = [check for exercise in report.exercises for check in exercise.checks]
    tests = []
    for exercise in report.exercises:
        for check in exercise.checks:
            test = {
                "name": _name(check),
                "status": _status(check),
                "message": check.explanation() or None,
                "output": _exercism_output(check),
                "test_code": _test_code(check),
                "task_id": _task_id(exercise),
            }
            tests.append({key: value for key, value in test.items() if value is not None})
    data: dict = {"version": 3, "status": _exercism_status(checks)}
    if data["status"] == "error":
        reasons = [check.seen or check.explanation() for check in checks]
        why = "\n".join(dict.fromkeys(filter(None, reasons))) or "no check ran"
        data["message"] = why[:EXERCISM_MESSAGE]
    data["tests"] = tests
    data["provenance"] = dict(report.provenance)
    return data


def write_exercism(report: GradeReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(exercism_results(report), indent=2) + "\n", encoding="utf-8")


# -- shared ---------------------------------------------------------------------------------
def _status(check: CheckResult) -> str:
    """pass, fail or error. Partial marks are a fail; a check skipped here (it cannot run on
    this machine, and costs nothing) is a pass that says so in its message."""
    if check.status == "error":
        return "error"
    return "pass" if check.passed or check.status == "skipped" else "fail"


def _overall(report: GradeReport, checks: list[CheckResult]) -> str:
    if not checks or any(check.status == "error" for check in checks):
        return "error"  # the grader failed somewhere: not the student's fail
    return "pass" if report.full_marks else "fail"


def _exercism_status(checks: list[CheckResult]) -> str:
    # Exercism: "error" only when no test ran; a failure or an error among others is "fail".
    if not checks or all(check.status == "error" for check in checks):
        return "error"
    return "pass" if all(_status(check) == "pass" for check in checks) else "fail"


def _name(check: CheckResult) -> str:
    return f"{check.exercise}: {check.title}"


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _filename(check: CheckResult) -> str:
    return f"grader/checks/{check.exercise}.py"


def _test_code(check: CheckResult) -> str:
    return f"{_filename(check)}::check_{check.check}"


def _line_no(check: CheckResult) -> int:
    return _check_lines(check.exercise).get(check.check, 0)


@cache
def _check_lines(exercise: str) -> dict[str, int]:
    """Line of each ``def check_<id>`` in the exercise's check module (read, not imported)."""
    try:
        source = (CHECKS_DIR / f"{exercise}.py").read_text(encoding="utf-8")
    except OSError:
        return {}
    lines = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = re.match(r"def check_(\w+)\s*\(", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _task_id(exercise: ExerciseResult) -> int | None:
    match = re.match(r"exercise(\d+)_", exercise.name)
    return int(match.group(1)) if match else None


def _exercism_output(check: CheckResult) -> str | None:
    """What the run showed (the part of the feedback that is the student's own output)."""
    if check.passed or not check.seen:
        return None
    text = check.seen.strip("\n")
    if len(text) <= EXERCISM_OUTPUT:
        return text
    return text[: EXERCISM_OUTPUT - len(_TRUNCATED)] + _TRUNCATED
