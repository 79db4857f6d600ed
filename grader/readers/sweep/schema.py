"""W&B's sweep schema: the keys a sweep file may hold and the kinds of parameter definitions.

wandb ships no sweep schema: ``wandb sweep`` sends the YAML to W&B's server, which validates it
with the ``sweeps`` package (JSON Schema draft-07 plus a few Python rules) and only *warns*
("Malformed sweep config detected!"). That package pins ``numpy<2``, so the grader carries its
own schema (``sweep_schema.json``, written from W&B's documented rules).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

SCHEMA_FILE = Path(__file__).with_name("sweep_schema.json")

# Kinds whose values form a finite set: W&B's grid search accepts exactly these (its
# grid_search_next_runs expands int_uniform to range(min, max + 1) and q_uniform to
# arange(min, max, q); every other distribution is refused).
GRID_KINDS = frozenset({"constant", "categorical", "int_uniform", "q_uniform"})
# log_uniform, q_log_uniform and inv_log_uniform take natural-log exponents as min and max.
EXPONENT_KINDS = frozenset({"log_uniform", "q_log_uniform", "inv_log_uniform"})
# Kinds drawn between a min and a max.
BOUNDED_KINDS = frozenset(
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
# Kinds whose values are listed in the file rather than drawn from a distribution.
LISTED_KINDS = frozenset({"constant", "categorical", "categorical_w_probabilities"})


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
def validator(definition: str | None = None) -> Draft7Validator:
    """A validator for the whole file, or for one definition (its $refs still resolve)."""
    schema = sweep_schema()
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return Draft7Validator(schema, format_checker=_FORMATS)


def classify(definition: Any) -> str | None:
    """The kind of a parameter definition, as W&B decides it (first matching schema)."""
    if not isinstance(definition, dict):
        return None
    for kind in parameter_kinds():
        if validator(f"param_{kind}").is_valid(definition):
            return kind
    return None


def values_kind(kind: str) -> str:
    """The kind that takes the values themselves where ``kind`` takes exponents."""
    return f"{kind}_values"


def safe_exp(x: float) -> float:
    """``e ** x`` as an exponent kind turns its bounds into values (infinity on overflow)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


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
