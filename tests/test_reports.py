"""The results files course platforms read, built from hand-made reports: Gradescope (Markdown,
tags, visibility, provenance), GitHub Classroom and Exercism (v3), PrairieLearn; and what
graded them (grader/provenance.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from grader import provenance
from grader.course import load_course
from grader.judge.session import run_checks
from grader.report import (
    classroom_output_line,
    classroom_results,
    exercism_results,
    gradescope_results,
    junit_xml,
    markdown_summary,
    prairielearn_results,
    write_classroom,
    write_exercism,
    write_gradescope,
    write_prairielearn,
)
from grader.report.classroom import CLASSROOM_LIMIT
from grader.report.gradescope import check_markdown
from grader.report.prairielearn import LIMIT
from grader.results import CheckResult, ExerciseResult, GradeReport
from grader.submission import Submission

from .conftest import ROOT

PROVENANCE = {
    "grader": "logging-grader",
    "version": "0.1.0",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "config_sha256": "ab" * 32,
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(40))
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


def check(check_id: str, status: str, points: float = 2, **fields) -> CheckResult:
    return CheckResult(
        "exercise1_log_levels", check_id, f"title of {check_id}", points, status, **fields
    )


def passed(check_id: str = "runs_cleanly", **fields) -> CheckResult:
    return check(check_id, "passed", **fields)


def failed(check_id: str = "logs_debug", **fields) -> CheckResult:
    defaults = {"expected": "a DEBUG message", "seen": "no message", "hint": "Call logger.debug."}
    return check(check_id, "failed", **{**defaults, **fields})


def report(*checks: CheckResult, exercise: str = "exercise1_log_levels", **fields) -> GradeReport:
    for one in checks:
        one.exercise = exercise
    result = ExerciseResult(exercise, "Log levels", list(checks), 1.5, 1, tools=("loguru",))
    return GradeReport(
        "/sub",
        [result],
        2.0,
        "isolation: process only, because tests",
        provenance=dict(PROVENANCE),
        **fields,
    )


def mixed() -> GradeReport:
    """Passed, failed, partial, skipped and grader-error checks in one exercise."""
    return report(
        passed("runs_cleanly"),
        check(
            "logs_debug",
            "failed",
            expected="a DEBUG message",
            seen="INFO hello",
            detail="the level is INFO",
            hint="Call `logger.debug(...)`.",
        ),
        check("logs_info", "failed", points=4, partial=1.5, expected="3 messages", seen="2"),
        check("logs_warning", "skipped", seen="no Docker engine here"),
        check("logs_error", "error", expected="the check to run", seen="internal grader error: X"),
    )


# -- Gradescope ------------------------------------------------------------------------------
def test_gradescope_uses_markdown_tags_visibility_and_keeps_extra_data() -> None:
    graded = mixed()
    graded.exercises[0].checks[1].visibility = "after_published"
    results = gradescope_results(graded)
    assert results["output_format"] == "md"
    assert results["output"] == "**Total: 3.5/10**\n\nisolation: process only, because tests"
    assert results["score"] == 3.5 and results["max_score"] == 10
    assert [(t["number"], t["status"], t["score"], t["max_score"]) for t in results["tests"]] == [
        ("exercise1_log_levels.runs_cleanly", "passed", 2, 2),
        ("exercise1_log_levels.logs_debug", "failed", 0, 2),
        ("exercise1_log_levels.logs_info", "failed", 1.5, 4),
        ("exercise1_log_levels.logs_warning", "passed", 0, 0),
        ("exercise1_log_levels.logs_error", "failed", 0, 2),
    ]
    for test in results["tests"]:
        assert test["output_format"] == "md"
        assert test["tags"] == ["exercise1_log_levels", "loguru"]
    assert [t["visibility"] for t in results["tests"]] == [
        "visible",
        "after_published",
        "visible",
        "visible",
        "visible",
    ]
    # A batch reads these two exactly as before; provenance is new beside them.
    assert results["extra_data"] == {
        "isolation": "isolation: process only, because tests",
        "exercises": {
            "exercise1_log_levels": {"score": 3.5, "max_score": 10, "runs": 1, "warm_runs": 0}
        },
        "provenance": PROVENANCE,
    }


def test_gradescope_feedback_is_markdown_with_the_run_verbatim_in_a_fence() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    seen = "Traceback (most recent call last):\n  ```not a fence```\n*not emphasis* <b>x</b>"
    failing = check(
        "logs_debug",
        "failed",
        expected="a DEBUG message",
        seen=seen,
        detail="the level is INFO",
        hint="Call `logger.debug(...)`.",
    )
    output = check_markdown(failing)
    assert output == (
        "**expected:** a DEBUG message\n\n**saw:**\n\n````text\n"
        + seen
        + "\n````\n\n**why:** the level is INFO\n\n**hint:** Call `logger.debug(...)`."
    )
    tokens = markdown_it.MarkdownIt().parse(output)
    fences = [token for token in tokens if token.type == "fence"]
    assert [(f.info, f.content) for f in fences] == [("text", seen + "\n")]
    assert not any(token.type == "html_block" for token in tokens)
    # What the validity suite looks for in every failed check's output.
    assert "expected:" in output and "hint:" in output
    assert check_markdown(passed()) == ""
    assert check_markdown(check("x", "skipped", seen="no Docker here")) == (
        "**skipped:** no Docker here"
    )
    partial = check_markdown(check("x", "failed", points=4, partial=1, expected="all four"))
    assert partial == "**partial marks:** 1/4\n\n**expected:** all four"


def test_gradescope_file_is_the_dict(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    write_gradescope(mixed(), path)
    assert json.loads(path.read_text()) == gradescope_results(mixed())


# -- GitHub Classroom ------------------------------------------------------------------------
def _line(check_id: str) -> int:
    source = (ROOT / "grader" / "checks" / "exercise1_log_levels.py").read_text().splitlines()
    return next(n for n, line in enumerate(source, 1) if line.startswith(f"def check_{check_id}("))


def test_classroom_results_exactly() -> None:
    results = classroom_results(report(passed("runs_cleanly"), failed("logs_debug")))
    path = "grader/checks/exercise1_log_levels.py"
    assert results == {
        "version": 3,
        "status": "fail",
        "max_score": 4,
        "tests": [
            {
                "name": "exercise1_log_levels: title of runs_cleanly",
                "status": "pass",
                "score": 2,
                "message": None,
                "test_code": f"{path}::check_runs_cleanly",
                "filename": path,
                "line_no": _line("runs_cleanly"),
                "duration": 0,
            },
            {
                "name": "exercise1_log_levels: title of logs_debug",
                "status": "fail",
                "score": 0,
                "message": "expected: a DEBUG message\nsaw:      no message\n"
                "hint:     Call logger.debug.",
                "test_code": f"{path}::check_logs_debug",
                "filename": path,
                "line_no": _line("logs_debug"),
                "duration": 0,
            },
        ],
        "provenance": PROVENANCE,
    }
    assert all(test["line_no"] > 0 for test in results["tests"])


@pytest.mark.parametrize(
    ("checks", "status", "statuses"),
    [
        ([passed("a"), passed("b")], "pass", ["pass", "pass"]),
        ([passed("a"), failed("b")], "fail", ["pass", "fail"]),
        # partial marks are not a pass
        ([passed("a"), check("b", "failed", partial=1)], "fail", ["pass", "fail"]),
        # a check this machine cannot run costs nothing and is no failure
        ([passed("a"), check("b", "skipped", seen="no Docker")], "pass", ["pass", "pass"]),
        # a grader error is the grader's, never the student's fail
        (
            [failed("a"), check("b", "error", seen="internal grader error")],
            "error",
            ["fail", "error"],
        ),
    ],
)
def test_classroom_status_rules(checks, status, statuses) -> None:
    results = classroom_results(report(*checks))
    assert results["status"] == status
    assert [test["status"] for test in results["tests"]] == statuses


def test_classroom_scores_add_up_as_the_reporter_adds_them() -> None:
    results = classroom_results(mixed())
    assert results["max_score"] == 10
    assert sum(test["score"] for test in results["tests"]) == 3.5
    partial = next(t for t in results["tests"] if t["name"].endswith("logs_info"))
    assert partial == {**partial, "status": "fail", "score": 1.5}
    skipped = next(t for t in results["tests"] if t["name"].endswith("logs_warning"))
    assert skipped["message"] == "skipped: no Docker engine here" and skipped["score"] == 0


def test_classroom_output_line_is_base64_of_the_compact_json(tmp_path: Path) -> None:
    graded = mixed()
    line = classroom_output_line(graded)
    assert line.startswith("result=") and "\n" not in line
    raw = base64.b64decode(line.removeprefix("result="), validate=True)
    assert json.loads(raw.decode("utf-8")) == classroom_results(graded)
    assert raw == json.dumps(classroom_results(graded), separators=(",", ":")).encode()
    path = tmp_path / "classroom.json"
    write_classroom(graded, path)
    assert path.read_bytes().rstrip(b"\n") == raw


def test_classroom_output_stays_small_enough_for_an_environment_variable() -> None:
    huge = check("logs_debug", "failed", expected="x", seen="line\n" * 100_000, hint="h")
    line = classroom_output_line(report(passed("runs_cleanly"), huge))
    assert len(line) - len("result=") <= CLASSROOM_LIMIT
    results = json.loads(base64.b64decode(line.removeprefix("result=")))
    message = results["tests"][1]["message"]
    assert message.startswith("expected: x\nsaw:      line") and "characters cut" in message
    assert results["tests"][1]["score"] == 0 and results["max_score"] == 4


# -- Exercism --------------------------------------------------------------------------------
def test_exercism_results_exactly(tmp_path: Path) -> None:
    long = "y" * 600
    graded = report(
        passed("runs_cleanly"),
        failed("logs_debug"),
        check("logs_info", "failed", expected="e", seen=long),
    )
    results = exercism_results(graded)
    path = "grader/checks/exercise1_log_levels.py"
    assert results == {
        "version": 3,
        "status": "fail",
        "tests": [
            {
                "name": "exercise1_log_levels: title of runs_cleanly",
                "status": "pass",
                "test_code": f"{path}::check_runs_cleanly",
                "task_id": 1,
            },
            {
                "name": "exercise1_log_levels: title of logs_debug",
                "status": "fail",
                "message": "expected: a DEBUG message\nsaw:      no message\n"
                "hint:     Call logger.debug.",
                "output": "no message",
                "test_code": f"{path}::check_logs_debug",
                "task_id": 1,
            },
            {
                "name": "exercise1_log_levels: title of logs_info",
                "status": "fail",
                "message": f"expected: e\nsaw:      {long}",
                "output": "y" * 450 + " [Output was truncated. Please limit to 500 chars]",
                "test_code": f"{path}::check_logs_info",
                "task_id": 1,
            },
        ],
        "provenance": PROVENANCE,
    }
    assert len(results["tests"][2]["output"]) == 500
    write_exercism(graded, tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text()) == results


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        ([passed("a"), check("b", "skipped", seen="no Docker")], "pass"),
        ([passed("a"), check("b", "failed", partial=1)], "fail"),
        # Exercism's "error" means no test ran: an error among others is a "fail"
        ([passed("a"), check("b", "error", seen="internal grader error")], "fail"),
    ],
)
def test_exercism_status_rules(checks, status) -> None:
    results = exercism_results(report(*checks))
    assert results["status"] == status and "message" not in results


def test_exercism_error_when_no_check_ran_says_why() -> None:
    results = exercism_results(
        report(
            check("a", "error", seen="pytest ended with USAGE_ERROR"),
            check("b", "error", seen="pytest ended with USAGE_ERROR"),
        )
    )
    assert results["status"] == "error"
    assert results["message"] == "pytest ended with USAGE_ERROR"
    assert [test["status"] for test in results["tests"]] == ["error", "error"]


# -- PrairieLearn ----------------------------------------------------------------------------
def test_prairielearn_results_exactly() -> None:
    graded = report(passed("runs_cleanly", images=[PNG]), failed("logs_debug"))
    results = prairielearn_results(graded)
    assert results == {
        "gradable": True,
        "score": 0.5,
        "message": "Total: 2/4\nisolation: process only, because tests",
        "output": results["output"],
        "tests": [
            {
                "name": "exercise1_log_levels: title of runs_cleanly",
                "points": 2,
                "max_points": 2,
                "message": "passed",
                "output": "",
                "images": [{"label": "title of runs_cleanly (1)", "url": PNG_URL}],
            },
            {
                "name": "exercise1_log_levels: title of logs_debug",
                "points": 0,
                "max_points": 2,
                "message": "failed",
                "output": "expected: a DEBUG message\nsaw:      no message\n"
                "hint:     Call logger.debug.",
            },
        ],
        "provenance": PROVENANCE,
    }
    assert "Total: 2/4 (not full marks yet)" in results["output"]  # the terminal report


def test_prairielearn_scores_partial_skipped_and_errors() -> None:
    results = prairielearn_results(mixed())
    assert results["score"] == pytest.approx(3.5 / 10)
    assert [(t["points"], t["max_points"], t["message"]) for t in results["tests"]] == [
        (2, 2, "passed"),
        (0, 2, "failed"),
        (1.5, 4, "partly right: 1.5/4"),
        (0, 0, "skipped here (costs nothing): no Docker engine here"),
        (0, 2, "the grader failed on this check (not your fault); please report it"),
    ]
    everything = report(passed("a"), passed("b"))
    assert prairielearn_results(everything)["score"] == 1.0


def test_prairielearn_a_missing_exercise_folder_is_not_gradable() -> None:
    why = "no folder exercise1_log_levels/ in /sub (it has: exercise2_warning_filter)"
    graded = report(failed("runs_cleanly"), failed("logs_debug"))
    graded.exercises[0].missing = why
    assert prairielearn_results(graded) == {
        "gradable": False,
        "format_errors": [why],
        "message": f"The submission could not be graded: {why}",
        "provenance": PROVENANCE,
    }


def test_prairielearn_images_from_files_and_what_cannot_be_read(tmp_path: Path) -> None:
    picture = tmp_path / "roc.png"
    picture.write_bytes(PNG)
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    graded = report(passed("runs_cleanly", images=[picture, tmp_path / "gone.png", text]))
    results = prairielearn_results(graded)
    assert results["tests"][0]["images"] == [{"label": "roc.png", "url": PNG_URL}]
    assert "exercise1_log_levels.runs_cleanly: picture 2 could not be read" in results["message"]
    assert "exercise1_log_levels.runs_cleanly: picture 3 could not be read" in results["message"]


def test_prairielearn_stays_within_1_mb_images_first(tmp_path: Path) -> None:
    big = PNG + bytes(300_000)  # about 400 kB once in base64
    graded = report(passed("runs_cleanly", images=[big, big]), passed("logs_debug", images=[big]))
    results = prairielearn_results(graded)
    size = len(json.dumps(results, separators=(",", ":")).encode())
    assert size <= LIMIT
    kept = sum(len(test.get("images", [])) for test in results["tests"])
    assert kept == 2 and "1 picture(s) left out" in results["message"]
    assert "cut" not in results["message"]  # dropping a picture was enough
    path = tmp_path / "results.json"
    write_prairielearn(graded, path)
    assert path.stat().st_size <= LIMIT and json.loads(path.read_text()) == results


def test_prairielearn_cuts_a_huge_output_after_dropping_every_image(tmp_path: Path) -> None:
    big = PNG + bytes(300_000)
    huge = check(
        "logs_debug", "failed", expected="x", seen="é line\n" * 400_000, hint="h", images=[big]
    )
    graded = report(passed("runs_cleanly", images=[big, big]), huge)
    path = tmp_path / "results.json"
    write_prairielearn(graded, path)
    assert path.stat().st_size <= LIMIT
    results = json.loads(path.read_text())
    assert not any("images" in test for test in results["tests"])
    assert "3 picture(s) left out" in results["message"]
    assert "Some output was cut" in results["message"]
    output = results["tests"][1]["output"]
    assert output.startswith("expected: x\nsaw:      é line") and "characters cut" in output
    assert results["score"] == 0.5 and results["tests"][1]["max_points"] == 2


# -- JUnit and the Markdown summary carry provenance ----------------------------------------
def test_junit_and_summary_say_what_graded() -> None:
    graded = mixed()
    suite = ElementTree.fromstring(junit_xml(graded)).find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {
        "isolation": "isolation: process only, because tests",
        **{f"provenance.{key}": value for key, value in PROVENANCE.items()},
    }
    summary = markdown_summary(graded)
    assert "_graded by logging-grader 0.1.0, commit 0123456789ab, course config sha256 abab" in (
        summary
    )
    assert "| title of logs_info | 1.5/4 |" in summary


# -- provenance ------------------------------------------------------------------------------
def test_provenance_of_this_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADER_COMMIT", raising=False)
    monkeypatch.delenv("GRADER_CONFIG", raising=False)
    monkeypatch.setattr(provenance, "STAMP", Path("/nonexistent/_build.json"))
    config = ROOT / "configs" / "course.toml"
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    described = provenance.describe()
    assert described == {
        "grader": "logging-grader",
        "version": "0.1.0",  # pyproject.toml's, as installed
        "commit": head or "unknown",
        "config_sha256": hashlib.sha256(config.read_bytes()).hexdigest(),
    }
    assert provenance.describe(config) == described


def test_provenance_commit_from_environment_then_stamp_then_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "course.toml"
    config.write_bytes(b"[limits]\n")
    stamp = tmp_path / "_build.json"
    stamp.write_text(json.dumps({"commit": "feedbeef", "version": "9.9"}))
    monkeypatch.setattr(provenance, "STAMP", stamp)
    monkeypatch.setenv("GRADER_COMMIT", "c0ffee")
    assert provenance.describe(config)["commit"] == "c0ffee"
    assert provenance.describe(config)["config_sha256"] == hashlib.sha256(b"[limits]\n").hexdigest()
    monkeypatch.delenv("GRADER_COMMIT")
    assert provenance.describe(config)["commit"] == "feedbeef"

    def not_installed(name: str) -> str:
        raise provenance.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(provenance.metadata, "version", not_installed)
    assert provenance.describe(config)["version"] == "9.9"
    # Neither stamp nor a checkout of its own (an installed grader in site-packages).
    stamp.write_text("not json")
    monkeypatch.setattr(provenance, "ROOT", tmp_path)
    assert provenance.describe(tmp_path / "absent.toml") == {
        "grader": "logging-grader",
        "version": "unknown",
        "commit": "unknown",
        "config_sha256": "unknown",
    }


def test_provenance_ignores_a_repository_the_grader_merely_sits_in(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    (outer / "site-packages").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    assert provenance._git_head(outer / "site-packages") is None


# -- from the course file through the judge to the reports ----------------------------------
COURSE = """
[exercise99_dummy]
title = "A dummy exercise"
summary = "nothing at all"
files = ["dummy.py"]
command = ["dummy.py"]
tools = ["loguru", "hydra"]

