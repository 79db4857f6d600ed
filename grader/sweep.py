"""Try a sweep locally: ``python -m grader.sweep exercise8 --runs N`` (also ``nox -s sweep``).

Draws N configurations from the exercise's ``configs/sweep.yaml`` as W&B would (``random`` and
``grid``; ``bayes`` needs W&B's server, so it is drawn at random and said so), runs ``train.py``
once per configuration in the grader's sandbox, offline (nothing leaves the machine), reads the
sweep's metric from each run's log (its last logged value), prints a table best first and saves
a plot of the metric against each parameter.

Exit status: 0 when at least one run logged the metric, 1 when none did or the sweep cannot be
sampled, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cli import OneLineParser, add_submission_argument
from .course import Exercise, UsageError, load_course
from .readers.sweep import SweepFile, find_metric, read_sweep, sample_configs, sampleable
from .readers.values import is_number

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class SweepRun:
    """One configuration of the sweep and what its run of train.py gave."""

    index: int
    config: dict[str, Any]
    metric: float | None = None
    status: str = "not run"
    seconds: float = 0.0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m grader.sweep",
        description="Run a W&B sweep locally and offline: sample configurations as W&B would, "
        "train each one, and rank them by the sweep's metric.",
    )
    parser.add_argument(
        "exercise", nargs="?", default="exercise8", help="the sweep exercise (default exercise8)"
    )
    parser.add_argument("--runs", type=int, default=4, metavar="N", help="runs (default 4)")
    add_submission_argument(parser)
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="sampling seed")
    parser.add_argument(
        "--plot",
        type=Path,
        default=Path("sweep_results.png"),
        metavar="FILE",
        help="where to save the plot (default: sweep_results.png)",
    )
    parser.add_argument(
        "--jobs", type=int, default=2, metavar="J", help="runs at a time (default 2)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="seconds per run (default: the exercise's limit in configs/course.toml)",
    )
    return parser


def flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"opt": {"lr": 0.1}}`` -> ``{"opt.lr": 0.1}`` (nested parameters, for the table)."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def last_metric(run: Any, name: str) -> float | None:
    """The last numeric value of ``name`` in a W&B run's history, else in its summary."""
    for row in reversed(run.history):
        found, value = find_metric(row, name)
        if found and is_number(value):
            return float(value)
    found, value = find_metric(run.summary, name)
    return float(value) if found and is_number(value) else None


def _import_for_runs() -> None:
    """What ``run_one`` imports, imported in this thread before the runs' threads start: two
    threads importing the same packages side by side can be handed half-imported modules."""
    from .readers.wandb_run import import_reader
    from .running import run_training  # noqa: F401
    from .sandbox import Sandbox  # noqa: F401
    from .sandbox.isolation import current

    import_reader()
    current()  # which sandbox a run gets: found once (it imports the bwrap wheel)


def run_one(exercise: Exercise, folder: Path, metric: str, run: SweepRun) -> SweepRun:
    """Train once with ``run.config`` in a fresh sandbox and read the metric from its log."""
    from .running import run_training
    from .sandbox import Sandbox

    started = time.monotonic()
    with Sandbox(folder, exercise.limits, warm=exercise.warm, nested=exercise.warm_nested) as box:
        training = run_training(box, exercise.script, run.config)
        wandb_run = training.wandb
        run.metric = last_metric(wandb_run, metric) if wandb_run else None
        if not training.result.ok:
            run.status = training.result.status()
        elif wandb_run is None:
            run.status = "no W&B run written"
        elif run.metric is None:
            run.status = f"{metric} not logged"
        else:
            run.status = "ok"
    run.seconds = time.monotonic() - started
    return run


