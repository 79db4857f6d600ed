"""A summary of the training data that is slow to compute: only worth it when someone reads it.

``expensive_summary()`` stands in for the kind of diagnostic a training script would like to
log at DEBUG level (statistics over a whole dataset, say): useful while debugging, wasted time
otherwise. It only uses the standard library, so importing it is instant.

Every call raises the audit event ``my_project.expensive_summary`` (PEP 578, ``sys.audit``)
with the text it returns. Nothing listens to it in a normal run, so it costs nothing; the
course's grader listens, to count how often the function really ran.
"""

from __future__ import annotations

import random
import statistics
import sys

AUDIT_EVENT = "my_project.expensive_summary"
SEED = 1437
N_VALUES = 50_000  # pixel intensities sampled: enough to take a noticeable moment


def _compute() -> str:
    generator = random.Random(SEED)
    values = [generator.betavariate(0.6, 2.4) for _ in range(N_VALUES)]
    dark = sum(value < 0.1 for value in values) / N_VALUES
    return (
        f"{N_VALUES:,} pixel intensities: mean {statistics.fmean(values):.4f}, "
        f"std {statistics.pstdev(values):.4f}, {dark:.1%} below 0.1"
    )


def expensive_summary() -> str:
    """A one-line summary of (simulated) pixel statistics; takes a noticeable moment."""
    result = None
    try:
        result = _compute()
        return result
    finally:
        sys.audit(AUDIT_EVENT, result)
