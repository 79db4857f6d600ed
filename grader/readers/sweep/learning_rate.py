"""Which parameters of a sweep are learning rates (named so, and not lists of words)."""

from __future__ import annotations

from .schema import LISTED_KINDS
from .sweep_file import Parameter, SweepFile
from .yaml_lines import looks_numeric


def is_learning_rate(name: str) -> bool:
    """Whether a parameter's name says it is a learning rate (lr, learning_rate, base_lr...)."""
    lowered = name.lower()
    return "lr" in lowered or "learning_rate" in lowered or "learningrate" in lowered


def learning_rate_parameters(sweep: SweepFile) -> list[Parameter]:
    """Parameters named like a learning rate, leaving out ones whose values are all words
    (``lr_scheduler: {values: [cosine, step]}`` is not a rate)."""
    found = []
    for parameter in sweep.parameters:
        if not is_learning_rate(parameter.leaf):
            continue
        d = parameter.definition
        if parameter.kind in LISTED_KINDS:
            values = d["values"] if "values" in d else [d["value"]]
            if all(isinstance(v, str) and not looks_numeric(v) for v in values):
                continue
        found.append(parameter)
    return found
