"""The room that runs student code for a check: one script run, a training run, a run against
the fake W&B server, and a training run started before pytest loads.

It sits between ``sandbox`` (how code is contained) and ``checks`` (what is judged): it runs,
reads back what the run produced, and describes it; it never decides pass or fail.
"""

from .online import OnlineRun, run_online, shared_server
from .repository import Repository, make_repository
from .script import ProbeFailed, StudentRun, run_script
from .tracking import MlflowRun, TensorBoardScriptRun, new_store, run_mlflow, run_tensorboard
from .training import TrainingRun, run_training

__all__ = [
    "MlflowRun",
    "OnlineRun",
    "ProbeFailed",
    "Repository",
    "StudentRun",
    "TensorBoardScriptRun",
    "TrainingRun",
    "make_repository",
    "new_store",
    "run_mlflow",
    "run_online",
    "run_script",
    "run_tensorboard",
    "run_training",
    "shared_server",
]
