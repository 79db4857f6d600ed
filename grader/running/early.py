"""A training run started before pytest has loaded, so that the two overlap.

An exercise whose entry says ``start_early = true`` runs its command once, as its checks'
``training`` fixture would; graded on its own, the command line starts that run first and hands
it to the judge, whose fixtures then take it instead of starting the same run again.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.course import Exercise
from grader.sandbox import Sandbox

from .training import TrainingRun, parse_cli, run_training


@dataclass
class EarlyStart:
    """The sandbox of a training run already under way, and the run to come."""

    sandbox: Sandbox
    future: Future[TrainingRun]

    @classmethod
    def start(cls, exercise: Exercise, folder: Path) -> EarlyStart:
        sandbox = Sandbox(folder, exercise.limits, warm=exercise.warm, nested=exercise.warm_nested)
        pool = ThreadPoolExecutor(1, thread_name_prefix="early-run")
        future = pool.submit(run_training, sandbox, exercise.script, parse_cli(exercise.args))
        pool.shutdown(wait=False)
        return cls(sandbox, future)

    def training(self) -> TrainingRun:
        return self.future.result()

    def close(self) -> None:
        """Wait for the run (never leave it running) and delete what it wrote."""
        self.future.exception()
        self.sandbox.close()
