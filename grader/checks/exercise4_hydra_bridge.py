"""Exercise 4: loguru writing my_logger_hydra.log into Hydra's run directory.

The app is launched twice, in parallel, from folders that are not the exercise folder: once
with an absolute ``hydra.run.dir`` and once with a relative one. A ``++grader_probe=...``
override must show up in the configuration the app logs, which proves that the *composed*
configuration is logged. Hydra's own job log has the same file name; only lines that the probe
saw loguru write count, so standard-logging lines never pass for loguru's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.checks.loguru_checks import (
    StudentRun,
    crash_report,
    file_evidence,
    files_written,
    run_script,
)
from grader.judge import fail
from grader.readers.loguru_trace import LEVELS

SCRIPT = "my_logger_hydra.py"
LOG_NAME = "my_logger_hydra.log"
PROBE_VALUE = "grader_probe_7351"


@dataclass
class HydraRun:
    run: StudentRun
    run_dir: Path  # where Hydra was told to put its output, made absolute
    how: str  # the override, as a student would read it

    @property
    def log(self) -> Path:
        return self.run_dir / LOG_NAME


def _launch(sandbox, relative: bool) -> HydraRun:
    cwd = sandbox.scratch("launch-dir")
    if relative:
        run_dir, override = cwd / "runs" / "probe", "hydra.run.dir=runs/probe"
    else:
        run_dir = sandbox.scratch("hydra-out") / "run"
        override = f"hydra.run.dir={run_dir}"
    run = run_script(sandbox, SCRIPT, override, f"++grader_probe={PROBE_VALUE}", cwd=cwd)
    how = "hydra.run.dir=<absolute path>" if not relative else override
    return HydraRun(run, run_dir, how)


@pytest.fixture(scope="module")
def runs(sandbox) -> list[HydraRun]:
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(_launch, sandbox, relative) for relative in (False, True)]
    return [future.result() for future in futures]


def _command(hydra_run: HydraRun) -> str:
    return f"python <exercise folder>/{SCRIPT} {hydra_run.how} ++grader_probe={PROBE_VALUE}"


def check_runs_cleanly(runs: list[HydraRun]) -> None:
    for hydra_run in runs:
        result, trace = hydra_run.run.result, hydra_run.run.trace
        if not result.ok or trace.exception:
            fail(
                f"`{_command(hydra_run)}`, started from another folder, to exit with code 0",
                crash_report(hydra_run.run),
            )


def check_log_in_run_dir(runs: list[HydraRun]) -> None:
    for hydra_run in runs:
        run = hydra_run.run
        if not run.trace.writes_to(hydra_run.log):
            fail(
                f"loguru writing {LOG_NAME} inside Hydra's run directory "
                f"(launched with {hydra_run.how})",
                files_written(run),
                _where_detail(hydra_run),
            )


def _where_detail(hydra_run: HydraRun) -> str:
    run = hydra_run.run
    launch = run.result.cwd / LOG_NAME
    if run.trace.writes_to(launch):
        return (
            "the file went to the folder the app was launched from: a relative sink path is "
            "resolved against the working directory, which Hydra leaves alone unless "
            'version_base="1.1"'
        )
    if not run.trace.records and not run.result.ok:
        return "the app stopped before logging: " + run.result.status()
    return ""


def _require_log(hydra_run: HydraRun) -> None:
    if not hydra_run.run.trace.writes_to(hydra_run.log):
        fail(
            f"loguru messages in <run dir>/{LOG_NAME}",
            files_written(hydra_run.run),
            "see the check on where the log file goes",
        )


def check_config_logged(runs: list[HydraRun]) -> None:
    hydra_run = runs[0]
    _require_log(hydra_run)
    run = hydra_run.run
    logged = [r for r in run.trace.records if PROBE_VALUE in r.message]
    if not any(file_evidence(run, hydra_run.log, record) for record in logged):
        stdlib = any(PROBE_VALUE in event.get("message", "") for event in run.trace.stdlib)
        fail(
            f"the composed config, including the override grader_probe={PROBE_VALUE}, "
            f"logged through loguru into {LOG_NAME}",
            "the override's value appears in no loguru message in that file"
            if not logged
            else "a loguru message holds the config but it did not reach that file",
            "the config went through the standard logging module (Hydra's log), not loguru"
            if stdlib
            else "",
        )


def check_levels_in_run_log(runs: list[HydraRun]) -> None:
    hydra_run = runs[0]
    _require_log(hydra_run)
    run = hydra_run.run
    missing = [
        level
        for level in LEVELS
        if not any(file_evidence(run, hydra_run.log, r) for r in run.trace.at_level(level))
    ]
    if missing:
        stdlib_levels = sorted({e["level"] for e in run.trace.stdlib if e["level"] in missing})
        fail(
            f"one loguru message per level ({', '.join(LEVELS)}) in {LOG_NAME}",
            f"no loguru message at {', '.join(missing)} in that file",
            f"{', '.join(stdlib_levels)} came from the standard logging module, which writes "
            "Hydra's own lines in the same file; log them with loguru's logger"
            if stdlib_levels
            else "",
        )
