"""--watch grades again when a file of the exercise is saved, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT


def _read_until(process: subprocess.Popen, text: str, timeout: float) -> str:
    seen = ""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            chunk = os.read(process.stdout.fileno(), 65536).decode()
            if not chunk:
                break
            seen += chunk
    return seen


def test_watch_regrades_after_a_save(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    shutil.copytree(
        ROOT / "exercises" / "exercise1_log_levels", submission / "exercise1_log_levels"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "1", "--submission", str(submission), "--watch"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        first = _read_until(process, "watching", 60)
        assert "Total: 1/6" in first, first
        time.sleep(0.3)
        shutil.copy(
            ROOT / "solutions" / "exercise1_log_levels" / "my_logger.py",
            submission / "exercise1_log_levels" / "my_logger.py",
        )
        second = _read_until(process, "watching", 60)
        assert "Total: 6/6 (full marks)" in second, second
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
