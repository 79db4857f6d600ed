"""Exercise 11: loguru's extras — ``logger.catch``, a terminal format of one's own, lazy messages.

The script runs twice, in parallel: as ``python my_logger.py`` (the terminal shows INFO and up)
and as ``python my_logger.py --debug`` (DEBUG too). Everything is judged on what loguru did:

* the caught exception is the record that carries it (``record["exception"]``), and its
  traceback is looked for in what that record put on the terminal;
* the format is judged on each terminal line (level name, message, the record's own time of
  day), never on the format string, so ``LOGURU_FORMAT``, ``logger.configure`` or a format
  function all count;
* ``my_project.summary.expensive_summary`` raises an audit event on every call, which the probe
  counts (an audit hook cannot be removed), so a call that loguru skips leaves no trace and a
  call that happens always does.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from grader.checks.loguru_checks import require_clean_exit
from grader.course import Exercise
from grader.judge.failure import fail
from grader.readers.probe_trace import Record, Write
from grader.running import StudentRun, run_script

DEBUG_FLAG = "--debug"
SUMMARY = "expensive_summary()"
# loguru's default format, "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {name}:{function}:{line}
# - {message}", as it reads on the terminal once its colour tags are gone.
_DEFAULT_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \| \S+ *\| \S*:\S*:\d+ - ")


@dataclass(frozen=True)
class ExtrasRuns:
    plain: StudentRun  # python my_logger.py
    debug: StudentRun  # python my_logger.py --debug
    script: str

    def command(self, debug: bool) -> str:
        return f"python {self.script}" + (f" {DEBUG_FLAG}" if debug else "")

    def both(self) -> tuple[tuple[StudentRun, str], ...]:
        return ((self.plain, self.command(False)), (self.debug, self.command(True)))


@pytest.fixture(scope="module")
def runs(sandbox, exercise: Exercise) -> ExtrasRuns:
    with ThreadPoolExecutor(2) as pool:
        plain = pool.submit(run_script, sandbox, exercise.script, *exercise.args)
        debug = pool.submit(run_script, sandbox, exercise.script, *exercise.args, DEBUG_FLAG)
    return ExtrasRuns(plain.result(), debug.result(), exercise.script)


_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?")


def _line(text: str, limit: int = 160) -> str:
    """A terminal line as feedback quotes it: dates and times masked, so that the same
    submission always gets the same feedback."""
    first = text.strip("\n").splitlines()[0] if text.strip() else ""
    first = _TIME.sub("HH:MM:SS", _DATE.sub("YYYY-MM-DD", first))
    return repr(first if len(first) <= limit else first[:limit] + "...")


def _short(text: str, limit: int = 72) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def check_runs_cleanly(runs: ExtrasRuns) -> None:
    for run, command in runs.both():
        require_clean_exit(run, command)


# -- logger.catch -----------------------------------------------------------------------------


def _caught(run: StudentRun) -> list[Record]:
    return [record for record in run.trace.records if record.exception]


def _shows_traceback(write: Write, record: Record) -> bool:
    return "Traceback" in write.text and record.exception["type"] in write.text


def check_catch_logs_error_with_traceback(runs: ExtrasRuns) -> None:
    run = runs.plain
    expected = (
        "an exception caught by loguru and logged at ERROR, its traceback on the terminal, "
        f"in `{runs.command(False)}`"
    )
    caught = _caught(run)
    at_error = [record for record in caught if record.level == "ERROR"]
    if not at_error:
        fail(expected, *_no_caught_error(run, caught))
    for record in at_error:
        if any(_shows_traceback(w, record) for w in run.trace.terminal_writes(record)):
            return
    record = at_error[0]
    error = f"{record.exception['type']} ({_short(record.message)})"
    writes = run.trace.terminal_writes(record)
    if not writes:
        fail(
            expected,
            f"loguru caught {error}, but that ERROR record reached neither stdout nor stderr",
            "no terminal sink accepts ERROR messages: its level is above ERROR, or none was added "
            "after logger.remove()",
        )
    fail(
        expected,
        f"loguru caught {error}, but its terminal output has no traceback: {_line(writes[0].text)}",
        'a format given as a function must end with "{exception}": loguru adds the '
        "traceback by itself only to a format string",
    )


def _no_caught_error(run: StudentRun, caught: list[Record]) -> tuple[str, str]:
    """(seen, detail) when no ERROR record carries an exception."""
    if caught:
        record = caught[0]
        return (
            f"loguru caught {record.exception['type']} but logged it at {record.level}",
            "logger.catch logs at ERROR unless told otherwise: leave out its `level=` argument",
        )
    errors = run.trace.at_level("ERROR")
    if errors:
        return (
            f"ERROR messages without any exception attached, e.g. {_short(errors[0].message)}",
            "logger.error(...) logs only the text you give it, never the traceback: let "
            "logger.catch catch the exception (or call logger.exception(...) inside `except`)",
        )
    if run.trace.exception:
        last = run.result.tidy(run.trace.exception.get("text", "")).strip().splitlines()
        return (
            "the exception was not caught by loguru: it ended the script"
            + (f" ({last[-1]})" if last else ""),
            "",
        )
    return ("no loguru message carried an exception, and none was logged at ERROR", "")


def check_script_goes_on_after_catch(runs: ExtrasRuns) -> None:
    run, command = runs.plain, runs.command(False)
    expected = (
        f"`{command}` to go on after the caught exception: a loguru message logged after the "
        "error, and the script reaching its end with exit code 0"
    )
    records = run.trace.records
    caught = _caught(run)
    anchor = caught[0] if caught else next((r for r in records if r.level == "ERROR"), None)
    if anchor is None:
        uncaught = run.trace.exception
        fail(
            expected,
            "no error was logged through loguru, so going on after one cannot be seen"
            + (f" (an uncaught {uncaught['type']} ended the script)" if uncaught else ""),
        )
    uncaught = run.trace.exception
    if uncaught:
        again = bool(caught) and caught[0].exception["type"] == uncaught.get("type")
        fail(
            expected,
            (
                "the exception went on up after loguru had logged it, and ended the script"
                if again
                else f"after the error was logged, an uncaught {uncaught.get('type')} ended it"
            )
            + "\n"
            + run.crash_report(),
            "logger.catch(reraise=True) logs the exception and raises it again" if again else "",
        )
    if not run.result.ok or not run.trace.finished:
        what = f"loguru logged {caught[0].exception['type']}" if caught else "the error was logged"
        fail(
            expected,
            f"{what}, then the script {run.result.status()} before reaching its end",
            "an `onerror=` callback that exits (or a sys.exit with a code) ends the script "
            "there: let it go on instead",
        )
    later = records[records.index(anchor) + 1 :]
    if not later:
        fail(
            expected,
            f"the error ({_short(anchor.message)}) was the last loguru message: nothing was "
            "logged after it",
            "a wrapped function stops where it raises: when logger.catch wraps the whole "
            "of main(), the rest of main() never runs"
            if caught
            else "",
        )


# -- the terminal format ----------------------------------------------------------------------


def _times_of_day(record: Record) -> set[str]:
    """The record's time as HH:MM:SS (24 h or 12 h clock), local or UTC."""
    try:
        moment = datetime.fromisoformat(str(record.key[0]))
    except (TypeError, ValueError, IndexError):
        return set()
    moments = (moment, moment.astimezone(UTC))
    return {m.strftime(pattern) for m in moments for pattern in ("%H:%M:%S", "%I:%M:%S")}


