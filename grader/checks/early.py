"""Starting an exercise's training run before pytest has loaded, so that the two overlap.

Exercises 5-7 run `train.py` once with the standard arguments; when one of them is graded on
its own, the command line starts that run first and the checks' fixtures pick it up. Nothing
else changes: without an early run, the fixtures start the same run themselves.
"""

from __future__ import annotations

import atexit
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from grader.checks.wandb_checks import TrainingRun, run_training
from grader.sandbox import Limits, Sandbox

EXERCISES = ("exercise5_wandb_scalars", "exercise6_wandb_media", "exercise7_wandb_artifact")
_started: dict[Path, tuple[Sandbox, Future]] = {}
_claimed: dict[int, Future] = {}


def start_training(exercise_dir: Path, limits: Limits) -> None:
    sandbox = Sandbox(exercise_dir, limits)
    future = ThreadPoolExecutor(1, thread_name_prefix="early-run").submit(run_training, sandbox)
    _started[exercise_dir.resolve()] = (sandbox, future)


def claim_sandbox(exercise_dir: Path) -> Sandbox | None:
    """The sandbox of an early run for this folder (its run then belongs to the caller)."""
    found = _started.pop(exercise_dir.resolve(), None)
    if found is None:
        return None
    _claimed[id(found[0])] = found[1]
    return found[0]


def training(sandbox: Sandbox) -> TrainingRun:
    """The early run made in ``sandbox`` if there is one, else a run made now."""
    future = _claimed.pop(id(sandbox), None)
    return future.result() if future is not None else run_training(sandbox)


@atexit.register
def _close_unclaimed() -> None:
    for sandbox, future in _started.values():
        future.result()
        sandbox.close()
