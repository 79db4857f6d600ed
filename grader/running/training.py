"""A run of a training script offline, with every W&B run it wrote read back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from grader.readers.wandb_run import (
    WandbLogError,
    WandbRun,
    find_run_logs,
    read_run,
)
from grader.sandbox import Sandbox
from grader.sandbox.environment import wandb_runs_dir

from .script import StudentRun, run_script


def cli(values: dict) -> list[str]:
    """The ``--name=value`` form a sweep agent uses."""
    return [f"--{name}={value}" for name, value in values.items()]


def parse_cli(args: Sequence[str]) -> dict:
    """``--name=value`` options back into values: whole numbers, then real numbers, else text
    (the inverse of ``cli`` for the values a course entry gives)."""
    values: dict = {}
    for arg in args:
        name, _, text = arg.removeprefix("--").partition("=")
        values[name] = _number(text)
    return values


def _number(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@dataclass
class TrainingRun(StudentRun):
    """A run of train.py plus every W&B run it wrote."""

    runs: list[WandbRun] = field(default_factory=list)
    read_errors: list[str] = field(default_factory=list)
    args: dict = field(default_factory=dict)

    @property
    def command(self) -> str:
        return f"python {self.script} {' '.join(cli(self.args))}"

    @property
    def wandb(self) -> WandbRun | None:
        """The training run: the one with job_type "train", else the one with most history."""
        if not self.runs:
            return None
        trains = [run for run in self.runs if run.job_type == "train"]
        return max(trains or self.runs, key=lambda run: len(run.history))


def run_training(sandbox: Sandbox, script: str, args: dict, **options) -> TrainingRun:
    """Run ``python SCRIPT --name=value ...`` offline and read the W&B runs it wrote."""
    return read_training(run_script(sandbox, script, *cli(args), **options), args)


def read_training(student: StudentRun, args: dict) -> TrainingRun:
    """The W&B runs a finished run of ``python SCRIPT --name=value ...`` wrote, read back."""
    runs, errors = [], []
    for path in find_run_logs(wandb_runs_dir(student.result.home)):
        try:
            runs.append(read_run(path))
        except WandbLogError as error:
            errors.append(f"{path.name}: {error}")
    return TrainingRun(student.result, student.trace, student.script, runs, errors, dict(args))
