"""Read a W&B sweep configuration (``sweep.yaml``), judge it, and sample it as W&B would.

wandb ships no sweep schema: ``wandb sweep`` sends the YAML to W&B's server, which validates it
with the ``sweeps`` package (JSON Schema draft-07 plus a few Python rules) and only *warns*
("Malformed sweep config detected!"). That package pins ``numpy<2``, so the grader carries its
own schema (``sweep_schema.json``, written from W&B's documented rules) and its own sampler.

* ``load_sweep`` parses the file keeping the line of every key, validates it (schema, then
  ``min < max``, probabilities, log-scale bounds, ``program``, ``grid``) and never raises: every
  problem is a ``Problem`` with a topic, so each check reports only its own kind of mistake.
* ``sample_parameter`` / ``sample_configs`` draw values the way W&B's ``random`` and ``grid``
  searches do (``bayes`` needs a server-side model of earlier results: it falls back to random).
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, FormatChecker, ValidationError

SCHEMA_FILE = Path(__file__).with_name("sweep_schema.json")
SWEEP_PATH = "configs/sweep.yaml"  # where exercise 8 keeps the sweep, inside its folder

# Topics: which part of the configuration a problem is about (one grader check each).
FILE = "file"  # unreadable, not YAML, not a mapping: every topic fails with it
SCHEMA = "schema"  # unknown keys, duplicate keys, wrong types of the descriptive keys
METHOD_METRIC = "method_metric"
PARAMETERS = "parameters"
LEARNING_RATE = "learning_rate"
GRID = "grid"
RUN_CAP = "run_cap"
PROGRAM = "program"

_TOPIC_OF_KEY = {
    "method": METHOD_METRIC,
    "metric": METHOD_METRIC,
    "parameters": PARAMETERS,
    "run_cap": RUN_CAP,
    "program": PROGRAM,
}

# Kinds whose values form a finite set: W&B's grid search accepts exactly these (its
# grid_search_next_runs expands int_uniform to range(min, max + 1) and q_uniform to
# arange(min, max, q); every other distribution is refused).
GRID_KINDS = frozenset({"constant", "categorical", "int_uniform", "q_uniform"})
# log_uniform, q_log_uniform and inv_log_uniform take natural-log exponents as min and max.
EXPONENT_KINDS = frozenset({"log_uniform", "q_log_uniform", "inv_log_uniform"})
_BOUNDED_KINDS = frozenset(
    {
        "int_uniform",
        "uniform",
        "q_uniform",
        "log_uniform",
        "log_uniform_values",
        "q_log_uniform",
        "q_log_uniform_values",
        "inv_log_uniform",
        "inv_log_uniform_values",
    }
)
_NUMBER_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@cache
def sweep_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) the grader validates sweep files against."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def parameter_kinds() -> tuple[str, ...]:
    """Parameter kinds in the order W&B tries them (``int_uniform`` before ``uniform``)."""
    branches = sweep_schema()["definitions"]["parameter"]["anyOf"]
    return tuple(branch["$ref"].rsplit("/", 1)[-1].removeprefix("param_") for branch in branches)


@cache
def distribution_names() -> tuple[str, ...]:
    """Every value ``distribution:`` may take."""
    definitions = sweep_schema()["definitions"]
    return tuple(
        definitions[f"param_{kind}"]["properties"]["distribution"]["const"]
        for kind in parameter_kinds()
        if "distribution" in definitions[f"param_{kind}"]["properties"]
    )


_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("integer")
def _is_python_int(value: Any) -> bool:
    # JSON Schema counts 1.0 as an integer; W&B's format check does not, so {min: 1.0, max: 3.0}
    # is a uniform (real numbers) there, not an int_uniform.
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _validator(definition: str | None = None) -> Draft7Validator:
    """A validator for the whole file, or for one definition (its $refs still resolve)."""
    schema = sweep_schema()
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return Draft7Validator(schema, format_checker=_FORMATS)


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located by line where the file allows it."""

    topic: str
    message: str
    line: int | None = None
    file: str = "sweep.yaml"

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Parameter:
    """One parameter to sweep (nested ``parameters`` are flattened into paths)."""

    path: tuple[str, ...]
    definition: Any
    kind: str | None  # None: the definition matches no kind W&B knows
    line: int | None

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def leaf(self) -> str:
        return self.path[-1]

    def describe(self) -> str:
        """The distribution in words, e.g. ``log_uniform: exp(U(0.0001, 0.1))``."""
        return describe(self.kind, self.definition)


