"""Checks shared by the loguru exercises (1-4), judged on what the probe saw loguru do."""

from __future__ import annotations

from pathlib import Path

from grader.judge.failure import fail
from grader.readers.probe_trace import LEVELS, ProbeTrace, Record
from grader.running import StudentRun

LOUD = ("WARNING", "ERROR", "CRITICAL")
QUIET = ("DEBUG", "INFO")


def require_clean_exit(run: StudentRun, command: str | None = None) -> None:
    command = command or f"python {run.script}"
    if not run.result.ok or not run.trace.finished:
        fail(f"`{command}` to run to its end and exit with code 0", run.crash_report())


def require_level(run: StudentRun, level: str) -> list[Record]:
    records = run.trace.at_level(level)
    if not records:
        fail(
            f"at least one message logged through loguru at level {level}",
            _levels_seen(run.trace),
            _diagnose_missing(run, level),
        )
    return records


def require_every_level(run: StudentRun) -> None:
    missing = [level for level in LEVELS if not run.trace.at_level(level)]
    if missing:
        fail(
            "one loguru message at each of " + ", ".join(LEVELS),
            _levels_seen(run.trace) + f"; missing: {', '.join(missing)}",
            _diagnose_missing(run, missing[0]),
        )


def _levels_seen(trace: ProbeTrace) -> str:
    if not trace.records:
        return "no message was logged through loguru at all"
    counts = ", ".join(f"{level} x{len(trace.at_level(level))}" for level in trace.levels())
    return f"loguru messages at: {counts}"


def _diagnose_missing(run: StudentRun, level: str) -> str:
    """Say *why* a level is missing when the run shows it."""
    article = "an" if level[0] in "AEIOU" else "a"
    if run.trace.exception or not run.result.ok or not run.trace.finished:
        return f"the script did not reach its end: {run.result.status()}"
    stdlib = [event for event in run.trace.stdlib if event.get("level") == level]
    if stdlib:
        return (
            f"{article} {level} message went through Python's standard `logging` module "
            f"({stdlib[0]['message']!r}), not through loguru"
        )
    if level == "WARNING" and run.trace.python_warnings:
        warning = run.trace.python_warnings[0]
        return (
            f"warnings.warn(...) raised a Python {warning['category']} "
            f"({warning['message']!r}): the `warnings` module is not loguru"
        )
    if level.lower() in run.trace.printed_text().lower():
        return f"the word {level.lower()!r} was printed with print(), which is not logging"
    return ""


def require_loud_on_terminal(run: StudentRun) -> None:
    hidden = []
    for level in LOUD:
        records = run.trace.at_level(level)
        if not records:
            hidden.append(f"{level} (no {level} message was logged)")
        elif not any(run.trace.reached_terminal(record) for record in records):
            hidden.append(f"{level} ({records[0].message!r} reached neither stdout nor stderr)")
    if hidden:
        fail(
            "WARNING, ERROR and CRITICAL messages on stdout or stderr",
            "missing from the terminal: " + "; ".join(hidden),
            _no_sink_detail(run),
        )


def _no_sink_detail(run: StudentRun) -> str:
    if run.trace.records and not run.trace.terminal and not run.trace.files:
        return "no loguru sink wrote anything: after logger.remove() nothing was added back"
    return ""


def require_quiet_hidden(run: StudentRun) -> None:
    quiet = [record for record in run.trace.records if record.level in QUIET]
    missing = [level for level in QUIET if not run.trace.at_level(level)]
    if missing:
        fail(
            "DEBUG and INFO messages logged, but kept off the terminal",
            f"no {' or '.join(missing)} message was logged, so the filter cannot be seen working",
        )
    shown = [(record, run.trace.reached_terminal(record)) for record in quiet]
    shown = [(record, streams) for record, streams in shown if streams]
    if shown:
        record, streams = shown[0]
        fail(
            "DEBUG and INFO messages kept off stdout and stderr",
            f"{len(shown)} of {len(quiet)} DEBUG/INFO messages reached the terminal, e.g. "
            f"{record.level} {record.message!r} on {' and '.join(streams)}",
            _shown_detail(run, streams),
        )


def _shown_detail(run: StudentRun, streams: list[str]) -> str:
    if "stderr" in streams and any(w.stream == "stdout" for w in run.trace.terminal):
        return (
            "your messages reach both stdout and stderr: loguru's default stderr sink is "
            "still there next to the one you added"
        )
    return ""


def file_evidence(run: StudentRun, path: Path, record: Record) -> bool:
    """``record`` was written by a loguru file sink to ``path`` and is still in that file."""
    writes = [w for w in run.trace.writes_of(record, path) if w.text.strip()]
    if not writes:
        return False
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(w.text.strip().splitlines()[0] in content for w in writes)


def files_written(run: StudentRun) -> str:
    paths = run.trace.file_paths()
    if not paths:
        return "loguru wrote no file at all"
    return "loguru wrote: " + ", ".join(run.result.tidy(path) for path in paths)
