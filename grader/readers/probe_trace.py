"""Reads the probe's event file: loguru records and where each was written, prints, prompts,
calls of the course's ``expensive_summary``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A file sink on one of these paths writes to the terminal.
TERMINAL_FILES = frozenset(
    (
        "/dev/stdout",
        "/dev/stderr",
        "/dev/tty",
        "/dev/fd/1",
        "/dev/fd/2",
        "/proc/self/fd/1",
        "/proc/self/fd/2",
    )
)


@dataclass(frozen=True)
class Record:
    key: tuple
    level: str
    no: int
    message: str
    function: str
    line: int
    exception: dict | None = None  # the exception it carries: {"type": ..., "value": ...}


@dataclass(frozen=True)
class FileWrite:
    key: tuple | None
    path: str
    size_before: int | None
    length: int
    rotated: bool
    text: str


@dataclass(frozen=True)
class Write:
    key: tuple | None
    stream: str
    text: str


@dataclass
class ProbeTrace:
    """Everything the probe saw during one run of a student script."""

    records: list[Record] = field(default_factory=list)
    terminal: list[Write] = field(default_factory=list)  # loguru's share of stdout/stderr
    plain: list[Write] = field(default_factory=list)  # everything else printed (first 64 KB)
    files: list[FileWrite] = field(default_factory=list)
    stdlib: list[dict] = field(default_factory=list)  # records of the standard logging module
    python_warnings: list[dict] = field(default_factory=list)  # warnings.warn(...) shown
    file_sinks: list[dict] = field(default_factory=list)  # loguru file sinks: path, cwd at add
    prompts: list[dict] = field(default_factory=list)  # input()/getpass() calls
    summary_calls: list[dict] = field(default_factory=list)  # my_project's expensive_summary()
    exception: dict | None = None
    finished: bool = False  # the script returned or called sys.exit(0) (no crash, no os._exit)
    probe_errors: list[str] = field(default_factory=list)

    def at_level(self, level: str) -> list[Record]:
        return [record for record in self.records if record.level == level]

    def levels(self) -> list[str]:
        return by_severity({r.level for r in self.records})

    def reached_terminal(self, record: Record) -> list[str]:
        """Names of the streams (stdout/stderr, or a terminal device) that showed ``record``."""
        streams = {w.stream for w in self.terminal if _matches(w, record) and w.text.strip()}
        if any(w.path in TERMINAL_FILES and _matches(w, record) for w in self.files):
            streams.add("terminal device")
        return sorted(streams)

    def terminal_writes(self, record: Record) -> list[Write]:
        """What loguru's sinks wrote to stdout/stderr for ``record``, one entry per write."""
        return [w for w in self.terminal if _matches(w, record) and w.text.strip()]

    def file_paths(self) -> list[str]:
        """Every file a loguru file sink wrote, in order of first write."""
        return list(dict.fromkeys(write.path for write in self.files))

    def writes_to(self, path: Path | str) -> list[FileWrite]:
        wanted = os.path.realpath(path)
        return [w for w in self.files if os.path.realpath(w.path) == wanted]

    def writes_of(self, record: Record, path: Path | str) -> list[FileWrite]:
        return [write for write in self.writes_to(path) if _matches(write, record)]

    def printed_text(self, stream: str = "stdout") -> str:
        """Text printed outside loguru on ``stream`` (the first 64 KB)."""
        return "".join(write.text for write in self.plain if write.stream == stream)


def by_severity(levels) -> list[str]:
    """Level names from DEBUG to CRITICAL, others (SUCCESS, TRACE, custom) after them."""
    return sorted(levels, key=lambda name: (LEVELS.index(name) if name in LEVELS else 99, name))


def _matches(write: Write | FileWrite, record: Record) -> bool:
    if write.key is not None:
        return write.key == record.key
    # A write whose record was lost on the way (e.g. an ``enqueue=True`` sink): match by text.
    first_line = record.message.splitlines()[0] if record.message else ""
    return bool(first_line) and first_line in write.text


def read_trace(events_file: Path) -> ProbeTrace:
    """Parse the probe's JSON-lines file; a missing or damaged file gives what could be read."""
    trace = ProbeTrace()
    try:
        raw = events_file.read_bytes()
    except OSError:
        return trace
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        _add(trace, event)
    return trace


def _key(value) -> tuple | None:
    return tuple(value) if value is not None else None


def _add(trace: ProbeTrace, event: dict) -> None:
    kind = event.get("kind")
    if kind == "record":
        trace.records.append(
            Record(
                key=_key(event["key"]),
                level=event["level"],
                no=event["no"],
                message=event["message"],
                function=event.get("function", ""),
                line=event.get("line", 0),
                exception=event.get("exception"),
            )
        )
    elif kind == "terminal":
        trace.terminal.append(Write(_key(event["key"]), event["stream"], event["text"]))
    elif kind == "plain":
        trace.plain.append(Write(None, event["stream"], event["text"]))
    elif kind == "file":
        trace.files.append(
            FileWrite(
                key=_key(event.get("key")),
                path=event["path"],
                size_before=event.get("size_before"),
                length=event.get("length", 0),
                rotated=bool(event.get("rotated")),
                text=event.get("text", ""),
            )
        )
    elif kind == "stdlib":
        trace.stdlib.append(event)
    elif kind == "pywarning":
        trace.python_warnings.append(event)
    elif kind == "prompt":
        trace.prompts.append(event)
    elif kind == "summary_call":
        trace.summary_calls.append(event)
    elif kind == "file_sink":
        trace.file_sinks.append(event)
    elif kind == "exception":
        trace.exception = event
    elif kind == "end" or (kind == "exit" and event.get("code") == 0):
        trace.finished = True  # sys.exit(0) (or sys.exit()) is a normal end too
    elif kind == "probe_error":
        trace.probe_errors.append(event.get("text", ""))