@dataclass
class SweepFile:
    """A sweep configuration file as read, with every problem found in it."""

    path: Path
    display: str
    data: dict[str, Any] | None = None
    lines: dict[tuple, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """The file parsed into a mapping (its contents can be judged)."""
        return self.data is not None

    def get(self, key: str, default: Any = None) -> Any:
        return (self.data or {}).get(key, default)

    @property
    def method(self) -> str | None:
        method = self.get("method")
        return method if isinstance(method, str) else None

    @property
    def metric_name(self) -> str | None:
        metric = self.get("metric")
        name = metric.get("name") if isinstance(metric, dict) else None
        return name if isinstance(name, str) and name else None

    @property
    def goal(self) -> str:
        """``minimize`` or ``maximize``; W&B's default (minimize) when missing or misspelt."""
        metric = self.get("metric")
        goal = metric.get("goal") if isinstance(metric, dict) else None
        return goal if goal in ("minimize", "maximize") else "minimize"

    @property
    def run_cap(self) -> int | None:
        cap = self.get("run_cap")
        valid = isinstance(cap, int | float) and not isinstance(cap, bool) and cap >= 1
        return int(cap) if valid and float(cap).is_integer() else None

    def line_of(self, *path: Any) -> int | None:
        """Line of the key at ``path``, or of its nearest enclosing key."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def about(self, *topics: str) -> list[Problem]:
        """Problems of the given topics, plus any that make the whole file unreadable."""
        return [p for p in self.problems if p.topic in (FILE, *topics)]

    def add(self, topic: str, message: str, *path: Any) -> None:
        self.problems.append(Problem(topic, message, self.line_of(*path), self.display))


# --- YAML with line numbers -----------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that also records the line of every mapping key and sequence item, and
    notes duplicate keys (PyYAML, like wandb, silently keeps the last one)."""

    def locate(self, node: yaml.Node) -> tuple[dict[tuple, int], list[tuple[tuple, int]]]:
        lines: dict[tuple, int] = {}
        duplicates: list[tuple[tuple, int]] = []
        seen: set[int] = set()  # aliases may make the node graph cyclic

        def walk(node: yaml.Node, path: tuple) -> None:
            if id(node) in seen:
                return
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                keys: set = set()
                for key_node, value_node in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self._key(key_node)
                    line = key_node.start_mark.line + 1
                    if key in keys:
                        duplicates.append(((*path, key), line))
                    keys.add(key)
                    lines[(*path, key)] = line
                    walk(value_node, (*path, key))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    lines[(*path, index)] = item.start_mark.line + 1
                    walk(item, (*path, index))

        walk(node, ())
        return lines, duplicates

    def _key(self, node: yaml.Node) -> Any:
        try:
            key = self.construct_object(node, deep=True)
            hash(key)
            return key
        except Exception:  # an unhashable or odd key: fall back to its text
            return getattr(node, "value", repr(node))


def _parse(text: str) -> tuple[Any, dict[tuple, int], list[tuple[tuple, int]]]:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines, duplicates = loader.locate(node)
        return loader.construct_document(node), lines, duplicates
    finally:
        loader.dispose()


def _yaml_error(error: yaml.YAMLError) -> tuple[str, int | None]:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if "\\t" in problem or "'\\t'" in problem:
        message += "; YAML indents with spaces only, never tabs"
    return message, (mark.line + 1 if mark is not None else None)


# --- loading and validating -----------------------------------------------------------------


def load_sweep(path: Path, display: str | None = None, base: Path | None = None) -> SweepFile:
    """Read and judge the sweep file at ``path``; never raises for anything in the file.

    ``display`` names the file in messages (e.g. ``configs/sweep.yaml``); ``base`` is the folder
    ``wandb agent`` runs in, against which ``program`` is resolved (skipped when None).
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
    return judge_text(text, sweep, base)


def parse_sweep_text(text: str, display: str = "sweep.yaml", base: Path | None = None) -> SweepFile:
    """Like ``load_sweep`` for text already in memory (used by the tests)."""
    return judge_text(text, SweepFile(Path(display), display), base)


def judge_text(text: str, sweep: SweepFile, base: Path | None = None) -> SweepFile:
    """Parse ``text`` into ``sweep`` and record every problem found."""
    try:
        data, sweep.lines, duplicates = _parse(text)
    except yaml.YAMLError as error:
        message, line = _yaml_error(error)
        sweep.problems.append(Problem(FILE, message, line, sweep.display))
        return sweep
    if data is None:
        sweep.add(FILE, "the file is empty (or holds only comments)")
        return sweep
    if not isinstance(data, dict):
        sweep.add(
            FILE,
            f"the file must hold a mapping of keys (program:, method:, ...), "
            f"not a {_type_name(data)}",
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
    _check_top_level(sweep)
    _check_metric(sweep)
    _check_parameters(sweep)
    _check_grid(sweep)
    _check_program(sweep, base)
    return sweep


def _type_name(value: Any) -> str:
    names = {dict: "mapping", list: "list", str: "string", bool: "true/false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


_MISSING_HELP = {
    "program": "the script the agent runs, e.g. `program: train.py`",
    "method": "the search strategy: random, grid or bayes",
    "metric": "the metric to optimise, with `name:` (a key train.py logs) and `goal:`",
    "parameters": "one entry per command-line option of train.py to sweep over",
    "run_cap": "the most runs the sweep may start, a whole number such as 10",
}


def _check_top_level(sweep: SweepFile) -> None:
    data = sweep.data or {}
    schema = sweep_schema()
    known = schema["properties"]
    for key in data:
        if key not in known:
            guess = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
            tip = f"; did you mean `{guess[0]}`?" if guess else ""
            sweep.add(SCHEMA, f"unknown top-level key `{key}`: W&B does not know it{tip}", key)
    for key in schema["required"]:
        if data.get(key) is None:
            state = "is empty" if key in data else "is missing"
            sweep.add(_TOPIC_OF_KEY[key], f"`{key}` {state}: {_MISSING_HELP[key]}", key)
    for error in _validator().iter_errors(data):
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
        guess = difflib.get_close_matches(str(value), ["random", "grid", "bayes"], n=1)
        tip = f"; did you mean `{guess[0]}`?" if guess else ""
        return f"method `{value}` is not one of random, grid, bayes{tip}"
    if key == "run_cap":
        if isinstance(value, str):
            return f"run_cap `{value}` is text, not a number: write digits, e.g. `run_cap: 10`"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"run_cap must be a whole number, not a {_type_name(value)}"
        if not float(value).is_integer():
            return f"run_cap {value} is not a whole number of runs"
        return f"run_cap {value} allows no run at all: it must be 1 or more"
    if key == "program":
        if value == "":
            return "program is empty: name the script the agent runs, e.g. `program: train.py`"
        return f"program must be a file name such as train.py, not a {_type_name(value)}"
    return f"`{where}`: {error.message}"


def _check_metric(sweep: SweepFile) -> None:
    metric = sweep.get("metric")
    if metric is None:
        return  # reported as missing
    if not isinstance(metric, dict):
        sweep.add(
            METHOD_METRIC,
            f"metric must be a mapping with `name:` and `goal:`, not a {_type_name(metric)}",
            "metric",
        )
        return
    allowed = sweep_schema()["definitions"]["metric"]["properties"]
    for key in metric:
        if key not in allowed:
            guess = difflib.get_close_matches(str(key), list(allowed), n=1)
            tip = f"; did you mean `{guess[0]}`?" if guess else ""
            sweep.add(METHOD_METRIC, f"unknown key `metric.{key}`{tip}", "metric", key)
    name, goal = metric.get("name"), metric.get("goal")
    if not isinstance(name, str) or not name:
        sweep.add(
            METHOD_METRIC,
            "metric.name must name a value train.py logs with wandb.log, e.g. validation_loss",
            "metric",
            "name",
        )
    if goal is None:
        sweep.add(
            METHOD_METRIC,
            f"metric.goal is {'empty' if 'goal' in metric else 'missing'}: minimize or maximize",
            "metric",
            "goal",
        )
    elif goal not in ("minimize", "maximize"):
        guess = difflib.get_close_matches(str(goal), ["minimize", "maximize"], n=1, cutoff=0.5)
        tip = f"; did you mean `{guess[0]}`?" if guess else ""
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
        if key in metric and (
            isinstance(metric[key], bool) or not isinstance(metric[key], int | float)
        ):
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


# --- parameters -----------------------------------------------------------------------------


def classify(definition: Any) -> str | None:
    """The kind of a parameter definition, as W&B decides it (first matching schema)."""
    if not isinstance(definition, dict):
        return None
    for kind in parameter_kinds():
        if _validator(f"param_{kind}").is_valid(definition):
            return kind
    return None


def is_learning_rate(name: str) -> bool:
    """Whether a parameter's name says it is a learning rate (lr, learning_rate, base_lr...)."""
    lowered = name.lower()
    return "lr" in lowered or "learning_rate" in lowered or "learningrate" in lowered


def _check_parameters(sweep: SweepFile) -> None:
    parameters = sweep.get("parameters")
    if parameters is None:
        return  # reported as missing
    _walk_parameters(sweep, parameters, ("parameters",), ())


def _walk_parameters(sweep: SweepFile, parameters: Any, at: tuple, prefix: tuple) -> None:
    label = ".".join(at)
    if not isinstance(parameters, dict):
        sweep.add(
            PARAMETERS,
            f"`{label}` must be a mapping of parameter names to definitions, "
            f"not a {_type_name(parameters)}",
            *at,
        )
        return
    if not parameters:
        sweep.add(PARAMETERS, f"`{label}` is empty: add one entry per option to sweep", *at)
        return
    pattern = re.compile(sweep_schema()["definitions"]["parameters"]["propertyNames"]["pattern"])
    for name, definition in parameters.items():
        where = (*at, name)
        if not isinstance(name, str) or not pattern.match(name):
            sweep.add(
                PARAMETERS,
                f"parameter name `{name}` is not a valid option name "
                f"(letters, digits, _ . -; not starting with a digit)",
                *where,
            )
            continue
        kind = classify(definition)
        path = (*prefix, name)
        if kind == "nested" or (isinstance(definition, dict) and set(definition) == {"parameters"}):
            # Judge a nested set entry by entry, even when one of them is broken.
            _walk_parameters(sweep, definition["parameters"], (*where, "parameters"), path)
            continue
        if kind is None:
            for message, key_path in _diagnose(name, definition):
                sweep.add(PARAMETERS, message, *where, *key_path)
        else:
            _check_semantics(sweep, name, kind, definition, where)
        sweep.parameters.append(Parameter(path, definition, kind, sweep.line_of(*where)))


_KIND_KEYS = {
    "value": "constant",
    "values": "categorical",
    "parameters": "nested",
}


def _diagnose(name: str, definition: Any) -> Iterator[tuple[str, tuple]]:
    """Why a definition matches no kind: the errors against the kind it most looks like."""
    if not isinstance(definition, dict):
        shown = json.dumps(definition) if _jsonable(definition) else repr(definition)
        yield (
            f"parameter `{name}` is {shown}, not a definition: write `{name}: "
            f"{{value: {shown}}}` for a constant, or `values: [...]`, or a distribution "
            f"with min and max",
            (),
        )
        return
    shapes = [key for key in ("value", "values", "parameters") if key in definition]
    ranged = [key for key in ("min", "max", "mu", "sigma", "q", "a", "b") if key in definition]
    if len(shapes) > 1 or (shapes and ranged):
        keys = ", ".join(f"`{k}`" for k in [*shapes, *ranged])
        yield (
            f"parameter `{name}` mixes {keys}: give exactly one of `value` (a constant), "
            f"`values` (a list) or a distribution with its own keys",
            (),
        )
        return
    distribution = definition.get("distribution")
    if distribution is not None and distribution not in distribution_names():
        guess = difflib.get_close_matches(str(distribution), distribution_names(), n=1)
        tip = f"; did you mean `{guess[0]}`?" if guess else ""
        yield (
            f"parameter `{name}`: unknown distribution `{distribution}`{tip}",
            ("distribution",),
        )
        return
    if distribution is not None:
        kind = distribution
        if kind == "categorical" and "probabilities" in definition:
            yield (
                f"parameter `{name}`: W&B takes `probabilities` only without a distribution "
                f"(or with `distribution: categorical_w_probabilities`): drop "
                f"`distribution: categorical`",
                ("distribution",),
            )
            return
    elif shapes:
        kind = _KIND_KEYS[shapes[0]]
        if kind == "categorical" and "probabilities" in definition:
            kind = "categorical_w_probabilities"
    elif "min" in definition or "max" in definition:
        kind = "uniform"
    else:
        keys = ", ".join(f"`{k}`" for k in definition) or "no keys"
        yield (
            f"parameter `{name}` has {keys}: give `value`, `values`, or a `distribution` "
            f"(with its keys, e.g. min and max)",
            (),
        )
        return
    errors = sorted(_validator(f"param_{kind}").iter_errors(definition), key=lambda e: list(e.path))
    for error in errors:
        yield _parameter_error(name, kind, definition, error)


def _parameter_error(name: str, kind: str, definition: dict, error: ValidationError) -> tuple:
    path = tuple(error.absolute_path)
    label = f"parameter `{name}` ({kind})"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in definition]
        return f"{label}: `{'`, `'.join(missing)}` missing", ()
    if error.validator == "additionalProperties":
        allowed = sorted(
            _validator(f"param_{kind}").schema["definitions"][f"param_{kind}"]["properties"]
        )
        extra = [k for k in definition if k not in allowed]
        hint = ""
        if kind == "uniform" and {"mu", "sigma"} & set(extra):
            hint = " (mu and sigma need a `distribution: normal` or similar)"
        elif "q" in extra:
            hint = " (q only works with a q_ distribution such as q_uniform)"
        return (
            f"{label}: unexpected `{'`, `'.join(map(str, extra))}`; it takes "
            f"{', '.join(allowed)}{hint}",
            (extra[0],) if extra else (),
        )
    if error.validator == "minItems":
        return f"{label}: `{path[0]}` is an empty list: give at least one value", path
    if (
        error.validator == "type"
        and isinstance(error.instance, str)
        and _looks_numeric(error.instance)
    ):
        return (
            f"{label}: `{'.'.join(map(str, path))}` is the text '{error.instance}': YAML reads "
            f"an exponent without a dot as a string (PyYAML, which wandb uses, follows YAML "
            f"1.1); write {_float_text(error.instance)} instead",
            path,
        )
    if error.validator in ("type", "format") and error.validator_value == "integer":
        return (
            f"{label}: `{'.'.join(map(str, path))}` is {error.instance!r}: int_uniform takes "
            f"whole numbers; use `distribution: uniform` for real numbers",
            path,
        )
    if error.validator == "exclusiveMinimum" and kind.endswith("_values"):
        return (
            f"{label}: `{path[0]}` is {error.instance}, but {kind} takes the values themselves "
            f"and they must be above 0 (a logarithm is taken)",
            path,
        )
    return f"{label}: `{'.'.join(map(str, path)) or name}`: {error.message}", path


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def _looks_numeric(text: str) -> bool:
    return bool(_NUMBER_RE.match(text.strip()))


