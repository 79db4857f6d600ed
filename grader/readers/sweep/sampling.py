"""Values drawn from a sweep the way W&B's ``random`` and ``grid`` searches draw them.

``bayes`` needs a server-side model of earlier results: it falls back to random here.
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

from ..values import is_number
from .schema import BOUNDED_KINDS, GRID_KINDS, LISTED_KINDS, safe_exp
from .sweep_file import Parameter, SweepFile


def _quantize(value: float, q: float) -> float | int:
    # As W&B: round(x / q) * q (half to even, like numpy), an int when q is an int.
    if math.isinf(value) or math.isnan(value):
        return value
    result = round(value / q) * q
    return int(result) if isinstance(q, int) else float(result)


def ordered_bounds(definition: dict) -> tuple[Any, Any]:
    """``min`` and ``max`` of a definition, the lower first."""
    # min > max is reported by the parameters check; sample as if they were in order so the
    # other checks can still judge the rest of the sweep.
    low, high = definition["min"], definition["max"]
    return (low, high) if low <= high else (high, low)


def _usable_weights(values: list, weights: list) -> bool:
    """One non-negative weight per value, not all zero (else ``random.choices`` raises)."""
    return (
        len(values) == len(weights)
        and all(is_number(weight) and weight >= 0 for weight in weights)
        and sum(weights) > 0
    )


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
        if _usable_weights(d["values"], d["probabilities"]):
            return rng.choices(d["values"], weights=d["probabilities"])[0]
        return rng.choice(d["values"])  # W&B refuses them; the parameters check says why
    q = d.get("q", 1.0)
    mu, sigma = d.get("mu", 0.0), d.get("sigma", 1.0)
    if kind in BOUNDED_KINDS:
        low, high = ordered_bounds(d)
        if kind == "int_uniform":
            return rng.randint(low, high)
        if kind in ("uniform", "q_uniform"):
            value = rng.uniform(low, high)
        elif kind in ("log_uniform", "q_log_uniform"):
            value = safe_exp(rng.uniform(low, high))
        elif kind == "inv_log_uniform":
            value = safe_exp(-rng.uniform(low, high))
        else:  # the *_values kinds: bounds are the values themselves
            value = safe_exp(rng.uniform(math.log(low), math.log(high)))
        return _quantize(value, q) if kind.startswith("q_") else value
    if kind in ("normal", "q_normal"):
        value = rng.gauss(mu, sigma)
    elif kind in ("log_normal", "q_log_normal"):
        value = safe_exp(rng.gauss(mu, sigma))
    elif kind in ("beta", "q_beta"):
        value = rng.betavariate(d.get("a", 1.0), d.get("b", 1.0))
    else:
        raise ValueError(f"cannot sample a parameter of kind {kind!r}")
    return _quantize(value, q) if kind.startswith("q_") else value


def draw_many(parameter: Parameter, samples: int, seed: int = 0) -> list[Any]:
    """``samples`` values of ``parameter`` drawn as W&B draws them (a generator seeded with
    ``seed``); for a constant or a categorical, the values the file lists instead."""
    rng = random.Random(seed)
    drawn = [sample_parameter(parameter, rng) for _ in range(samples)]
    if parameter.kind in LISTED_KINDS:
        d = parameter.definition
        drawn = list(d["values"] if "values" in d else [d["value"]])
    return drawn


def value_range(parameter: Parameter) -> tuple[float, float] | None:
    """Lowest and highest value a bounded distribution can give (None if unbounded/discrete)."""
    if parameter.kind not in BOUNDED_KINDS:
        return None
    d = parameter.definition
    low, high = ordered_bounds(d)
    kind = parameter.kind
    if kind in ("log_uniform", "q_log_uniform"):
        low, high = safe_exp(low), safe_exp(high)
    elif kind == "inv_log_uniform":
        low, high = safe_exp(-high), safe_exp(-low)
    if kind.startswith("q_"):
        low, high = _quantize(low, d.get("q", 1.0)), _quantize(high, d.get("q", 1.0))
    return low, high


def smallest_value(parameter: Parameter) -> Any:
    """The smallest value W&B may give ``parameter`` (None when it has no smallest)."""
    if parameter.kind == "constant":
        return parameter.definition["value"]
    if parameter.kind in ("categorical", "categorical_w_probabilities"):
        values = parameter.definition["values"]
        numbers = [v for v in values if is_number(v)]
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
        low, high = ordered_bounds(d)
        return list(range(low, high + 1))
    if kind == "q_uniform":
        import numpy

        # W&B uses numpy.arange(min, max, q): max itself is left out.
        low, high = ordered_bounds(d)
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
