"""The process sandbox: where namespaces cannot be made, the run gets what a process can.

Its own session and process group, rlimits, an allow-listed environment, a wall-clock limit
that kills the group, and an environment marker that finds descendants that left the group.
It keeps honest code honest; it does not hold against code that attacks the grader (see the
README's "Isolation"): a process that clears its environment and calls setsid survives it.
"""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path

from .environment import MARKER
from .output import ChildStreams
from .reaper import kill_group, kill_marked, wait_exit


def _set_limits(pid: int, rlimits: dict[str, int]) -> None:
    for name, value in rlimits.items():
        if name == "RLIMIT_NPROC":  # per user, not per run, outside a user namespace
            continue
        try:
            resource.prlimit(pid, getattr(resource, name), (value, value))
        except (OSError, ValueError):
            pass


def execute(
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    limits,  # Limits
    stdin: bytes | None,
    events_fd: int,
) -> dict:
    streams = ChildStreams(stdin, limits.output_kb * 1024, None)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=streams.stdin,
        stdout=streams.stdout,
        stderr=streams.stderr,
        pass_fds=(events_fd,),
        start_new_session=True,
    )
    _set_limits(process.pid, limits.rlimits())
    streams.started()
    timed_out = not wait_exit(process, limits.time_s)
    duration = time.monotonic() - started
    # Whatever ended the main process, nothing it started may outlive it.
    kill_group(process.pid)
    leftovers = kill_marked(f"{MARKER}={env[MARKER]}".encode())
    process.wait()
    stdout, stderr = streams.texts()
    return {
        "command": command,
        "cwd": cwd,
        "exit_code": process.returncode,
        "timed_out": timed_out,
        "duration": duration,
        "stdout": stdout,
        "stderr": stderr,
        "leftovers": len(leftovers),
    }