def _float_text(text: str) -> str:
    """``1e-4`` as YAML reads it as a number: ``1.0e-4``."""
    mantissa, _, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _check_semantics(
    sweep: SweepFile, name: str, kind: str, definition: dict, where: tuple
) -> None:
    if "min" in definition and "max" in definition:
        low, high = definition["min"], definition["max"]
        if low >= high:
            sweep.add(
                PARAMETERS,
                f"parameter `{name}`: min ({low}) must be less than max ({high})",
                *where,
                "min",
            )
    if kind == "categorical_w_probabilities":
        values, weights = definition["values"], definition["probabilities"]
        if len(values) != len(weights):
            sweep.add(
                PARAMETERS,
                f"parameter `{name}`: {len(values)} values but {len(weights)} probabilities",
                *where,
                "probabilities",
            )
        elif not math.isclose(sum(weights), 1.0, abs_tol=1e-6):
            sweep.add(
                PARAMETERS,
                f"parameter `{name}`: probabilities sum to {sum(weights):g}, not 1",
                *where,
                "probabilities",
            )
    if kind in EXPONENT_KINDS and not is_learning_rate(name):
        # The learning rate is judged by sampling (its own check); for any other parameter,
        # bounds inside [0, 1] are almost surely raw values: exp() turns them into 1..2.7.
        low, high = definition["min"], definition["max"]
        if 0 <= low < high <= 1:
            sweep.add(
                PARAMETERS,
                f"parameter `{name}`: {kind} takes natural-log exponents, so "
                f"it samples between exp({low}) = {_exp(low):.6g} and "
                f"exp({high}) = {_exp(high):.6g}; for raw bounds use "
                f"{_values_kind(kind)}",
                *where,
                "distribution",
            )
        elif high > 709:
            sweep.add(
                PARAMETERS,
                f"parameter `{name}`: {kind} takes exponents; exp({high}) overflows",
                *where,
                "max",
            )


