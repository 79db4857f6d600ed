"""Exercise 1: one message per level, through loguru, whatever sinks or format are used."""

from __future__ import annotations

from grader.checks.loguru_checks import require_clean_exit, require_level
from grader.running import StudentRun


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
