"""Exercise 5: a training run logged to W&B: project, job type, config, per-step scalars."""

from __future__ import annotations

from grader.checks.wandb_checks import (
    require_accuracy_fraction,
    require_clean_finish,
    require_config_from_cli,
    require_finished_process,
    require_project_and_job_type,
    require_scalars_per_step,
    require_wandb_run,
    stopped_early,
)
from grader.running import TrainingRun


def check_runs_cleanly(training: TrainingRun) -> None:
    require_finished_process(training)


def check_project_and_job_type(training: TrainingRun) -> None:
    require_project_and_job_type(require_wandb_run(training))


def check_config_from_cli(training: TrainingRun) -> None:
    require_config_from_cli(require_wandb_run(training), training.args)


def check_scalars_every_step(training: TrainingRun) -> None:
    require_scalars_per_step(require_wandb_run(training), training.args, stopped_early(training))


def check_accuracy_is_fraction(training: TrainingRun) -> None:
    require_accuracy_fraction(require_wandb_run(training))


def check_finishes_cleanly(training: TrainingRun) -> None:
    require_clean_finish(training, require_wandb_run(training))