def _values_kind(kind: str) -> str:
    return f"{kind}_values"


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _check_grid(sweep: SweepFile) -> None:
    if sweep.method != "grid":
        return
    for parameter in sweep.parameters:
        if parameter.kind is None or parameter.kind in GRID_KINDS:
            continue
        where = ("parameters", *_definition_path(parameter.path))
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


def _definition_path(path: tuple[str, ...]) -> tuple:
    """Key path of a (possibly nested) parameter below ``parameters``."""
    out: list[str] = []
    for index, part in enumerate(path):
        if index:
            out.append("parameters")
        out.append(part)
    return tuple(out)


def _check_program(sweep: SweepFile, base: Path | None) -> None:
    program = sweep.get("program")
    if base is None or not isinstance(program, str) or not program:
        return
    base = Path(base).resolve()
    target = (base / program).resolve()
    if not target.is_relative_to(base):
        sweep.add(
            PROGRAM,
            f"program `{program}` points outside the exercise folder: "
            f"`wandb agent` runs in the exercise folder and resolves program "
            f"from there, not from configs/",
            "program",
        )
    elif not target.is_file():
        sweep.add(
            PROGRAM,
            f"program `{program}` does not exist: `wandb agent` runs in the "
            f"exercise folder, where the script is `train.py`",
            "program",
        )
    elif target != base / "train.py":
        sweep.add(PROGRAM, f"program `{program}` is not the exercise's train.py", "program")


