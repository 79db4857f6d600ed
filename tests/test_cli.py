"""The command line as students, instructors and CI use it: exit codes, reports, safety."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from .conftest import ROOT, run_grader, submission_with

SECRET = "0123456789abcdef0123456789abcdef01234567"


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_unknown_exercise_is_a_one_line_usage_error() -> None:
    graded = run_grader("exercise99")
    assert graded.exit_code == 2
    lines = graded.stderr.strip().splitlines()
    assert len(lines) == 1 and "exercise99" in lines[0] and "exercise1 (log_levels)" in lines[0]


def test_missing_submission_folder_is_a_one_line_usage_error(tmp_path: Path) -> None:
    graded = run_grader("exercise1", "--submission", str(tmp_path / "nope"))
    assert graded.exit_code == 2
    assert len(graded.stderr.strip().splitlines()) == 1
    assert "not found" in graded.stderr


def test_named_exercise_without_its_folder_lists_what_exists(tmp_path: Path) -> None:
    (tmp_path / "exercise2_warning_filter").mkdir()
    graded = run_grader("exercise1", "--submission", str(tmp_path))
    assert graded.exit_code == 2
    assert "exercise1_log_levels" in graded.stderr and "exercise2_warning_filter" in graded.stderr
    assert len(graded.stderr.strip().splitlines()) == 1


def test_exercise_names_by_number_slug_and_folder(tmp_path: Path) -> None:
    submission = submission_with(
        tmp_path, "exercise1_log_levels", ROOT / "solutions/exercise1_log_levels"
    )
    for name in ("1", "exercise1", "log_levels", "exercise1_log_levels"):
        graded = run_grader(name, "--submission", str(submission))
        assert graded.exit_code == 0, (name, graded.stdout, graded.stderr)


def test_grading_all_reports_missing_folders_as_failed(tmp_path: Path) -> None:
    submission = submission_with(
        tmp_path, "exercise1_log_levels", ROOT / "solutions/exercise1_log_levels"
    )
    graded = run_grader("--submission", str(submission), "--json", str(tmp_path / "r.json"))
    assert graded.exit_code == 1
    by_exercise: dict[str, list[dict]] = {}
    for test in graded.results["tests"]:
        by_exercise.setdefault(test["number"].split(".")[0], []).append(test)
    assert all(t["status"] == "passed" for t in by_exercise["exercise1_log_levels"])
    missing = by_exercise["exercise3_file_sink"]
    assert all(
        t["status"] == "failed" and "no folder exercise3_file_sink/" in t["output"] for t in missing
    )


def test_gradescope_junit_and_step_summary(tmp_path: Path) -> None:
    submission = submission_with(
        tmp_path, "exercise2_warning_filter", ROOT / "exercises/exercise2_warning_filter"
    )
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    junit = tmp_path / "out" / "junit.xml"
    graded = run_grader(
        "2",
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(junit),
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert graded.exit_code == 1
    results = graded.results
    assert set(results) >= {"score", "tests"}
    assert results["score"] == sum(t["score"] for t in results["tests"]) == 4
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite.get("name") == "exercise2_warning_filter"
    assert suite.get("tests") == "4" and suite.get("failures") == "1"
    failure = suite.find("testcase[@name='debug_info_hidden']/failure")
    assert failure is not None and "hint:" in failure.text
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "## Grading: 4/6" in text
    assert "DEBUG and INFO messages do not appear on the terminal" in text


def test_terminal_report_without_colour_has_pass_fail_words(tmp_path: Path) -> None:
    graded = run_grader("exercise2", "--no-color")
    assert "\033[" not in graded.stdout
    assert "PASS" in graded.stdout and "FAIL" in graded.stdout and "Total: 4/6" in graded.stdout
    assert "hint:" in graded.stdout and "expected:" in graded.stdout and "saw:" in graded.stdout


def test_api_key_never_reaches_student_code_output_or_results(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "my_logger.py").write_text(
        "import os\nfrom loguru import logger\n"
        "key = os.environ.get('WANDB_API_KEY', 'no key')\n"
        "print('key:', key)\n"
        "for level in ('debug', 'info', 'warning', 'error', 'critical'):\n"
        "    getattr(logger, level)(f'{level} {key}')\n"
        "raise RuntimeError(key)\n"
    )
    submission = submission_with(tmp_path, "exercise1_log_levels", folder)
    graded = run_grader(
        "1",
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(tmp_path / "j.xml"),
        env={"WANDB_API_KEY": SECRET},
    )
    assert graded.exit_code == 1
    assert "no key" in graded.stdout  # the student's own traceback is shown
    for text in (
        graded.stdout,
        graded.stderr,
        (tmp_path / "r.json").read_text(),
        (tmp_path / "j.xml").read_text(),
    ):
        assert SECRET not in text


def test_loguru_level_in_the_graders_environment_does_not_help(tmp_path: Path) -> None:
    submission = submission_with(
        tmp_path, "exercise2_warning_filter", ROOT / "exercises/exercise2_warning_filter"
    )
    graded = run_grader(
        "2",
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        env={"LOGURU_LEVEL": "WARNING"},
    )
    assert "debug_info_hidden" in graded.failed_checks()


@pytest.mark.parametrize(
    "source",
    [
        "def broken(:\n    pass\n",
        "from loguru import logger\nlogger.debug('a')\nundefined_name()\n",
        b"x = '\xff\xfe'\n",
    ],
)
def test_broken_scripts_get_feedback_not_a_grader_traceback(tmp_path: Path, source) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    target = folder / "my_logger.py"
    target.write_bytes(source if isinstance(source, bytes) else source.encode())
    submission = submission_with(tmp_path, "exercise1_log_levels", folder)
    graded = run_grader("1", "--submission", str(submission), "--json", str(tmp_path / "r.json"))
    assert graded.exit_code == 1
    runs = next(t for t in graded.results["tests"] if t["number"].endswith("runs_cleanly"))
    assert runs["status"] == "failed"
    assert "Error" in runs["output"] and "grader/" not in runs["output"]
    assert "internal grader error" not in graded.stdout


def test_os_exit_is_caught_as_an_early_stop(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "my_logger.py").write_text(
        "import os\nfrom loguru import logger\n"
        "for level in ('debug', 'info', 'warning', 'error', 'critical'):\n"
        "    getattr(logger, level)('hello')\nos._exit(0)\n"
    )
    submission = submission_with(tmp_path, "exercise1_log_levels", folder)
    graded = run_grader("1", "--submission", str(submission), "--json", str(tmp_path / "r.json"))
    assert graded.failed_checks() == {"runs_cleanly"}
    assert "os._exit" in graded.output_of("runs_cleanly")


def test_hanging_script_fails_with_the_time_limit(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "my_logger.py").write_text(
        "from loguru import logger\nlogger.debug('x')\nwhile True:\n    pass\n"
    )
    config = tmp_path / "course.toml"
    config.write_text(
        (ROOT / "configs/course.toml")
        .read_text()
        .replace("limits = { time_s = 10 }", "limits = { time_s = 2 }", 1)
    )
    submission = submission_with(tmp_path, "exercise1_log_levels", folder)
    graded = run_grader(
        "1",
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        "--config",
        str(config),
    )
    assert "time limit of 2 s exceeded" in graded.output_of("runs_cleanly")
    assert graded.failed_checks() == {
        "runs_cleanly",
        "logs_info",
        "logs_warning",
        "logs_error",
        "logs_critical",
    }


@pytest.mark.long
def test_solutions_folder_is_never_written_and_grading_is_deterministic(tmp_path: Path) -> None:
    submission = tmp_path / "solutions"
    shutil.copytree(ROOT / "solutions", submission)
    before = _tree_hash(submission)
    outcomes = []
    for attempt in range(2):
        out = tmp_path / f"r{attempt}.json"
        graded = run_grader("--submission", str(submission), "--json", str(out))
        assert graded.exit_code == 0, f"{graded.stdout}\n{graded.stderr}"
        results = json.loads(out.read_text())
        results.pop("execution_time")
        outcomes.append((results, graded.stdout))
    assert _tree_hash(submission) == before
    assert outcomes[0] == outcomes[1]


@pytest.mark.long
def test_stub_feedback_is_deterministic(tmp_path: Path) -> None:
    runs = [run_grader("--json", str(tmp_path / f"s{i}.json")) for i in range(2)]
    assert runs[0].exit_code == runs[1].exit_code == 1
    for graded in runs:
        graded.results.pop("execution_time")
    assert runs[0].results == runs[1].results
    assert runs[0].stdout == runs[1].stdout


def test_grading_leaves_the_graders_own_environment_as_it_was() -> None:
    """--no-color is a parameter of the terminal report and pytest's plugin switch is scoped to
    the call: nothing is written into the grader's os.environ."""
    script = (
        "import os, sys\n"
        "from grader.cli import main\n"
        "before = dict(os.environ)\n"
        f"code = main(['1', '--submission', {str(ROOT / 'solutions')!r}, '--no-color'])\n"
        "print('RESULT', code, sorted(set(os.environ) ^ set(before)))\n"
    )
    outer = ("NO_COLOR", "FORCE_COLOR", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_CURRENT_TEST")
    env = {k: v for k, v in os.environ.items() if k not in outer}
    process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "RESULT 0 []" in process.stdout, process.stdout + process.stderr
    assert "\033[" not in process.stdout


def test_a_broken_probe_is_the_graders_error_not_the_students(tmp_path: Path) -> None:
    """A loguru the probe cannot instrument (here a stand-in package beside the script) makes
    the checks that need the probe grader errors, said as such, never a lost level."""
    folder = tmp_path / "src"
    shutil.copytree(ROOT / "solutions" / "exercise1_log_levels", folder)
    (folder / "loguru").mkdir()
    (folder / "loguru" / "__init__.py").write_text(
        "class _Logger:\n"
        "    def __getattr__(self, name):\n"
        "        return lambda *args, **kwargs: None\n"
        "logger = _Logger()\n"
    )
    submission = submission_with(tmp_path, "exercise1_log_levels", folder)
    graded = run_grader("1", "--submission", str(submission), "--json", str(tmp_path / "r.json"))
    assert graded.exit_code == 1
    statuses = {test["status"] for test in graded.results["tests"]}
    assert statuses == {"failed"}  # Gradescope knows failed/passed; the text says why
    for test in graded.results["tests"]:
        assert "internal grader error: ProbeFailed: the grader's probe failed" in test["output"]
    assert "hint:" not in graded.output_of("logs_debug")
    # The whole traceback goes to stderr, once for the fixture every check shares, for the
    # report the message asks for.
    assert graded.stderr.count("please report it with this traceback") == 1, graded.stderr
    assert "Traceback (most recent call last)" in graded.stderr
    assert "ProbeFailed: the grader's probe failed" in graded.stderr
