"""The ``parameters:`` block: flattened into parameters, each definition judged by W&B's rules,
and a definition that matches no kind diagnosed against the kind it most looks like."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import ValidationError

from ..values import did_you_mean
from .learning_rate import is_learning_rate
from .schema import (
    EXPONENT_KINDS,
    classify,
    distribution_names,
    safe_exp,
    sweep_schema,
    validator,
    values_kind,
)
from .sweep_file import PARAMETERS, Parameter, SweepFile
from .yaml_lines import float_text, looks_numeric, type_name

_KIND_KEYS = {
    "value": "constant",
    "values": "categorical",
    "parameters": "nested",
}


def check_parameters(sweep: SweepFile) -> None:
    """Record the sweep's parameters and every problem with their definitions."""
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
            f"not a {type_name(parameters)}",
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
        guess = did_you_mean(str(distribution), distribution_names())
        tip = f"; did you mean `{guess}`?" if guess else ""
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
    errors = sorted(validator(f"param_{kind}").iter_errors(definition), key=lambda e: list(e.path))
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
            validator(f"param_{kind}").schema["definitions"][f"param_{kind}"]["properties"]
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
        and looks_numeric(error.instance)
    ):
        return (
            f"{label}: `{'.'.join(map(str, path))}` is the text '{error.instance}': YAML reads "
            f"an exponent without a dot as a string (PyYAML, which wandb uses, follows YAML "
            f"1.1); write {float_text(error.instance)} instead",
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
                f"it samples between exp({low}) = {safe_exp(low):.6g} and "
                f"exp({high}) = {safe_exp(high):.6g}; for raw bounds use "
                f"{values_kind(kind)}",
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