def _head(write: Write, record: Record) -> str:
    """The record's own line(s) of a terminal write, without a traceback after them."""
    text = write.text
    if record.exception:
        text = text.split("\nTraceback", 1)[0]
    return text.strip("\n")


def _missing_parts(write: Write, record: Record) -> list[str]:
    head = _head(write, record)
    missing = []
    times = _times_of_day(record)
    if times and not any(time in head for time in times):
        missing.append("the time of day (HH:MM:SS)")
    if record.level.lower() not in head.lower():
        missing.append(f"the level name ({record.level})")
    message = record.message.strip().splitlines()[0] if record.message.strip() else ""
    if message and message not in write.text:
        missing.append("the message text")
    return missing


def check_own_terminal_format(runs: ExtrasRuns) -> None:
    expected = (
        "every loguru line on the terminal in a format of your own that shows the time "
        "(HH:MM:SS), the level name and the message"
    )
    shown: list[tuple[Record, Write, str]] = []
    for run, command in runs.both():
        for record in run.trace.records:
            shown += [(record, write, command) for write in run.trace.terminal_writes(record)]
    if not shown:
        fail(
            expected,
            "no loguru message reached stdout or stderr in either run",
            "after logger.remove() there is no sink left: add one for the terminal, e.g. "
            "logger.add(sys.stderr, format=...)",
        )
    default = [(r, w, c) for r, w, c in shown if _DEFAULT_LINE.match(w.text.lstrip("\n"))]
    if default:
        record, write, command = default[0]
        fail(
            expected,
            f"{len(default)} of {len(shown)} terminal lines are in loguru's default format, "
            f"e.g. in `{command}`: {_line(write.text)}",
            "loguru's default sink is still there next to yours: call logger.remove() before "
            "adding your own"
            if len(default) < len(shown)
            else "",
        )
    for record, write, command in shown:
        missing = _missing_parts(write, record)
        if missing:
            fail(
                expected,
                f"in `{command}` {_article(record.level)} {record.level} line lacks "
                f"{' and '.join(missing)}: {_line(_head(write, record))}",
            )


