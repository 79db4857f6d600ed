"""Finding and killing everything a student run started, even processes that left its group."""

from __future__ import annotations

import os
import signal
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
