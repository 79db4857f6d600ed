"""Running one student script: a fresh copy of the exercise folder, limits, capture, clean-up."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import namespaces, process
from . import warm as warm_runs
from .environment import sandbox_environment
from .isolation import Isolation, current
from .output import EventPipe

PROBE = Path(__file__).with_name("probe.py")
_EVENTS_LIMIT = 64 << 20  # bytes of probe events kept per run
_SKIPPED_NAMES = shutil.ignore_patterns("__pycache__", "*.pyc", ".git", "wandb", "outputs")


@dataclass(frozen=True)
class Limits:
    """Per-run limits; an instructor sets them in ``configs/course.toml``."""

    time_s: float = 20.0
    memory_mb: int = 2048
    output_kb: int = 64  # kept from the head, and again from the tail, of each stream
    processes: int = 512  # processes and threads of the run (namespaces only: per run)
    disk_mb: int = 1024  # what the run may write (namespaces only: its tmpfs)

    def rlimits(self) -> dict[str, int]:
        """The run's rlimits by their name in ``resource``."""
        return {
            "RLIMIT_DATA": self.memory_mb << 20,
            "RLIMIT_CORE": 0,
            "RLIMIT_NPROC": self.processes,
            # No file may outgrow the disk cap; in process mode this is the only disk limit.
            "RLIMIT_FSIZE": self.disk_mb << 20,
        }


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
    timed_out: bool
    duration: float
    stdout: str
    stderr: str
    limits: Limits
    isolation: Isolation
    leftovers: int = 0  # processes still running when the main one ended (all killed)
    not_copied: list[str] = field(default_factory=list)  # run files the grader did not take
    signal_name: str | None = None
    warm: bool = False  # forked from the warm template (see warm.py), not a fresh interpreter

    def __post_init__(self) -> None:
        if self.exit_code is not None and self.exit_code < 0:
            try:
                self.signal_name = signal.Signals(-self.exit_code).name
            except ValueError:
                self.signal_name = f"signal {-self.exit_code}"

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
    the root, which is deleted on ``close``. How a run is contained is ``isolation``'s
    business (by default the one chosen for this grading, see ``isolation.py``).
    """

    def __init__(
        self,
        source: Path,
        limits: Limits,
        isolation: Isolation | None = None,
        warm: bool = False,
        nested: bool = False,
    ) -> None:
        self.source = Path(source)
        self.limits = limits
        self.isolation = isolation or current()
        # Runs fork from the warm template (see ``warm.py``) where they can; started now, so
        # that its imports overlap whatever comes before the first run.
        self.template = warm_runs.start(self.isolation) if warm else None
        self.nested = nested  # and so do the `python SCRIPT.py` its runs start (nested.py)
        self.root = Path(tempfile.mkdtemp(prefix="grader-", dir=namespaces.sandbox_parent()))
        self.runs = 0  # runs started so far
        self.warm_runs = 0  # of them, forked from the warm template
        self._count = 0
        self._count_lock = threading.Lock()  # checks start runs from several threads

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def scratch(self, name: str) -> Path:
        """A new empty folder below the sandbox root (a foreign working directory, say);
        pass it to ``run`` as ``cwd`` or in ``writable`` for the run to see it."""
        with self._count_lock:
            self._count += 1
            path = self.root / f"{self._count:02d}-{name}"
        path.mkdir(parents=True)
        return path

    def workspace(self, name: str) -> Path:
        """A scratch folder holding a fresh copy of the exercise folder, for runs that share
        it (``run(..., workdir=...)``): a git repository a script runs in, say."""
        path = self.scratch(name)
        _copy_tree(self.source, path)
        return path

    def run(
        self,
        script: str,
        args: Sequence[str] = (),
        *,
        prepare: Callable[[Path], None] | None = None,
        cwd: Path | None = None,
        workdir: Path | None = None,
        env: dict[str, str] | None = None,
        probe: bool = True,
        stdin: bytes | None = None,
        writable: Sequence[Path] = (),
        serve: Mapping[int, namespaces.Serve] | None = None,
    ) -> RunResult:
        """Run ``python SCRIPT ARGS`` in a fresh copy of the exercise folder.

        ``prepare`` may create files in the copy first; ``cwd`` (e.g. from ``scratch``) starts
        the process in another folder, the script then being given by its absolute path.
        ``workdir`` (from ``scratch``, holding the exercise's files) replaces the fresh copy:
        the run starts in it and what it writes there is kept for the next run.
        ``writable`` names further scratch folders the run may write (all it writes is taken
        back when it ends). ``serve`` maps loopback ports to the grader's servers: in
        namespaces the run's own 127.0.0.1:PORT is handed to ``serve[PORT]``, which accepts
        on it; without them the run reaches the host's 127.0.0.1:PORT.
        """
        base = self.scratch(Path(script).stem)
        with self._count_lock:
            self.runs += 1
        if workdir is None:
            workdir = base / "work"
            _copy_tree(self.source, workdir)
        elif cwd is None:
            cwd = workdir  # the script is then named as in `python SCRIPT` from that folder
        if prepare is not None:
            prepare(workdir)
        home = base / "home"
        home.mkdir()
        events_file = base / "events.jsonl"
        target = str(workdir / script) if cwd and cwd != workdir else script
        cwd = cwd or workdir
        sandbox_id = uuid.uuid4().hex
        environment = sandbox_environment(home, sandbox_id, env)
        events = EventPipe(events_file, _EVENTS_LIMIT)
        probe_path = namespaces.INSIDE / "probe.py" if self.isolation.namespaced else PROBE
        command = [sys.executable, target, *args]
        if probe:
            command[1:1] = [str(probe_path), f"fd:{events.write_fd}"]
        common = {
            "cwd": cwd,
            "env": environment,
            "limits": self.limits,
            "stdin": stdin,
            "events_fd": events.write_fd,
        }
        try:
            if self.isolation.namespaced:
                folders = list(dict.fromkeys([workdir, home, cwd, *writable]))
                where = {"root": self.root, "home": home, "writable": folders, "serve": serve or {}}
                outcome = None
                if probe and self.template and warm_runs.eligible(env):
                    try:
                        outcome = warm_runs.execute(
                            self.template, command, nested=self.nested, **where, **common
                        )
                    except warm_runs.WarmUnavailable:
                        self.template = None  # this run and the next are cold
                if outcome is None:
                    outcome = namespaces.execute(self.isolation.bwrap, command, **where, **common)
            else:
                outcome = process.execute(command, **common)
        finally:
            events.close_write_end()
        events.join(10)
        if outcome.get("warm"):
            with self._count_lock:
                self.warm_runs += 1
        return RunResult(
            workdir=workdir,
            home=home,
            sandbox_root=self.root,
            events_file=events_file,
            limits=self.limits,
            isolation=self.isolation,
            **outcome,
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
        shutil.copytree(source, target, ignore=_skipped, symlinks=False, dirs_exist_ok=True)
    else:
        target.mkdir(parents=True, exist_ok=True)
