"""Checks shared by the W&B exercises (5-8), judged on the offline run log wandb wrote.

The training script is run once per exercise with deliberately unusual values, so that a
configuration typed into the script instead of read from the command line shows.
"""

from __future__ import annotations

import math
from pathlib import Path

from grader.judge.failure import fail
from grader.readers.cli_errors import read_complaints
from grader.readers.values import is_number
from grader.readers.wandb_run import WandbRun
from grader.running import TrainingRun

TRAIN_SIZE = 1437  # images in my_project's training set
SCALARS = ("train_loss", "train_accuracy")


def require_finished_process(training: TrainingRun) -> None:
    if not training.result.ok:
        fail(
            f"`{training.command}` to exit with code 0",
            training.crash_report(),
            refused_options(training.result.stderr),
        )


def _same_option(one: str, other: str) -> bool:
    return one != other and one.replace("-", "_") == other.replace("-", "_")


def refused_options(stderr: str) -> str:
    """Why the command line was refused, when train.py's parser said so (argparse, click, typer)."""
    complaints = read_complaints(stderr)
    advice = []
    for unknown in complaints.unknown:
        name = unknown.option
        twins = [o for o in (*unknown.offered, *complaints.declared) if _same_option(o, name)]
        if twins and unknown.offered:
            advice.append(
                f"train.py has no option {name} but has {twins[0]}: typer and click name an "
                "option after its parameter, with hyphens, and the grader passes it as written "
                f'here, like a sweep agent; name it yourself: typer.Option(..., "{name}")'
            )
        elif twins:
            advice.append(
                f"train.py has no option {name} but has {twins[0]}: the grader passes it as "
                f'written here, like a sweep agent; declare add_argument("{name}", ...)'
            )
        else:
            advice.append(f"train.py has no option {name}")
    for invalid in complaints.invalid:
        value = f" '{invalid.value}'" if invalid.value is not None else ""
        advice.append(f"train.py refused the value{value} of {invalid.option}: check its type")
    return "; ".join(advice)


def require_wandb_run(training: TrainingRun) -> WandbRun:
    run = training.wandb
    if run is None:
        seen = "no W&B run was written (no run-*.wandb file)"
        if not training.result.ok:
            seen += "\n" + training.crash_report()
        fail("a W&B run started with wandb.init(...)", seen, "; ".join(training.read_errors))
    if not run.record_counts.get("run"):
        fail(
            "a W&B run written to disk",
            "the run log is empty: the process ended before wandb wrote the run "
            "(os._exit or a kill before run.finish())\n" + training.crash_report(),
        )
    return run


def require_project_and_job_type(run: WandbRun) -> None:
    # "uncategorized" is the project wandb falls back to when none is given.
    if not run.project or run.project == "uncategorized" or run.job_type != "train":
        fail(
            'wandb.init(project=..., job_type="train")',
            f"project {run.project or '(none given)'!r}, job_type {run.job_type or '(none)'!r}",
            "wandb puts runs without a project into 'uncategorized'"
            if run.project == "uncategorized"
            else "",
        )


def _same(seen, wanted) -> bool:
    if isinstance(wanted, float):
        return is_number(seen) and math.isclose(seen, wanted, rel_tol=1e-9)
    return seen == wanted and not isinstance(seen, bool)


def require_config_from_cli(run: WandbRun, args: dict) -> None:
    wrong = {
        name: run.config.get(name, "(missing)")
        for name, wanted in args.items()
        if not _same(run.config.get(name), wanted)
    }
    if wrong:
        given = ", ".join(f"{name}={value}" for name, value in args.items())
        seen = ", ".join(f"{name}={value!r}" for name, value in wrong.items())
        if all(str(value) == str(args[name]) for name, value in wrong.items()):
            detail = "the values are text: give argparse a type (type=float, type=int)"
        elif all(name in run.config for name in wrong):
            detail = (
                "the config keeps the script's defaults: the command line is not read, or not "
                "passed to wandb.init(config=...)"
            )
        else:
            detail = ""
        fail(
            f"the run's config to hold the command-line values {given}",
            f"config has {seen}",
            detail,
        )


def expected_steps(args: dict) -> set[int]:
    """Optimizer steps for the given batch size and epochs (with or without drop_last)."""
    batches = {math.ceil(TRAIN_SIZE / args["batch_size"]), TRAIN_SIZE // args["batch_size"]}
    return {batch * args["epochs"] for batch in batches}


def _batch_size_for(rows: int, epochs: int) -> list[int]:
    return [size for size in range(1, 513) if math.ceil(TRAIN_SIZE / size) * epochs == rows]


def require_scalars_per_step(run: WandbRun, args: dict, stopped: str = "") -> None:
    """``stopped`` says how the process ended when it did not end well."""
    wanted = expected_steps(args)
    counts = {key: len(run.series(key)) for key in SCALARS}
    if all(count in wanted for count in counts.values()):
        return
    steps = " or ".join(str(n) for n in sorted(wanted))
    seen = ", ".join(f"{key} in {count} history rows" for key, count in counts.items())
    detail = ""
    rows = max(counts.values())
    if stopped:
        detail = f"the script stopped after {rows} logged steps: {stopped}"
    elif rows and rows == args["epochs"]:
        detail = "that is one row per epoch: log inside the batch loop, after optimizer.step()"
    elif rows and (sizes := _batch_size_for(rows, args["epochs"])):
        detail = (
            f"{rows} rows is what batches of {sizes[0]} give: is the DataLoader built with the "
            "batch_size from the command line?"
        )
    fail(
        f"train_loss and train_accuracy logged at every optimizer step: {steps} rows for "
        f"{TRAIN_SIZE} images, batch_size={args['batch_size']}, epochs={args['epochs']}",
        seen,
        detail,
    )


def require_accuracy_fraction(run: WandbRun) -> None:
    values = [value for _, value in run.series("train_accuracy")]
    if not values:
        fail("train_accuracy values between 0 and 1", "no train_accuracy was logged")
    bad = [v for v in values if not is_number(v) or not 0 <= v <= 1]
    if bad:
        fail(
            "train_accuracy as a fraction between 0 and 1",
            f"{len(bad)} of {len(values)} values outside [0, 1], e.g. {bad[0]!r}",
            "a value above 1 looks like a percentage or a count of correct images: divide "
            "by the batch size"
            if is_number(bad[0]) and bad[0] > 1
            else "",
        )


def require_clean_finish(training: TrainingRun, run: WandbRun) -> None:
    if run.exit_code != 0:
        seen = (
            "the run log has no exit record: the process ended before wandb could finish "
            "(os._exit, a kill, or a crash in wandb itself)"
            if run.exit_code is None
            else f"the run finished with exit code {run.exit_code}"
        )
        if not training.result.ok:
            seen += "\n" + training.crash_report()
        fail("the W&B run to finish cleanly (exit code 0 in the run log)", seen)


def require_exercise5(training: TrainingRun) -> WandbRun:
    """Everything exercise 5 asks, as one requirement (exercises 6-8 build on it)."""
    run = require_wandb_run(training)
    require_project_and_job_type(run)
    require_config_from_cli(run, training.args)
    require_scalars_per_step(run, training.args, stopped_early(training))
    require_accuracy_fraction(run)
    return run


def stopped_early(training: TrainingRun) -> str:
    """How the process ended, when it did not end well ("" otherwise)."""
    return "" if training.result.ok else training.result.status()


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG file, from its header (None if it is not a PNG)."""
    try:
        header = path.read_bytes()[:24]
    except OSError:
        return None
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
