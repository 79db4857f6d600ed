"""A grading imports in one thread only: threads that wait for runs, drain output or serve the
fake W&B server import nothing.

Two threads importing overlapping packages side by side can meet each other's module locks,
and Python then hands one of them a half-imported module: a grading that had read W&B logs
with wandb imported in a thread of its own lost exercise 7 under load ("partially initialized
module 'wandb' has no attribute 'errors'", an internal grader error).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

# Runs the command with a finder first on sys.meta_path that only records, per process
# (workers fork, and a forked worker's main thread is the thread that forked it), each import
# made outside the main thread; not a mere look-up (importlib.util.find_spec of a top-level
# name, which loads nothing: the template's thread asks so which packages are installed).
_SPY = """
import json, os, sys, threading
class Spy:
    def find_spec(self, name, path=None, target=None):
        loading = sys._getframe(2).f_code.co_name == "_find_and_load_unlocked"
        if loading and threading.current_thread() is not threading.main_thread():
            with open(os.environ["SPY_LOG"], "a") as log:
                log.write(json.dumps([os.getpid(), threading.current_thread().name, name]) + "\\n")
        return None
sys.meta_path.insert(0, Spy())
module = sys.argv.pop(1)
import importlib
sys.exit(importlib.import_module(module).main(sys.argv[1:]))
"""


def _imports_off_the_main_thread(tmp_path: Path, module: str, *args: str) -> list:
    log = tmp_path / "imports.jsonl"
    log.touch()
    env = {**os.environ, "SPY_LOG": str(log), "NO_COLOR": "1"}
    process = subprocess.run(
        [sys.executable, "-c", _SPY, module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    return [json.loads(line) for line in log.read_text().splitlines()]


MLFLOW_COURSE = str(ROOT / "configs" / "course-mlflow.toml")


@pytest.mark.parametrize(
    "args",
    [
        ["5"],
        ["1", "7"],
        ["9"],
        ["13"],
        ["17", "--config", MLFLOW_COURSE],
    ],
    ids=[
        "alone-started-early",
        "two-in-forked-workers",
        "online-with-the-fake-server",
        "models-made-while-the-scripts-start",
        "stores-seeded-while-the-scripts-run",
    ],
)
def test_a_grading_imports_only_in_its_main_thread(tmp_path: Path, args: list[str]) -> None:
    seen = _imports_off_the_main_thread(
        tmp_path, "grader.cli", *args, "--submission", str(ROOT / "solutions")
    )
    assert seen == [], "\n".join(map(str, seen))


def test_a_sweep_imports_before_its_runs_threads_start(tmp_path: Path) -> None:
    seen = _imports_off_the_main_thread(
        tmp_path,
        "grader.sweep",
        "exercise8",
        "--runs",
        "2",
        "--jobs",
        "2",
        "--submission",
        str(ROOT / "solutions"),
        "--plot",
        str(tmp_path / "sweep.png"),
    )
    assert seen == [], "\n".join(map(str, seen))