# --- describing and sampling ----------------------------------------------------------------


def describe(kind: str | None, definition: Any) -> str:
    """A definition in words: what W&B draws for it."""
    if kind is None or not isinstance(definition, dict):
        return "a definition W&B cannot use"
    d = definition
    low, high = d.get("min"), d.get("max")
    q = d.get("q", 1.0)
    mu, sigma = d.get("mu", 0.0), d.get("sigma", 1.0)
    texts = {
        "constant": lambda: f"the constant {d.get('value')!r}",
        "categorical": lambda: f"one of {d.get('values')}",
        "categorical_w_probabilities": lambda: (
            f"one of {d.get('values')} with probabilities {d.get('probabilities')}"
        ),
        "int_uniform": lambda: f"int_uniform: a whole number from {low} to {high}",
        "uniform": lambda: f"uniform: U({low}, {high})",
        "q_uniform": lambda: f"q_uniform: U({low}, {high}) rounded to multiples of {q}",
        "log_uniform": lambda: f"log_uniform: exp(U({low}, {high}))",
        "log_uniform_values": lambda: f"log_uniform_values: exp(U(ln {low}, ln {high}))",
        "q_log_uniform": lambda: (
            f"q_log_uniform: exp(U({low}, {high})) rounded to multiples of {q}"
        ),
        "q_log_uniform_values": lambda: (
            f"q_log_uniform_values: exp(U(ln {low}, ln {high})) rounded to multiples of {q}"
        ),
        "inv_log_uniform": lambda: f"inv_log_uniform: exp(-U({low}, {high}))",
        "inv_log_uniform_values": lambda: f"inv_log_uniform_values: between {low} and {high}",
        "normal": lambda: f"normal: N({mu}, {sigma})",
        "q_normal": lambda: f"q_normal: N({mu}, {sigma}) rounded to multiples of {q}",
        "log_normal": lambda: f"log_normal: exp(N({mu}, {sigma}))",
        "q_log_normal": lambda: f"q_log_normal: exp(N({mu}, {sigma})) rounded to multiples of {q}",
        "beta": lambda: f"beta({d.get('a', 1)}, {d.get('b', 1)})",
        "q_beta": lambda: f"beta({d.get('a', 1)}, {d.get('b', 1)}) rounded to multiples of {q}",
        "nested": lambda: "a nested set of parameters",
    }
    return texts[kind]()


