"""Finding and killing everything a student run started, even processes that left its group."""

from __future__ import annotations

import os
import select
import signal
import subprocess
from pathlib import Path


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def marked_processes(marker: bytes) -> list[int]:
    """Pids whose environment carries ``marker`` (``NAME=value``): a run's descendants,
    including those that called ``setsid`` to escape the process group."""
    pids = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def kill_marked(marker: bytes) -> list[int]:
    """Kill every process carrying ``marker``; returns the pids that were found."""
    found = marked_processes(marker)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return found


def wait_exit(process: subprocess.Popen, timeout: float) -> bool:
    """Wait for ``process`` to end; False if ``timeout`` passed first.

    ``Popen.wait(timeout)`` polls with sleeps that grow to 50 ms, which would add up to 50 ms
    to every run; a pidfd wakes the moment the process ends.
    """
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux 5.3+: fall back to polling
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if ready:
        process.wait()
    return bool(ready)
