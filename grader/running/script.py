"""One run of a student script, together with what the probe saw during it."""

from __future__ import annotations

from dataclasses import dataclass

from grader.readers.probe_trace import ProbeTrace, read_trace
from grader.sandbox import RunResult, Sandbox


class ProbeFailed(RuntimeError):
    """The grader's probe broke inside a run (an unsupported loguru, say): the grader's fault,
    reported as a grader error, never as the student's."""


@dataclass
class StudentRun:
    """One run of a student script together with what the probe saw during it."""

    result: RunResult
    trace: ProbeTrace
    script: str

    def crash_report(self) -> str:
        """How the run ended, with the student's own traceback when there is one."""
        result = self.result
        text = result.status()
        if self.trace.exception:
            text += "\n" + result.tidy(self.trace.exception["text"]).rstrip()
        elif not result.ok and result.stderr.strip():
            text += "\nlast lines of stderr:\n" + _tail(result.tidy(result.stderr), 12)
        elif result.ok and not self.trace.finished:
            text += ", but the script stopped early (os._exit?) before reaching its end"
        return text


def run_script(sandbox: Sandbox, script: str, *args: str, **options) -> StudentRun:
    """Run ``python SCRIPT ARGS`` in ``sandbox`` (options as for ``Sandbox.run``)."""
    result = sandbox.run(script, args, **options)
    trace = read_trace(result.events_file)
    if trace.probe_errors:
        raise ProbeFailed(
            f"the grader's probe failed in `python {script}`: {trace.probe_errors[0]}"
        )
    return StudentRun(result, trace, script)


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