[exercise99_dummy.checks.shown]
points = 1
title = "shown to students"
hint = "A hint that is long enough to be a real hint for the dummy."

[exercise99_dummy.checks.secret]
points = 2
title = "hidden from students"
hint = "A hint that is long enough to be a real hint for the dummy."
visibility = "hidden"
"""

CHECKS = f"""
from grader.judge.failure import fail

PNG = {PNG!r}


def check_shown(record_property):
    record_property("image", PNG)


def check_secret(record_property):
    record_property("image", PNG)
    fail("a secret", "nothing")
"""


def test_visibility_tools_and_images_reach_the_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "course.toml").write_text(COURSE)
    course = load_course(tmp_path / "course.toml")
    dummy = course.exercise("exercise99_dummy")
    assert dummy.tools == ("loguru", "hydra")
    assert [spec.visibility for spec in dummy.checks] == ["visible", "hidden"]

    # A missing folder: the checks' results carry the entry's visibility and tools.
    empty = tmp_path / "empty"
    empty.mkdir()
    graded = run_checks(Submission.open(empty), [dummy])
    assert graded.exercises[0].missing.startswith("no folder exercise99_dummy/")
    tests = gradescope_results(graded)["tests"]
    assert [t["visibility"] for t in tests] == ["visible", "hidden"]
    assert all(t["tags"] == ["exercise99_dummy", "loguru", "hydra"] for t in tests)
    assert prairielearn_results(graded)["gradable"] is False

    # A folder: the judge runs the checks and carries what they recorded.
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "exercise99_dummy.py").write_text(CHECKS)
    monkeypatch.setattr("grader.course.CHECKS_DIR", checks)
    submission = tmp_path / "submission"
    (submission / "exercise99_dummy").mkdir(parents=True)
    graded = run_checks(Submission.open(submission), [dummy])
    shown, secret = graded.exercises[0].checks
    assert (shown.status, shown.visibility, shown.images) == ("passed", "visible", [PNG])
    assert (secret.status, secret.visibility, secret.images) == ("failed", "hidden", [PNG])
    tests = prairielearn_results(graded)["tests"]
    assert [image["url"] for test in tests for image in test["images"]] == [PNG_URL, PNG_URL]
    assert [t["visibility"] for t in gradescope_results(graded)["tests"]] == ["visible", "hidden"]
