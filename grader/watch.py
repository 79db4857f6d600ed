"""``--watch``: grade again whenever a file of the watched exercises is saved (like rustlings)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .course import Exercise
from .submission import Submission

_POLL_S = 0.5  # polling needs no extra package and is cheap for a handful of files


def _snapshot(folders: list[Path]) -> dict[str, tuple[float, int]]:
    state = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


def watch(submission: Submission, exercises: list[Exercise], argv: list[str]) -> int:
    """Grade now, then again after every change; Ctrl-C stops. Each grading is a fresh
    process of the grader (the environment is reused; nothing is reinstalled)."""
    folders = [submission.root / e.name for e in exercises]
    command = [sys.executable, "-m", "grader", *argv]
    names = ", ".join(e.name for e in exercises)
    try:
        while True:
            before = _snapshot(folders)
            if sys.stdout.isatty():
                sys.stdout.write("\033[2J\033[H")
            subprocess.run(command, check=False)
            print(f"\nwatching {names} for changes (Ctrl-C to stop)…", flush=True)
            while _snapshot(folders) == before:
                time.sleep(_POLL_S)
            time.sleep(_POLL_S)  # let an editor finish writing
    except KeyboardInterrupt:
        print()
        return 0
