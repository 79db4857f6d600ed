"""Exercise 3: the terminal filter of exercise 2, plus my_log.log rotating at 100 MB.

Rotation is judged by behaviour: ``my_log.log`` is pre-created as a sparse file just under
and exactly at 100,000,000 bytes, the script runs once on each, and the probe reports whether
loguru rotated the file on its first write. "Just under" is computed from the length of the
first line the script writes, so any threshold outside [100 MB - 16 B, 100 MB + one line)
is caught, including 100 MiB, 99 MB, "10 MB" and time-based rotation.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# Exercise 3 keeps exercise 2's terminal behaviour: the same checks, collected here and run on
# this exercise's script (pytest finds the imported check_* functions in this module).
from grader.checks.exercise2_warning_filter import (  # noqa: F401
    check_debug_info_hidden,
    check_logs_every_level,
    check_runs_cleanly,
    check_warnings_reach_terminal,
)
from grader.checks.loguru_checks import (
    file_evidence,
    files_written,
)
from grader.judge.failure import fail
from grader.readers.probe_trace import LEVELS
from grader.running import StudentRun, run_script

LOG_NAME = "my_log.log"
THRESHOLD = 100_000_000
_SLACK = 16  # characters of first-line length allowed to vary between runs (timestamps)


def _log_path(run: StudentRun) -> Path:
    return run.result.cwd / LOG_NAME


def _sparse(size: int):
    def prepare(workdir: Path) -> None:
        with open(workdir / LOG_NAME, "wb") as handle:
            handle.truncate(size)

    return prepare


@pytest.fixture(scope="module")
def rotation_runs(sandbox, run: StudentRun) -> dict[str, StudentRun]:
    """Runs on a file just under, and exactly at, the threshold (in parallel)."""
    writes = run.trace.writes_to(_log_path(run))
    if not writes:
        fail(
            f"a loguru file sink writing {LOG_NAME} in the working directory",
            files_written(run),
        )
    under = THRESHOLD - writes[0].length - _SLACK
    with ThreadPoolExecutor(2) as pool:
        futures = {
            name: pool.submit(run_script, sandbox, run.script, prepare=_sparse(size))
            for name, size in (("under", under), ("at", THRESHOLD))
        }
    return {name: future.result() for name, future in futures.items()}


def _first_write(run: StudentRun, name: str, size: int):
    writes = run.trace.writes_to(_log_path(run))
    if not writes:
        fail(
            f"the script to append to an existing {LOG_NAME} of {size:,} bytes",
            f"with that file present ({name} the threshold), "
            + files_written(run)
            + "\n"
            + run.result.status(),
        )
    return writes[0]


def check_file_gets_every_level(run: StudentRun) -> None:
    path = _log_path(run)
    if not run.trace.writes_to(path):
        fail(
            f"loguru writing every level to {LOG_NAME} in the working directory", files_written(run)
        )
    missing = []
    for level in LEVELS:
        records = run.trace.at_level(level)
        if not records:
            missing.append(f"{level} (none was logged)")
        elif not any(file_evidence(run, path, record) for record in records):
            missing.append(level)
    if missing:
        kept = sorted(
            {r.level for r in run.trace.records if file_evidence(run, path, r)}, key=LEVELS.index
        )
        fail(
            f"{LOG_NAME} to receive DEBUG, INFO, WARNING, ERROR and CRITICAL messages",
            f"{LOG_NAME} holds {', '.join(kept) or 'no message'}; missing: {', '.join(missing)}",
            "the file sink's level is above DEBUG" if "DEBUG" in missing and kept else "",
        )


def check_keeps_file_below_100mb(rotation_runs: dict[str, StudentRun]) -> None:
    run = rotation_runs["under"]
    first = _first_write(run, "just under", THRESHOLD)
    if first.rotated:
        fail(
            f"no rotation when {LOG_NAME} is just under 100,000,000 bytes",
            f"loguru rotated a {first.size_before:,}-byte {LOG_NAME} before adding a "
            f"{first.length}-character line: the size limit is below 100 MB",
        )


def check_rotates_at_100mb(rotation_runs: dict[str, StudentRun]) -> None:
    run = rotation_runs["at"]
    first = _first_write(run, "at", THRESHOLD)
    if not first.rotated:
        emptied = first.size_before is not None and first.size_before < THRESHOLD
        fail(
            f"loguru to rotate {LOG_NAME} once it holds 100,000,000 bytes",
            f"a {THRESHOLD:,}-byte {LOG_NAME} was written to without rotating"
            + (f"; loguru found it holding {first.size_before:,} bytes" if emptied else ""),
            'the sink emptied the existing file when it opened it (mode="w"), so the log '
            'never grows to the rotation size: keep the default mode="a"'
            if emptied
            else "",
        )
