"""Exercise 4: loguru writing my_logger_hydra.log into Hydra's run directory.

The app is launched twice, in parallel, from folders that are not the exercise folder: once
with an absolute ``hydra.run.dir`` and once with a relative one. A ``++grader_probe=...``
override must show up in the configuration the app logs, which proves that the *composed*
configuration is logged. Hydra's own job log has the same file name; only lines that the probe
saw loguru write count, so standard-logging lines never pass for loguru's.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from grader.checks.loguru_checks import file_evidence, files_written
from grader.judge.failure import fail
from grader.readers.probe_trace import LEVELS, by_severity
from grader.running import StudentRun, run_script

SCRIPT = "my_logger_hydra.py"
LOG_NAME = "my_logger_hydra.log"
PROBE_VALUE = "grader_probe_7351"
# The probe as a *config* shows it (YAML, dict or JSON), not as the override text `key=value`.
_PROBE_IN_CONFIG = re.compile(r"grader_probe['\"]?\s*:\s*['\"]?" + PROBE_VALUE)


@dataclass
class HydraRun:
    run: StudentRun
    run_dir: Path  # where Hydra was told to put its output, made absolute
    how: str  # the override, as a student would read it

    @property
    def log(self) -> Path:
        return self.run_dir / LOG_NAME


def _launch(sandbox, relative: bool) -> HydraRun:
    cwd = writable = sandbox.scratch("launch-dir")
    if relative:
        run_dir, override = cwd / "runs" / "probe", "hydra.run.dir=runs/probe"
    else:
        writable = sandbox.scratch("hydra-out")
        run_dir = writable / "run"
        override = f"hydra.run.dir={run_dir}"
    options = {"cwd": cwd, "writable": [writable]}
    run = run_script(sandbox, SCRIPT, override, f"++grader_probe={PROBE_VALUE}", **options)
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
                hydra_run.run.crash_report(),
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
    launch = str(run.result.cwd)
    for sink in run.trace.file_sinks:
        if sink["path"].endswith(LOG_NAME) and sink["path"].startswith(launch):
            when = (
                "at import time, before Hydra's job started"
                if sink.get("added_in") == "<module>"
                else f"in {sink.get('added_in') or 'library code'}()"
            )
            return (
                f"the sink's path pointed into the folder the app was launched from "
                f"({run.result.tidy(sink['path'])}); the sink was added {when}, while the "
                f"working directory was {run.result.tidy(sink['cwd'])}. Relative paths, "
                "os.getcwd() and get_original_cwd() all lead there; Hydra's run directory "
                "is another folder"
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


def _own_keys(exercise_dir: Path) -> list[str]:
    """Top-level keys of the student's config.yaml, which the composed config must contain."""
    try:
        data = yaml.safe_load((exercise_dir / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(data, dict):
        return []
    return [str(key) for key in data if key not in ("defaults", "hydra")]


def _shows_config(message: str, keys: list[str]) -> bool:
    return bool(_PROBE_IN_CONFIG.search(message)) and (
        not keys or any(key in message for key in keys)
    )


def check_config_logged(runs: list[HydraRun], exercise_dir: Path) -> None:
    hydra_run = runs[0]
    _require_log(hydra_run)
    run = hydra_run.run
    keys = _own_keys(exercise_dir)
    logged = [r for r in run.trace.records if _shows_config(r.message, keys)]
    if not any(file_evidence(run, hydra_run.log, record) for record in logged):
        mentions = [r for r in run.trace.records if PROBE_VALUE in r.message]
        stdlib = any(PROBE_VALUE in event.get("message", "") for event in run.trace.stdlib)
        if logged:
            seen = "a loguru message holds the config, but it did not reach that file"
        elif mentions:
            seen = f"loguru logged {mentions[0].message[:120]!r}, which is not the config itself"
        else:
            seen = "the override's value appears in no loguru message in that file"
        fail(
            f"the composed config (keys of config.yaml such as {', '.join(keys[:3]) or '…'} "
            f"plus the override grader_probe: {PROBE_VALUE}) logged through loguru into "
            f"{LOG_NAME}",
            seen,
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
        stdlib_levels = by_severity({e["level"] for e in run.trace.stdlib if e["level"] in missing})
        fail(
            f"one loguru message per level ({', '.join(LEVELS)}) in {LOG_NAME}",
            f"no loguru message at {', '.join(missing)} in that file",
            f"{', '.join(stdlib_levels)} came from the standard logging module, which writes "
            "Hydra's own lines in the same file; log them with loguru's logger"
            if stdlib_levels
            else "",
        )
