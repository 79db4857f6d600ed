"""Exercise 8: a W&B sweep configuration (configs/sweep.yaml) for the student's own train.py.

The file is judged as W&B reads it (schema, min < max, grid, run_cap, program), its learning
rate is sampled as W&B samples it, and train.py is run once, offline, with one configuration
drawn from the sweep and passed as the agent passes it (``--name=value``), with epochs at the
smallest value the sweep allows so the run stays short. That run shows whether train.py accepts
every parameter and logs the metric the sweep optimises.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from grader.checks.sweep_wording import SWEEP_PATH, learning_rate_report, load_sweep
from grader.checks.wandb_checks import require_config_from_cli, require_wandb_run
from grader.judge.failure import fail
from grader.readers.cli_errors import read_complaints
from grader.readers.sweep import (
    GRID,
    METHOD_METRIC,
    PARAMETERS,
    PROGRAM,
    RUN_CAP,
    SCHEMA,
    Problem,
    SweepFile,
    find_metric,
    is_learning_rate,
    nest,
    sample_parameter,
    smallest_value,
)
from grader.readers.values import did_you_mean, is_number
from grader.readers.wandb_run import WandbRun
from grader.running import TrainingRun, run_training

SEED = 0  # grading is deterministic: the same sweep always gives the same configuration
LR_RANGE = (1e-6, 1.0)
_W_AND_B_KEYS = frozenset({"_step", "_runtime", "_timestamp", "_wandb"})


@pytest.fixture(scope="module")
def sweep(exercise_dir) -> SweepFile:
    return load_sweep(exercise_dir / SWEEP_PATH, SWEEP_PATH, base=exercise_dir)


def _listing(problems: list[Problem]) -> str:
    ordered = sorted(problems, key=lambda problem: problem.line or 0)  # read top to bottom
    return "\n".join(str(problem) for problem in ordered)


def _require_clean(sweep: SweepFile, expected: str, *topics: str) -> None:
    problems = sweep.about(*topics)
    if problems:
        fail(expected, _listing(problems))


def check_yaml_valid_schema(sweep: SweepFile) -> None:
    _require_clean(
        sweep,
        f"{SWEEP_PATH} to be valid YAML holding only W&B sweep keys (program, method, metric, "
        "parameters, run_cap, name, description, project, entity, command, early_terminate), "
        "each once",
        SCHEMA,
    )


def check_metric_and_method(sweep: SweepFile) -> None:
    _require_clean(
        sweep,
        "`method:` random, grid or bayes, and `metric:` with a `name:` and a `goal:` "
        "(minimize or maximize) that suits it",
        METHOD_METRIC,
    )


def check_parameters_well_defined(sweep: SweepFile) -> None:
    _require_clean(
        sweep,
        "`parameters:` with each parameter defined by exactly one of `value`, `values` "
        "(a non-empty list) or a `distribution` with its own keys, and min < max",
        PARAMETERS,
    )


def check_learning_rate_range(sweep: SweepFile) -> None:
    low, high = LR_RANGE
    expected = (
        f"every learning rate W&B draws from the sweep (1,000 draws of the parameter named "
        f"lr / learning_rate) between {low:g} and {high:g}"
    )
    _require_clean(sweep, expected)
    report = learning_rate_report(sweep, low, high, samples=1000, seed=SEED)
    if report.problems:
        fail(expected, _listing(report.problems), "\n".join(report.details))


def check_grid_finite(sweep: SweepFile) -> None:
    _require_clean(
        sweep,
        "with `method: grid`, only parameters with a finite set of values (values, value, "
        "int_uniform or q_uniform)",
        GRID,
    )


def check_run_cap_positive(sweep: SweepFile) -> None:
    _require_clean(sweep, "`run_cap:` a whole number of runs, 1 or more", RUN_CAP)


def check_program_exists(sweep: SweepFile) -> None:
    _require_clean(
        sweep,
        "`program:` naming train.py, relative to the exercise folder where `wandb agent` runs",
        PROGRAM,
    )


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """The configuration train.py is run with, and what was changed or left out."""

    args: dict[str, Any]
    shortened: dict[str, Any] = field(default_factory=dict)  # epochs-like, set to their minimum
    left_out: list[str] = field(default_factory=list)

    def describe(self) -> str:
        notes = []
        if self.shortened:
            names = ", ".join(self.shortened)
            notes.append(f"{names} set to the smallest value the sweep allows, to keep it short")
        if self.left_out:
            notes.append(
                f"left out {', '.join(self.left_out)}: no value can be drawn from "
                "its definition (see the parameters check)"
            )
        return f" ({'; '.join(notes)})" if notes else ""


def plan_run(sweep: SweepFile, seed: int = SEED) -> Plan:
    """One configuration drawn from the sweep as W&B would, epochs at their smallest value."""
    problems = sweep.about()
    if problems:
        fail(f"a readable {SWEEP_PATH} to draw a configuration from", _listing(problems))
    if not sweep.parameters:
        fail(
            f"parameters in {SWEEP_PATH} to run train.py with",
            f"{SWEEP_PATH} defines no parameters, so there is nothing to pass to train.py",
        )
    rng = random.Random(seed)
    values: dict[tuple[str, ...], Any] = {}
    plan = Plan({})
    for parameter in sweep.parameters:
        if parameter.kind is None:
            plan.left_out.append(parameter.name)
            continue
        value = sample_parameter(parameter, rng)
        if "epoch" in parameter.leaf.lower():
            smallest = smallest_value(parameter)
            if smallest is not None and smallest != value:
                value = smallest
                plan.shortened[parameter.name] = value
        values[parameter.path] = value
    if not values:
        fail(
            f"a parameter in {SWEEP_PATH} that W&B can draw a value from",
            f"none of {', '.join(plan.left_out)} has a usable definition "
            "(see the parameters check)",
        )
    plan.args = nest(values)
    return plan


@pytest.fixture(scope="module")
def plan(sweep: SweepFile) -> Plan:
    return plan_run(sweep)


@pytest.fixture(scope="module")
def sweep_run(sandbox, exercise, plan: Plan) -> TrainingRun:
    return run_training(sandbox, exercise.script, plan.args)


def _diagnose_rejection(stderr: str) -> str:
    """What train.py's parser refused, turned into advice on the sweep's parameter names or
    types (argparse, click and typer word it each their own way)."""
    complaints = read_complaints(stderr)
    advice = []
    for unknown in complaints.unknown:
        name = unknown.option
        guess = next(iter(unknown.offered), None) or did_you_mean(
            name, complaints.declared, cutoff=0.5
        )
        if not guess and is_learning_rate(name):
            guess = next((o for o in complaints.declared if is_learning_rate(o)), None)
        if guess:
            advice.append(
                f"train.py has no option {name} but has {guess}: name the sweep "
                f"parameter `{guess.lstrip('-')}` (the agent passes each parameter as "
                f"--<name>=<value>, with the parameter's exact name)"
            )
        else:
            advice.append(
                f"train.py has no option {name}: add it to its argument parser, or drop "
                "the parameter from the sweep"
            )
    for invalid in complaints.invalid:
        value = f"'{invalid.value}'" if invalid.value is not None else "a value"
        kind = f"a valid {invalid.kind}" if invalid.kind else "of the option's type"
        advice.append(
            f"{invalid.option} got {value}, which is not {kind}: the agent passes the value "
            "exactly as W&B drew it, so the parameter's definition must give values of the "
            f"option's type (for a whole number use values: [...] or int_uniform)"
        )
    return "\n".join(advice)


def check_params_accepted_by_train(sweep_run: TrainingRun, plan: Plan) -> None:
    expected = (
        f"`{sweep_run.command}` to run with exit code 0, with every sweep parameter in the "
        f"run's config{plan.describe()}"
    )
    if not sweep_run.result.ok:
        fail(expected, sweep_run.crash_report(), _diagnose_rejection(sweep_run.result.stderr))
    run = require_wandb_run(sweep_run)
    require_config_from_cli(run, sweep_run.args)


def _logged_keys(run: WandbRun) -> list[str]:
    keys: dict[str, None] = {}
    for row in [*run.history, run.summary]:
        keys.update((key, None) for key in row if key not in _W_AND_B_KEYS)
    return list(keys)


def check_metric_logged(request: pytest.FixtureRequest, sweep: SweepFile) -> None:
    _require_clean(sweep, f"a readable {SWEEP_PATH} with metric.name")
    name = sweep.metric_name
    if name is None:
        fail(
            "metric.name in the sweep, logged by train.py",
            f"{SWEEP_PATH} names no metric (see the method and metric check)",
        )
    expected = f"train.py to log `{name}` (the sweep's metric.name) with wandb.log"
    training: TrainingRun = request.getfixturevalue("sweep_run")
    run = training.wandb
    if run is None and not training.result.ok:
        fail(
            expected,
            f"`{training.command}` {training.result.status()} before any W&B run was "
            "written, so nothing it logs can be seen (the check on sweep parameters shows why)",
        )
    if run is None:
        fail(expected, f"no W&B run was written by `{training.command}` (no wandb.init?)")
    found = []
    for row in run.history:
        hit, value = find_metric(row, name)
        if hit:
            found.append(value)
    in_summary, summary_value = find_metric(run.summary, name)
    numbers = [value for value in found if is_number(value)]
    if numbers or (in_summary and is_number(summary_value)):
        return
    if found or in_summary:
        shown = found[-1] if found else summary_value
        fail(
            expected,
            f"`{name}` was logged, but as {shown!r}, not a number",
            "log a float, e.g. `loss.item()`: a sweep can only optimise a number",
        )
    keys = _logged_keys(run)
    seen = f"the run logged {', '.join(f'`{k}`' for k in keys) or 'nothing'}"
    if not training.result.ok:
        seen += f"; it stopped early: {training.result.status()} (see the check on parameters)"
    guess = did_you_mean(name, keys, cutoff=0.6)
    detail = (
        f"`{guess}` is logged: metric.name must be spelt exactly as the key in wandb.log"
        if guess
        else ""
    )
    fail(expected, seen, detail)
