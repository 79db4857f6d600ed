"""Running a student script once and failing a check when it did not run to its end."""

from __future__ import annotations

from dataclasses import dataclass

from grader.judge import fail
from grader.readers.probe_trace import ProbeTrace, Record, read_trace
from grader.sandbox import RunResult, Sandbox


@dataclass
class StudentRun:
    """One run of a student script together with what the probe saw during it."""

    result: RunResult
    trace: ProbeTrace
    script: str

    def on_terminal(self, record: Record) -> list[str]:
        return self.trace.reached_terminal(record)


def run_script(sandbox: Sandbox, script: str, *args: str, **options) -> StudentRun:
    result = sandbox.run(script, args, **options)
    return StudentRun(result, read_trace(result.events_file), script)


def crash_report(run: StudentRun) -> str:
    """How the run ended, with the student's own traceback when there is one."""
    result = run.result
    text = result.status()
    if run.trace.exception:
        text += "\n" + result.tidy(run.trace.exception["text"]).rstrip()
    elif not result.ok and result.stderr.strip():
        text += "\nlast lines of stderr:\n" + _tail(result.tidy(result.stderr), 12)
    elif result.ok and not run.trace.finished:
        text += ", but the script stopped early (os._exit?) before reaching its end"
    return text


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def require_clean_exit(run: StudentRun, command: str | None = None) -> None:
    command = command or f"python {run.script}"
    if not run.result.ok or not run.trace.finished:
        fail(f"`{command}` to run to its end and exit with code 0", crash_report(run))
