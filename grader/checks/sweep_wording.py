"""What exercise 8 asks of its sweep file, and the verdicts on it in the exercise's words.

The reader (``grader.readers.sweep``) says what the file holds and which of W&B's rules it
breaks. Only the exercise knows the rest: where the file lives, what its keys are for in
train.py, that ``program`` must be the exercise's train.py, and which learning rates make sense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from grader.readers.sweep import (
    LEARNING_RATE,
    PROGRAM,
    Hints,
    Parameter,
    Problem,
    SweepFile,
    learning_rate_parameters,
    read_sweep,
    read_sweep_text,
)
from grader.readers.sweep.sampling import draw_many, ordered_bounds, value_range
from grader.readers.sweep.schema import EXPONENT_KINDS, safe_exp, values_kind
from grader.readers.sweep.sweep_file import definition_path
from grader.readers.sweep.yaml_lines import float_text, looks_numeric
from grader.readers.values import is_number

SWEEP_PATH = "configs/sweep.yaml"  # where exercise 8 keeps the sweep, inside its folder

HINTS = Hints(
    missing={
        "program": "the script the agent runs, e.g. `program: train.py`",
        "method": "the search strategy: random, grid or bayes",
        "metric": "the metric to optimise, with `name:` (a key train.py logs) and `goal:`",
        "parameters": "one entry per command-line option of train.py to sweep over",
        "run_cap": "the most runs the sweep may start, a whole number such as 10",
    },
    metric_name="a value train.py logs with wandb.log, e.g. validation_loss",
)


def load_sweep(path: Path, display: str | None = None, base: Path | None = None) -> SweepFile:
    """Read and judge the exercise's sweep file at ``path``; never raises for anything in it.

    ``display`` names the file in messages (e.g. ``configs/sweep.yaml``); ``base`` is the folder
    ``wandb agent`` runs in, against which ``program`` is resolved (skipped when None).
    """
    return _check_program(read_sweep(path, display, HINTS), base)


def parse_sweep_text(text: str, display: str = "sweep.yaml", base: Path | None = None) -> SweepFile:
    """Like ``load_sweep`` for text already in memory (used by the tests)."""
    return _check_program(read_sweep_text(text, display, HINTS), base)


def _check_program(sweep: SweepFile, base: Path | None) -> SweepFile:
    target = sweep.program_target(base) if base is not None else None
    if target is None:
        return sweep
    program = target.program
    if not target.inside:
        sweep.add(
            PROGRAM,
            f"program `{program}` points outside the exercise folder: "
            f"`wandb agent` runs in the exercise folder and resolves program "
            f"from there, not from configs/",
            "program",
        )
    elif not target.exists:
        sweep.add(
            PROGRAM,
            f"program `{program}` does not exist: `wandb agent` runs in the "
            f"exercise folder, where the script is `train.py`",
            "program",
        )
    elif target.path != target.base / "train.py":
        sweep.add(PROGRAM, f"program `{program}` is not the exercise's train.py", "program")
    return sweep


# --- the learning rate ----------------------------------------------------------------------


@dataclass
class LearningRateReport:
    """How the learning-rate parameter(s) of a sweep sample, against an allowed range."""

    parameters: list[Parameter]
    problems: list[Problem]
    details: list[str]
    summary: str


def learning_rate_report(
    sweep: SweepFile, low: float = 1e-6, high: float = 1.0, samples: int = 1000, seed: int = 0
) -> LearningRateReport:
    """Draw ``samples`` values of each learning-rate parameter as W&B would and report any
    outside ``[low, high]`` (the ends of a bounded distribution count as possible values)."""
    found = learning_rate_parameters(sweep)
    report = LearningRateReport(found, [], [], "")
    span = f"[{low:g}, {high:g}]"
    for parameter in found:
        where = ("parameters", *definition_path(parameter.path))

        def add(message: str, *key: str, where: tuple = where) -> None:
            report.problems.append(
                Problem(LEARNING_RATE, message, sweep.line_of(*where, *key), sweep.display)
            )

        if parameter.kind is None:
            add(
                f"`{parameter.name}` has a definition W&B cannot use, so no learning rate can "
                f"be drawn from it (see the parameters check)"
            )
            continue
        drawn = draw_many(parameter, samples, seed)
        words = [v for v in drawn if isinstance(v, str)]
        if words:
            example = words[0]
            tip = (
                f"; YAML (1.1, as PyYAML and wandb read it) takes {example} without a dot "
                f"for text: write {float_text(example)}"
                if looks_numeric(example)
                else ""
            )
            add(
                f"`{parameter.name}` gives text such as {example!r}, not a number{tip}",
                "values" if "values" in parameter.definition else "value",
            )
            continue
        numbers = [v for v in drawn if is_number(v)]
        if len(numbers) != len(drawn):
            add(
                f"`{parameter.name}` gives values that are not numbers, e.g. "
                f"{next(v for v in drawn if v not in numbers)!r}"
            )
            continue
        ends = value_range(parameter)
        candidates = numbers + (list(ends) if ends else [])
        outside = [v for v in numbers if not low <= v <= high]
        ends_outside = [v for v in (ends or ()) if not low <= v <= high]
        lowest, highest = min(candidates), max(candidates)
        if not outside and not ends_outside:
            report.summary += (
                f"`{parameter.name}` ({parameter.describe()}) lies in {lowest:.6g}..{highest:.6g}. "
            )
            continue
        how = "drawn" if parameter.kind not in ("constant", "categorical") else "listed"
        count = f"{len(outside)} of {len(numbers)} {how} values" if outside else "its range"
        add(
            f"`{parameter.name}` is {parameter.describe()}: {count} outside {span} "
            f"(values from {lowest:.6g} to {highest:.6g})",
            "distribution" if "distribution" in parameter.definition else "",
        )
        if parameter.kind in EXPONENT_KINDS:
            a, b = ordered_bounds(parameter.definition)
            report.details.append(
                f"{parameter.kind} treats min and max as natural-log exponents: min {a} gives "
                f"exp({a}) = {safe_exp(a):.6g}. To give the learning rates themselves, write "
                f"`distribution: {values_kind(parameter.kind)}` with min: {a}, max: {b}; or keep "
                f"{parameter.kind} with exponents, e.g. min: {_ln(a)} and max: {_ln(b)} "
                f"(ln {a} and ln {b})"
                if a > 0
                else f"{parameter.kind} treats min and max as natural-log exponents: exp({a}) = "
                f"{safe_exp(a):.6g} and exp({b}) = {safe_exp(b):.6g}"
            )
        elif parameter.kind in ("normal", "q_normal"):
            report.details.append(
                "a normal distribution has no lower bound: it draws negative learning rates; "
                "use log_uniform_values between two positive bounds"
            )
    if not found:
        names = ", ".join(p.name for p in sweep.parameters) or "none"
        report.problems.append(
            Problem(
                LEARNING_RATE,
                f"no learning-rate parameter (a name with `lr` or "
                f"`learning_rate`) among the parameters ({names})",
                sweep.line_of("parameters"),
                sweep.display,
            )
        )
    return report


def _ln(x: float) -> str:
    return f"{math.log(x):.2f}" if x > 0 else "n/a"
