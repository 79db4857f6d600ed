"""A training run started before pytest has loaded, so that the two overlap.

An exercise whose entry says ``start_early = true`` runs its command once, as its checks'
``training`` fixture would; graded on its own, the command line starts that run first and hands
it to the judge, whose fixtures then take it instead of starting the same run again.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Exercise
from grader.readers.wandb_run import import_reader
from grader.sandbox import Sandbox

from .script import StudentRun, run_script
from .training import TrainingRun, cli, parse_cli, read_training


@dataclass
class EarlyStart:
    """The sandbox of a training run already under way, and the run to come."""

    sandbox: Sandbox
    future: Future[StudentRun]
    args: dict = field(default_factory=dict)

    @classmethod
    def start(cls, exercise: Exercise, folder: Path) -> EarlyStart:
        """Start the run in a thread that only waits for it; this thread goes on importing
        (the W&B reader first, while the run trains), so no two threads import at once."""
        sandbox = Sandbox(folder, exercise.limits, warm=exercise.warm, nested=exercise.warm_nested)
        args = parse_cli(exercise.args)
        pool = ThreadPoolExecutor(1, thread_name_prefix="early-run")
        future = pool.submit(run_script, sandbox, exercise.script, *cli(args))
        pool.shutdown(wait=False)
        import_reader()
        return cls(sandbox, future, args)

    def training(self) -> TrainingRun:
        """The finished run with its W&B runs, read in the calling thread."""
        return read_training(self.future.result(), self.args)

    def close(self) -> None:
        """Wait for the run (never leave it running) and delete what it wrote."""
        self.future.exception()
        self.sandbox.close()
