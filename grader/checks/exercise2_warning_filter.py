"""Exercise 2: every level is logged, but only WARNING and above reach the terminal."""

from __future__ import annotations

from grader.checks.loguru_checks import (
    require_clean_exit,
    require_every_level,
    require_loud_on_terminal,
    require_quiet_hidden,
)
from grader.running import StudentRun


def check_runs_cleanly(run: StudentRun) -> None:
    require_clean_exit(run)


def check_logs_every_level(run: StudentRun) -> None:
    require_every_level(run)


def check_warnings_reach_terminal(run: StudentRun) -> None:
    require_loud_on_terminal(run)


def check_debug_info_hidden(run: StudentRun) -> None:
    require_quiet_hidden(run)