def ranked(runs: list[SweepRun], goal: str) -> list[SweepRun]:
    """Best first by ``goal``; runs without the metric (or with NaN) last."""
    scored = [r for r in runs if r.metric is not None and not math.isnan(r.metric)]
    rest = [r for r in runs if r not in scored]
    scored.sort(key=lambda r: r.metric, reverse=goal == "maximize")
    return scored + rest


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_table(runs: list[SweepRun], metric: str) -> str:
    """A plain-text table: rank, each parameter, the metric, the run's status."""
    names: list[str] = []
    for run in runs:
        names += [name for name in flatten(run.config) if name not in names]
    header = ["#", *names, metric, "status"]
    rows = [
        [
            str(rank),
            *(_cell(flatten(run.config).get(name, "")) for name in names),
            _cell(run.metric) if run.metric is not None else "-",
            run.status,
        ]
        for rank, run in enumerate(runs, 1)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def plot(runs: list[SweepRun], metric: str, goal: str, path: Path) -> Path:
    """One panel per parameter: the metric of every run against that parameter's value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in runs if r.metric is not None]
    names: list[str] = []
    for run in done:
        names += [name for name in flatten(run.config) if name not in names]
    columns = max(1, min(3, len(names)))
    rows = math.ceil(max(1, len(names)) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
    for axis, name in zip(axes.flat, names, strict=False):
        points = [(flatten(r.config).get(name), r.metric) for r in done]
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        if all(is_number(x) for x in xs):
            positions = xs
            positive = [x for x in xs if x > 0]
            if len(positive) == len(xs) and max(xs) / min(xs) > 10:
                axis.set_xscale("log")  # learning rates and the like span decades
        else:
            labels = list(dict.fromkeys(str(x) for x in xs))
            positions = [labels.index(str(x)) for x in xs]
            axis.set_xticks(range(len(labels)), labels)
        axis.scatter(positions, ys, label="runs")
        # done is ranked best first: mark the best run in every panel.
        axis.scatter(positions[:1], ys[:1], marker="*", s=160, color="tab:red", label="best")
        axis.set_xlabel(name)
        axis.set_ylabel(metric)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(names) :]:
        axis.set_visible(False)
    if names:
        axes.flat[0].legend(loc="best", fontsize="small")
    figure.suptitle(f"{metric} ({goal}) over {len(done)} runs")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def sweep_path(exercise: Exercise) -> str | None:
    """The exercise's sweep file: the YAML file among those its course entry lists."""
    return next((name for name in exercise.files if name.endswith((".yaml", ".yml"))), None)


def _resolve(args: argparse.Namespace) -> tuple[Exercise, Path]:
    if args.runs < 1:
        raise UsageError("--runs must be 1 or more")
    if args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    exercise = load_course().resolve([args.exercise])[0]
    folder = args.submission / exercise.name
    sweep_file = sweep_path(exercise)
    if sweep_file is None or not (folder / sweep_file).is_file():
        raise UsageError(
            f"no {sweep_file or 'sweep YAML'} in {folder}: {exercise.name} has no sweep to run"
        )
    if args.time_limit is not None:
        if args.time_limit <= 0:
            raise UsageError("--time-limit must be above 0")
        limits = dataclasses.replace(exercise.limits, time_s=args.time_limit)
        exercise = dataclasses.replace(exercise, limits=limits)
    return exercise, folder.resolve()


def _prepare(sweep: SweepFile, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    """Report the file's problems; the number of runs to make (0 when it cannot be run)."""
    for problem in sorted(sweep.problems, key=lambda p: p.line or 0):
        say(f"warning: {problem}")
    if sweep.about():
        say("the sweep file cannot be read, so nothing can be sampled from it")
        return 0
    if sweep.metric_name is None:
        say("the sweep has no metric.name: there is nothing to rank the runs by")
        return 0
    if not sampleable(sweep):
        say("no parameter of the sweep has a definition W&B can sample")
        return 0
    count = args.runs
    if sweep.run_cap is not None and sweep.run_cap < count:
        say(f"run_cap is {sweep.run_cap}: running {sweep.run_cap} of the {count} asked for")
        count = sweep.run_cap
    return count


def main(argv: list[str] | None = None) -> int:
    def say(text: str) -> None:
        print(text, flush=True)

    try:
        args = build_parser().parse_args(argv)
        exercise, folder = _resolve(args)
    except UsageError as error:
        print(f"sweep: error: {error}", file=sys.stderr)
        return EXIT_USAGE

    sweep_file = sweep_path(exercise) or ""
    sweep = read_sweep(folder / sweep_file, f"{exercise.name}/{sweep_file}")
    target = sweep.program_target(folder)
    if target is not None and target.path != folder / exercise.script:
        say(f"warning: the sweep's program is {target.program}; this runs {exercise.script}")
    count = _prepare(sweep, args, say)
    if not count:
        return EXIT_FAILED
    configs, how = sample_configs(sweep, count, args.seed)
    if len(configs) < count:
        say(f"the grid has only {len(configs)} combinations: running all of them")
    metric, goal = sweep.metric_name or "", sweep.goal
    plural = "s" if len(configs) > 1 else ""
    say(f"sampling {len(configs)} configuration{plural} ({how}); metric {metric}, goal {goal}")
    say(
        f"running {exercise.script} offline, {args.jobs} at a time, at most "
        f"{exercise.limits.time_s:g} s each"
    )

    lock = threading.Lock()
    finished = 0

    def job(run: SweepRun) -> SweepRun:
        nonlocal finished
        run_one(exercise, folder, metric, run)
        with lock:
            finished += 1
            given = " ".join(f"{k}={_cell(v)}" for k, v in flatten(run.config).items())
            value = _cell(run.metric) if run.metric is not None else "-"
            say(
                f"[{finished}/{len(configs)}] {given}: {metric} {value} ({run.status}, "
                f"{run.seconds:.1f} s)"
            )
        return run

    runs = [SweepRun(index, config) for index, config in enumerate(configs, 1)]
    _import_for_runs()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = list(pool.map(job, runs))

    best_first = ranked(runs, goal)
    say("")
    say(f"results, best first ({goal} {metric}):")
    say(format_table(best_first, metric))
    if not any(run.metric is not None for run in runs):
        say(f"no run logged {metric}: no plot")
        return EXIT_FAILED
    path = plot(best_first, metric, goal, args.plot)
    say(f"plot saved to {path.resolve()}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
