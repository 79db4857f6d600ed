"""The room that runs student code for a check: one script run, a training run, a run against
the fake W&B server, and a training run started before pytest loads.

It sits between ``sandbox`` (how code is contained) and ``checks`` (what is judged): it runs,
reads back what the run produced, and describes it; it never decides pass or fail.
"""

from .online import OnlineRun, run_online
from .script import ProbeFailed, StudentRun, run_script
from .training import TrainingRun, run_training

__all__ = [
    "OnlineRun",
    "ProbeFailed",
    "StudentRun",
    "TrainingRun",
    "run_online",
    "run_script",
    "run_training",
]