def _quantize(value: float, q: float) -> float | int:
    # As W&B: round(x / q) * q (half to even, like numpy), an int when q is an int.
    if math.isinf(value) or math.isnan(value):
        return value
    result = round(value / q) * q
    return int(result) if isinstance(q, int) else float(result)


def _ordered(definition: dict) -> tuple[Any, Any]:
    # min > max is reported by the parameters check; sample as if they were in order so the
    # other checks can still judge the rest of the sweep.
    low, high = definition["min"], definition["max"]
    return (low, high) if low <= high else (high, low)


def sample_parameter(parameter: Parameter, rng: random.Random) -> Any:
    """One value for ``parameter``, drawn as W&B's random search draws it."""
    return sample_value(parameter.kind, parameter.definition, rng)


def sample_value(kind: str | None, d: dict, rng: random.Random) -> Any:
    """One value of a definition of the given kind (see ``classify``)."""
    if kind == "constant":
        return d["value"]
    if kind == "categorical":
        return rng.choice(d["values"])
    if kind == "categorical_w_probabilities":
        return rng.choices(d["values"], weights=d["probabilities"])[0]
    q = d.get("q", 1.0)
    mu, sigma = d.get("mu", 0.0), d.get("sigma", 1.0)
    if kind in _BOUNDED_KINDS:
        low, high = _ordered(d)
        if kind == "int_uniform":
            return rng.randint(low, high)
        if kind in ("uniform", "q_uniform"):
            value = rng.uniform(low, high)
        elif kind in ("log_uniform", "q_log_uniform"):
            value = _exp(rng.uniform(low, high))
        elif kind == "inv_log_uniform":
            value = _exp(-rng.uniform(low, high))
        else:  # the *_values kinds: bounds are the values themselves
            value = _exp(rng.uniform(math.log(low), math.log(high)))
        return _quantize(value, q) if kind.startswith("q_") else value
    if kind in ("normal", "q_normal"):
        value = rng.gauss(mu, sigma)
    elif kind in ("log_normal", "q_log_normal"):
        value = _exp(rng.gauss(mu, sigma))
    elif kind in ("beta", "q_beta"):
        value = rng.betavariate(d.get("a", 1.0), d.get("b", 1.0))
    else:
        raise ValueError(f"cannot sample a parameter of kind {kind!r}")
    return _quantize(value, q) if kind.startswith("q_") else value


