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
# (workers fork, and a forked worker's main thread is the thread that forked it), each module
# loaded and the thread that loaded it; not a mere look-up (importlib.util.find_spec of a
# top-level name, which loads nothing: the template's thread asks so which packages are
# installed). Loads in the main thread are recorded too: they prove the finder sees loads at
# all (it tells one by importlib's frame names, which another Python could rename).
_SPY = """
import json, os, sys, threading
class Spy:
    def find_spec(self, name, path=None, target=None):
        if sys._getframe(2).f_code.co_name == "_find_and_load_unlocked":
            thread = threading.current_thread()
            main = thread is threading.main_thread()
            with open(os.environ["SPY_LOG"], "a") as log:
                log.write(json.dumps([os.getpid(), thread.name, name, main]) + "\\n")
        return None
sys.meta_path.insert(0, Spy())
module = sys.argv.pop(1)
import importlib
sys.exit(importlib.import_module(module).main(sys.argv[1:]))
"""


def _imports_off_the_main_thread(tmp_path: Path, module: str, *args: str) -> list:
    """Modules loaded outside the main thread while ``python -m MODULE ARGS`` ran."""
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
    loads = [json.loads(line) for line in log.read_text().splitlines()]
    assert sum(1 for *_, main in loads if main) > 100, "the finder saw no module loaded"
    return [load[:3] for load in loads if not load[3]]


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
