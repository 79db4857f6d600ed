"""Running one student script: a fresh copy of the exercise folder, limits, capture, clean-up."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .environment import MARKER, sandbox_environment
from .output import CappedStream
from .reaper import kill_group, kill_marked

PROBE = Path(__file__).with_name("probe.py")
_SKIPPED_NAMES = shutil.ignore_patterns("__pycache__", "*.pyc", ".git", "wandb", "outputs")


@dataclass(frozen=True)
class Limits:
    """Per-run limits; an instructor sets them in ``configs/course.toml``."""

    time_s: float = 20.0
    memory_mb: int = 2048
    output_kb: int = 64  # kept from the head, and again from the tail, of each stream


@dataclass
class RunResult:
    """What one run of student code did, with every path needed to inspect what it wrote."""

    command: list[str]
    workdir: Path  # the temporary copy of the exercise folder
    cwd: Path  # where the process was started
    home: Path  # its HOME (W&B directories live below it)
    sandbox_root: Path  # every folder of this grading session lives below it
    events_file: Path
    exit_code: int | None
    signal_name: str | None
    timed_out: bool
    duration: float
    stdout: str
    stderr: str
    limits: Limits
    leftovers: list[int] = field(default_factory=list)

    @property
    def out_of_memory(self) -> bool:
        return "MemoryError" in self.stderr or "Cannot allocate memory" in self.stderr

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def status(self) -> str:
        """How the run ended, in words."""
        if self.timed_out:
            return f"time limit of {self.limits.time_s:g} s exceeded (the process was stopped)"
        if self.out_of_memory:
            return f"ran out of memory (limit {self.limits.memory_mb} MB)"
        if self.signal_name:
            return f"was killed by signal {self.signal_name}"
        if self.exit_code == 0:
            return "exited normally (code 0)"
        return f"exited with code {self.exit_code}"

    def tidy(self, text: str) -> str:
        """Replace temporary paths, which change on every run, by stable names."""
        names = ((self.workdir, "."), (self.cwd, "<cwd>"), (self.home, "~"))
        for path, name in (*names, (self.sandbox_root, "<sandbox>")):
            text = text.replace(str(path) + os.sep, "" if name == "." else name + os.sep)
            text = text.replace(str(path), name)
        return text


class Sandbox:
    """A temporary root under which each run gets its own copy of the exercise folder.

    The student's folder is only ever read (copied); everything a run writes stays below
    the root, which is deleted on ``close``.
    """

    def __init__(self, source: Path, limits: Limits) -> None:
        self.source = Path(source)
        self.limits = limits
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self._count = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def scratch(self, name: str) -> Path:
        """A new empty folder below the sandbox root (a foreign working directory, say)."""
        return self._new_dir(name)

    def _new_dir(self, name: str) -> Path:
        self._count += 1
        path = self.root / f"{self._count:02d}-{name}"
        path.mkdir(parents=True)
        return path

    def run(
        self,
        script: str,
        args: Sequence[str] = (),
        *,
        prepare: Callable[[Path], None] | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        probe: bool = True,
        stdin: bytes | None = None,
    ) -> RunResult:
        """Run ``python SCRIPT ARGS`` in a fresh copy of the exercise folder.

        ``prepare`` may create files in the copy first; ``cwd`` (e.g. from ``scratch``) starts
        the process in another folder, the script then being given by its absolute path.
        """
        base = self._new_dir(Path(script).stem)
        workdir = base / "work"
        _copy_tree(self.source, workdir)
        if prepare is not None:
            prepare(workdir)
        home = base / "home"
        home.mkdir()
        events = base / "events.jsonl"
        target = str(workdir / script) if cwd else script
        cwd = cwd or workdir
        command = (
            [sys.executable, str(PROBE), str(events), target, *args]
            if probe
            else [sys.executable, target, *args]
        )
        sandbox_id = uuid.uuid4().hex
        environment = sandbox_environment(home, sandbox_id, env)
        outcome = _execute(command, cwd, environment, sandbox_id, self.limits, stdin)
        return RunResult(
            workdir=workdir, home=home, sandbox_root=self.root, events_file=events, **outcome
        )


def _skipped(folder: str, names: list[str]) -> set[str]:
    """Names not copied: caches, old run outputs, linked folders (a link to / would copy the
    whole disk) and anything that is not a plain file or folder (a FIFO would block)."""
    skipped = set(_SKIPPED_NAMES(folder, names))
    for name in names:
        path = os.path.join(folder, name)
        linked_folder = os.path.islink(path) and os.path.isdir(path)
        if linked_folder or not (os.path.isfile(path) or os.path.isdir(path)):
            skipped.add(name)
    return skipped


def _copy_tree(source: Path, target: Path) -> None:
    """Copy the exercise folder. Linked files are copied as files, so that nothing a run
    writes can reach the student's folder through a link."""
    if source.is_dir():
        shutil.copytree(source, target, ignore=_skipped, symlinks=False)
    else:
        target.mkdir(parents=True)


def _set_limits(pid: int, limits: Limits) -> None:
    data = limits.memory_mb * 1024 * 1024
    for name, value in ((resource.RLIMIT_DATA, data), (resource.RLIMIT_CORE, 0)):
        try:
            resource.prlimit(pid, name, (value, value))
        except (OSError, ValueError):
            pass


def _execute(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    sandbox_id: str,
    limits: Limits,
    stdin: bytes | None,
) -> dict:
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _set_limits(process.pid, limits)
    keep = limits.output_kb * 1024
    out = CappedStream(process.stdout, keep, keep)
    err = CappedStream(process.stderr, keep, keep)
    if stdin is not None:
        try:
            process.stdin.write(stdin)
        except OSError:
            pass
        process.stdin.close()
    timed_out = False
    try:
        process.wait(timeout=limits.time_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    duration = time.monotonic() - started
    # Whatever ended the main process, nothing it started may outlive it.
    kill_group(process.pid)
    leftovers = kill_marked(f"{MARKER}={sandbox_id}".encode())
    process.wait()
    out.join(5)
    err.join(5)
    code = process.returncode
    signal_name = None
    if code is not None and code < 0:
        signal_name = signal.Signals(-code).name
    return {
        "command": command,
        "cwd": cwd,
        "exit_code": code,
        "signal_name": signal_name,
        "timed_out": timed_out,
        "duration": duration,
        "stdout": out.text(),
        "stderr": err.text(),
        "limits": limits,
        "leftovers": leftovers,
    }
