"""A W&B sweep configuration (``sweep.yaml``): read, judged by W&B's rules, sampled as W&B would.

Modules, each leaning only on the ones before it: ``schema`` (the keys and kinds W&B knows),
``yaml_lines`` (YAML with the line of every key), ``sweep_file`` (the file as read, its
problems), ``sampling`` (values drawn as W&B draws them), ``learning_rate`` (which parameters
are learning rates), ``parameters`` and ``validation`` (reading and judging the file).
"""

from .learning_rate import is_learning_rate, learning_rate_parameters
from .sampling import (
    grid_values,
    nest,
    sample_configs,
    sample_parameter,
    sample_value,
    sampleable,
    smallest_value,
)
from .schema import classify, sweep_schema
from .sweep_file import (
    FILE,
    GRID,
    LEARNING_RATE,
    METHOD_METRIC,
    PARAMETERS,
    PROGRAM,
    RUN_CAP,
    SCHEMA,
    Parameter,
    Problem,
    SweepFile,
    find_metric,
)
from .validation import Hints, read_sweep, read_sweep_text

__all__ = [
    "FILE",
    "GRID",
    "LEARNING_RATE",
    "METHOD_METRIC",
    "PARAMETERS",
    "PROGRAM",
    "RUN_CAP",
    "SCHEMA",
    "Hints",
    "Parameter",
    "Problem",
    "SweepFile",
    "classify",
    "find_metric",
    "grid_values",
    "is_learning_rate",
    "learning_rate_parameters",
    "nest",
    "read_sweep",
    "read_sweep_text",
    "sample_configs",
    "sample_parameter",
    "sample_value",
    "sampleable",
    "smallest_value",
    "sweep_schema",
]