# -- lazy evaluation --------------------------------------------------------------------------


def _calls(run: StudentRun) -> list[dict]:
    return run.trace.summary_calls


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _debug_on_terminal(run: StudentRun) -> list[Record]:
    return [record for record in run.trace.at_level("DEBUG") if run.trace.terminal_writes(record)]


def check_lazy_not_called_when_filtered(runs: ExtrasRuns) -> None:
    plain, debug = runs.plain, runs.debug
    expected = (
        f"{SUMMARY} not called by `{runs.command(False)}`, where DEBUG is not shown "
        f"(and called by `{runs.command(True)}`)"
    )
    calls = _calls(plain)
    if calls:
        shown = _debug_on_terminal(plain)
        results = {call.get("result") for call in calls} - {None}
        eager = [r for r in plain.trace.at_level("DEBUG") if any(x in r.message for x in results)]
        if shown:
            detail = (
                f"without {DEBUG_FLAG} your terminal sink still shows DEBUG messages (e.g. "
                f"{_short(shown[0].message)}), so loguru has to compute the lazy message: "
                f"without {DEBUG_FLAG} the sink's level must be INFO"
            )
        else:
            detail = (
                "the summary was computed before loguru saw the message"
                + (
                    f" (the DEBUG message already held it: {_short(eager[0].message)})"
                    if eager
                    else ""
                )
                + ": an f-string or `expensive_summary()` among the arguments calls the "
                "function first, whatever the level; hand loguru the function itself (no "
                "parentheses) with logger.opt(lazy=True)"
            )
        fail(expected, f"{SUMMARY} was called {_times(len(calls))} without {DEBUG_FLAG}", detail)
    if not _calls(debug):
        fail(
            expected,
            f"{SUMMARY} was called in neither run: a call that never happens shows nothing "
            "about loguru skipping it",
            f"log its result at DEBUG, lazily, and make {DEBUG_FLAG} show DEBUG messages "
            f"(see the next check for what `{runs.command(True)}` did)",
        )


def check_lazy_called_with_debug(runs: ExtrasRuns) -> None:
    run, command = runs.debug, runs.command(True)
    expected = f"`{command}` to call {SUMMARY} and show its result in a DEBUG line on the terminal"
    calls = _calls(run)
    shown = _debug_on_terminal(run)
    if not calls:
        fail(expected, f"{SUMMARY} was never called", _not_called_detail(run, shown))
    results = {call.get("result") for call in calls} - {None}
    for record in shown:
        if any(x in w.text for w in run.trace.terminal_writes(record) for x in results):
            return
    result = next(iter(results), "")
    elsewhere = [r for r in run.trace.records if any(x in r.message for x in results)]
    if elsewhere:
        record = elsewhere[0]
        where = "reached the terminal" if run.trace.terminal_writes(record) else "was not shown"
        seen = f"its result was logged at {record.level} ({where}): {record.message!r}"
        detail = "log it at DEBUG" if record.level != "DEBUG" else "the DEBUG line did not show"
    elif result and result in run.trace.printed_text() + run.trace.printed_text("stderr"):
        seen, detail = "its result was printed with print(), not logged", "log it with loguru"
    else:
        seen = f"it was called {_times(len(calls))}, but no message shows its result"
        detail = "" if run.trace.finished else f"the script ended early: {run.result.status()}"
    fail(expected, seen, detail)


def _not_called_detail(run: StudentRun, shown: list[Record]) -> str:
    if not run.result.ok or run.trace.exception:
        return f"the script did not reach its end ({run.result.status()}), perhaps before the call"
    if not shown:
        return (
            f"no DEBUG message reached the terminal with {DEBUG_FLAG} either: the option must "
            'be read from the command line (argparse\'s action="store_true", or '
            f'`"{DEBUG_FLAG}" in sys.argv`) and decide the terminal sink\'s level'
        )
    functions = [r for r in shown if "<function" in r.message and "expensive_summary" in r.message]
    if functions:
        return (
            f"the function object itself was formatted into the message ({functions[0].message!r}):"
            " loguru calls the arguments only with logger.opt(lazy=True)"
        )
    return ""
