"""Read a sweep file and judge it as W&B would; every problem is a ``Problem`` with a topic.

Reading never raises for anything in the file. The file is checked against the schema, then
against W&B's extra rules (``min < max``, probabilities, log-scale bounds, ``grid``), so each
grader check can report only its own kind of mistake. What a key is for in the program the
sweep runs is not the reader's to say: the caller passes it as ``Hints``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import ValidationError

from ..values import did_you_mean, is_number
from .parameters import check_parameters
from .schema import GRID_KINDS, sweep_schema, validator
from .sweep_file import (
    FILE,
    GRID,
    METHOD_METRIC,
    PARAMETERS,
    PROGRAM,
    RUN_CAP,
    SCHEMA,
    Problem,
    SweepFile,
    definition_path,
)
from .yaml_lines import parse, type_name, yaml_error

_TOPIC_OF_KEY = {
    "method": METHOD_METRIC,
    "metric": METHOD_METRIC,
    "parameters": PARAMETERS,
    "run_cap": RUN_CAP,
    "program": PROGRAM,
}


@dataclass(frozen=True)
class Hints:
    """What the keys are for in the program the sweep runs, told after a problem with them."""

    missing: dict[str, str] = field(default_factory=dict)  # required key -> what it holds
    metric_name: str = "a value the program logs with wandb.log"  # what metric.name names


def read_sweep(path: Path, display: str | None = None, hints: Hints | None = None) -> SweepFile:
    """Read and judge the sweep file at ``path``; never raises for anything in the file.

    ``display`` names the file in messages (e.g. ``configs/sweep.yaml``).
    """
    path = Path(path)
    sweep = SweepFile(path, display or path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        sweep.add(FILE, "the file does not exist")
        return sweep
    except (OSError, UnicodeDecodeError) as error:
        sweep.add(FILE, f"the file cannot be read as UTF-8 text: {error}")
        return sweep
    return _judge_text(text, sweep, hints or Hints())


def read_sweep_text(
    text: str, display: str = "sweep.yaml", hints: Hints | None = None
) -> SweepFile:
    """Like ``read_sweep`` for text already in memory."""
    return _judge_text(text, SweepFile(Path(display), display), hints or Hints())


def _judge_text(text: str, sweep: SweepFile, hints: Hints) -> SweepFile:
    """Parse ``text`` into ``sweep`` and record every problem found."""
    try:
        data, sweep.lines, duplicates = parse(text)
    except yaml.YAMLError as error:
        message, line = yaml_error(error)
        sweep.problems.append(Problem(FILE, message, line, sweep.display))
        return sweep
    if data is None:
        sweep.add(FILE, "the file is empty (or holds only comments)")
        return sweep
    if not isinstance(data, dict):
        sweep.add(
            FILE,
            f"the file must hold a mapping of keys (program:, method:, ...), "
            f"not a {type_name(data)}",
        )
        return sweep
    sweep.data = data
    for key_path, line in duplicates:
        where = ".".join(str(k) for k in key_path)
        topic = _TOPIC_OF_KEY.get(key_path[0], SCHEMA) if len(key_path) > 1 else SCHEMA
        sweep.problems.append(
            Problem(
                topic, f"`{where}` appears twice: YAML keeps only the last one", line, sweep.display
            )
        )
    _check_top_level(sweep, hints)
    _check_metric(sweep, hints)
    check_parameters(sweep)
    _check_grid(sweep)
    return sweep


def _check_top_level(sweep: SweepFile, hints: Hints) -> None:
    data = sweep.data or {}
    schema = sweep_schema()
    known = schema["properties"]
    for key in data:
        if key not in known:
            guess = did_you_mean(str(key), known, cutoff=0.6)
            tip = f"; did you mean `{guess}`?" if guess else ""
            sweep.add(SCHEMA, f"unknown top-level key `{key}`: W&B does not know it{tip}", key)
    for key in schema["required"]:
        if data.get(key) is None:
            state = "is empty" if key in data else "is missing"
            hint = hints.missing.get(key)
            sweep.add(_TOPIC_OF_KEY[key], f"`{key}` {state}" + (f": {hint}" if hint else ""), key)
    for error in validator().iter_errors(data):
        if not error.absolute_path:
            continue  # required / unknown keys: reported above in plainer words
        key = error.absolute_path[0]
        if key in ("parameters", "metric") or data.get(key) is None:
            continue  # judged in detail below / already reported as empty
        sweep.add(
            _TOPIC_OF_KEY.get(key, SCHEMA), _explain(error, key, data[key]), *error.absolute_path
        )


def _explain(error: ValidationError, key: str, value: Any) -> str:
    """A schema error about a top-level key, in words a student can act on."""
    where = ".".join(str(p) for p in error.absolute_path)
    if key == "method":
        guess = did_you_mean(str(value), ["random", "grid", "bayes"])
        tip = f"; did you mean `{guess}`?" if guess else ""
        return f"method `{value}` is not one of random, grid, bayes{tip}"
    if key == "run_cap":
        if isinstance(value, str):
            return f"run_cap `{value}` is text, not a number: write digits, e.g. `run_cap: 10`"
        if not is_number(value):
            return f"run_cap must be a whole number, not a {type_name(value)}"
        if not float(value).is_integer():
            return f"run_cap {value} is not a whole number of runs"
        return f"run_cap {value} allows no run at all: it must be 1 or more"
    if key == "program":
        if value == "":
            return "program is empty: name the script the agent runs, e.g. `program: train.py`"
        return f"program must be a file name such as train.py, not a {type_name(value)}"
    return f"`{where}`: {error.message}"


def _check_metric(sweep: SweepFile, hints: Hints) -> None:
    metric = sweep.get("metric")
    if metric is None:
        return  # reported as missing
    if not isinstance(metric, dict):
        sweep.add(
            METHOD_METRIC,
            f"metric must be a mapping with `name:` and `goal:`, not a {type_name(metric)}",
            "metric",
        )
        return
    allowed = sweep_schema()["definitions"]["metric"]["properties"]
    for key in metric:
        if key not in allowed:
            guess = did_you_mean(str(key), allowed)
            tip = f"; did you mean `{guess}`?" if guess else ""
            sweep.add(METHOD_METRIC, f"unknown key `metric.{key}`{tip}", "metric", key)
    name, goal = metric.get("name"), metric.get("goal")
    if not isinstance(name, str) or not name:
        sweep.add(METHOD_METRIC, f"metric.name must name {hints.metric_name}", "metric", "name")
    if goal is None:
        sweep.add(
            METHOD_METRIC,
            f"metric.goal is {'empty' if 'goal' in metric else 'missing'}: minimize or maximize",
            "metric",
            "goal",
        )
    elif goal not in ("minimize", "maximize"):
        guess = did_you_mean(str(goal), ["minimize", "maximize"], cutoff=0.5)
        tip = f"; did you mean `{guess}`?" if guess else ""
        sweep.add(
            METHOD_METRIC,
            f"metric.goal `{goal}` is not minimize or maximize (W&B would "
            f"silently fall back to minimize){tip}",
            "metric",
            "goal",
        )
    elif isinstance(name, str):
        direction = _natural_goal(name)
        if direction and direction != goal:
            sweep.add(
                METHOD_METRIC,
                f"metric.goal is {goal} for `{name}`: the sweep would hunt "
                f"for the worst model; use `goal: {direction}`",
                "metric",
                "goal",
            )
    for key in ("target",):
        if key in metric and not is_number(metric[key]):
            sweep.add(METHOD_METRIC, f"metric.{key} must be a number", "metric", key)
    for key in ("impute", "impute_while_running"):
        allowed_values = allowed[key]["enum"]
        if key in metric and metric[key] not in allowed_values:
            sweep.add(
                METHOD_METRIC,
                f"metric.{key} must be one of {', '.join(allowed_values)}",
                "metric",
                key,
            )


def _natural_goal(name: str) -> str | None:
    """The goal a metric's name implies: losses and errors go down, accuracies go up."""
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    if words & {"loss", "error", "err", "mse", "mae", "rmse", "perplexity", "nll"}:
        return "minimize"
    if words & {"acc", "accuracy", "f1", "precision", "recall", "auc", "iou"}:
        return "maximize"
    return None


def _check_grid(sweep: SweepFile) -> None:
    if sweep.method != "grid":
        return
    for parameter in sweep.parameters:
        if parameter.kind is None or parameter.kind in GRID_KINDS:
            continue
        where = ("parameters", *definition_path(parameter.path))
        if parameter.kind == "categorical_w_probabilities":
            why = "grid runs every value once, so `probabilities` make no sense; drop them"
        else:
            why = (
                f"{parameter.kind} has infinitely many values; a grid needs a finite set: "
                f"list them with `values: [...]`"
            )
        sweep.add(
            GRID, f"method is grid, but parameter `{parameter.name}`: {why}", *where, "distribution"
        )