def value_range(parameter: Parameter) -> tuple[float, float] | None:
    """Lowest and highest value a bounded distribution can give (None if unbounded/discrete)."""
    if parameter.kind not in _BOUNDED_KINDS:
        return None
    d = parameter.definition
    low, high = _ordered(d)
    kind = parameter.kind
    if kind in ("log_uniform", "q_log_uniform"):
        low, high = _exp(low), _exp(high)
    elif kind == "inv_log_uniform":
        low, high = _exp(-high), _exp(-low)
    if kind.startswith("q_"):
        low, high = _quantize(low, d.get("q", 1.0)), _quantize(high, d.get("q", 1.0))
    return low, high


def smallest_value(parameter: Parameter) -> Any:
    """The smallest value W&B may give ``parameter`` (None when it has no smallest)."""
    if parameter.kind == "constant":
        return parameter.definition["value"]
    if parameter.kind in ("categorical", "categorical_w_probabilities"):
        values = parameter.definition["values"]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        return min(numbers) if numbers and len(numbers) == len(values) else None
    bounds = value_range(parameter)
    return bounds[0] if bounds else None


def grid_values(parameter: Parameter) -> list[Any]:
    """The finite set W&B's grid search runs through for ``parameter``."""
    d, kind = parameter.definition, parameter.kind
    if kind == "constant":
        return [d["value"]]
    if kind == "categorical":
        return list(d["values"])
    if kind == "int_uniform":
        low, high = _ordered(d)
        return list(range(low, high + 1))
    if kind == "q_uniform":
        import numpy

        # W&B uses numpy.arange(min, max, q): max itself is left out.
        low, high = _ordered(d)
        return numpy.arange(low, high, d.get("q", 1.0)).tolist()
    raise ValueError(f"parameter {parameter.name} ({kind}) has no finite set of values")


