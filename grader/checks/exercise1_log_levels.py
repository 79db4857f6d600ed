"""Exercise 1: one message per level, through loguru, whatever sinks or format are used."""

from __future__ import annotations

import pytest

from grader.checks.loguru_checks import require_level
from grader.checks.running import StudentRun, require_clean_exit, run_script


@pytest.fixture(scope="module")
def run(sandbox) -> StudentRun:
    return run_script(sandbox, "my_logger.py")


def check_runs_cleanly(run: StudentRun) -> None:
    require_clean_exit(run)


def check_logs_debug(run: StudentRun) -> None:
    require_level(run, "DEBUG")


def check_logs_info(run: StudentRun) -> None:
    require_level(run, "INFO")


def check_logs_warning(run: StudentRun) -> None:
    require_level(run, "WARNING")


def check_logs_error(run: StudentRun) -> None:
    require_level(run, "ERROR")


def check_logs_critical(run: StudentRun) -> None:
    require_level(run, "CRITICAL")