def nest(values: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    """``{("opt", "lr"): 0.1}`` -> ``{"opt": {"lr": 0.1}}``."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        target = out
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return out


def sampleable(sweep: SweepFile) -> list[Parameter]:
    """The parameters with a definition W&B can sample."""
    return [p for p in sweep.parameters if p.kind is not None]


def sample_configs(sweep: SweepFile, count: int, seed: int = 0) -> tuple[list[dict], str]:
    """``count`` configurations as W&B would propose them, and how they were drawn.

    ``grid`` walks the grid in W&B's order (parameters sorted by name, first one slowest) and
    stops early when the grid is smaller; ``random`` draws independently; ``bayes`` needs the
    results of earlier runs, which only W&B's server keeps, so it is drawn as ``random``.
    Parameters that cannot be sampled are left out.
    """
    parameters = sorted(sampleable(sweep), key=lambda p: p.path)
    method = sweep.method
    if method == "grid" and all(p.kind in GRID_KINDS for p in parameters):
        axes = [grid_values(p) for p in parameters]
        points = itertools.islice(itertools.product(*axes), count)
        configs = [
            nest(dict(zip((p.path for p in parameters), point, strict=True))) for point in points
        ]
        return configs, "grid: every combination in W&B's order"
    rng = random.Random(seed)
    configs = [nest({p.path: sample_parameter(p, rng) for p in parameters}) for _ in range(count)]
    if method == "bayes":
        how = (
            "bayes falls back to random here: Bayesian search needs the results of earlier "
            "runs, which only W&B's server keeps"
        )
    elif method == "grid":
        how = "random (the grid has parameters without a finite set of values)"
    elif method == "random":
        how = "random"
    else:
        how = "random (the sweep has no valid method)"
    return configs, f"{how}, seed {seed}"


# --- the learning rate ----------------------------------------------------------------------


@dataclass
class LearningRateReport:
    """How the learning-rate parameter(s) of a sweep sample, against an allowed range."""

    parameters: list[Parameter]
    problems: list[Problem]
    details: list[str]
    summary: str


def learning_rate_parameters(sweep: SweepFile) -> list[Parameter]:
    """Parameters named like a learning rate, leaving out ones whose values are all words
    (``lr_scheduler: {values: [cosine, step]}`` is not a rate)."""
    found = []
    for parameter in sweep.parameters:
        if not is_learning_rate(parameter.leaf):
            continue
        d = parameter.definition
        if parameter.kind in ("categorical", "constant", "categorical_w_probabilities"):
            values = d["values"] if "values" in d else [d["value"]]
            if all(isinstance(v, str) and not _looks_numeric(v) for v in values):
                continue
        found.append(parameter)
    return found


def learning_rate_report(
    sweep: SweepFile, low: float = 1e-6, high: float = 1.0, samples: int = 1000, seed: int = 0
) -> LearningRateReport:
    """Draw ``samples`` values of each learning-rate parameter as W&B would and report any
    outside ``[low, high]`` (the ends of a bounded distribution count as possible values)."""
    found = learning_rate_parameters(sweep)
    report = LearningRateReport(found, [], [], "")
    span = f"[{low:g}, {high:g}]"
    for parameter in found:
        where = ("parameters", *_definition_path(parameter.path))

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
        rng = random.Random(seed)
        drawn = [sample_parameter(parameter, rng) for _ in range(samples)]
        if parameter.kind in ("constant", "categorical", "categorical_w_probabilities"):
            d = parameter.definition
            drawn = list(d["values"] if "values" in d else [d["value"]])
        words = [v for v in drawn if isinstance(v, str)]
        if words:
            example = words[0]
            tip = (
                f"; YAML (1.1, as PyYAML and wandb read it) takes {example} without a dot "
                f"for text: write {_float_text(example)}"
                if _looks_numeric(example)
                else ""
            )
            add(
                f"`{parameter.name}` gives text such as {example!r}, not a number{tip}",
                "values" if "values" in parameter.definition else "value",
            )
            continue
        numbers = [v for v in drawn if isinstance(v, int | float) and not isinstance(v, bool)]
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
            d = parameter.definition
            a, b = _ordered(d)
            report.details.append(
                f"{parameter.kind} treats min and max as natural-log exponents: min {a} gives "
                f"exp({a}) = {_exp(a):.6g}. To give the learning rates themselves, write "
                f"`distribution: {_values_kind(parameter.kind)}` with min: {a}, max: {b}; or keep "
                f"{parameter.kind} with exponents, e.g. min: {_ln(a)} and max: {_ln(b)} "
                f"(ln {a} and ln {b})"
                if a > 0
                else f"{parameter.kind} treats min and max as natural-log exponents: exp({a}) = "
                f"{_exp(a):.6g} and exp({b}) = {_exp(b):.6g}"
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


def find_metric(row: dict[str, Any], name: str) -> tuple[bool, Any]:
    """A logged value by the sweep's metric name: the key itself, or a dotted path into nested
    dicts (``val.loss`` for ``wandb.log({"val": {"loss": x}})``). Returns (found, value)."""
    if name in row:
        return True, row[name]
    node: Any = row
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node
