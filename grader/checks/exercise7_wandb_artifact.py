"""Exercise 7: exercise 5 plus the trained model logged as a W&B artifact with metrics.

The artifact is found in the run log (not in the student's printout); its file is wandb's own
staging copy, loaded with ``torch.load(..., weights_only=True)`` into a fresh MyAwesomeModel.
"""

from __future__ import annotations

import re

from grader.checks.wandb_checks import (
    require_exercise5,
    require_finished_process,
    require_wandb_run,
)
from grader.judge.failure import fail
from grader.readers.values import is_number
from grader.readers.wandb_run import ArtifactRecord, WandbRun
from grader.running import TrainingRun

METRICS = ("accuracy", "precision", "recall", "f1")


def _models(run: WandbRun) -> list[ArtifactRecord]:
    return [artifact for artifact in run.artifacts if artifact.type == "model"]


def _require_model(training: TrainingRun) -> ArtifactRecord:
    run = require_wandb_run(training)
    models = _models(run)
    if not models:
        seen = ", ".join(f"{a.name} (type {a.type!r})" for a in run.artifacts)
        fail(
            'an artifact of type "model" logged with run.log_artifact(...)',
            f"artifacts: {seen}" if seen else "no artifact was logged",
        )
    return models[-1]


def check_runs_cleanly(training: TrainingRun) -> None:
    require_finished_process(training)


def check_scalars_like_exercise5(training: TrainingRun) -> None:
    require_exercise5(training)


def check_model_artifact(training: TrainingRun) -> None:
    artifact = _require_model(training)
    if not artifact.files:
        fail(f"a file in the model artifact {artifact.name!r}", "the artifact holds no file")


def check_artifact_metadata(training: TrainingRun) -> None:
    artifact = _require_model(training)
    values = {name: artifact.metadata.get(name) for name in METRICS}
    missing = [name for name, value in values.items() if value is None]
    bad = {
        name: value
        for name, value in values.items()
        if value is not None and (not is_number(value) or not 0 <= value <= 1)
    }
    if missing or bad:
        seen = f"metadata {artifact.metadata!r}"
        fail(
            "artifact metadata with accuracy, precision, recall and f1 as fractions in [0, 1]",
            seen[:400],
            "percentages (0-100) are not fractions: divide by 100"
            if any(is_number(v) and 1 < v <= 100 for v in bad.values())
            else "",
        )


def check_artifact_loads(training: TrainingRun) -> None:
    artifact = _require_model(training)
    problems = []
    for file in artifact.files:
        problem = _load_problem(file.local_path)
        if problem is None:
            return
        problems.append(f"{file.path}: {problem}")
    fail(
        "a file in the artifact that torch.load(..., weights_only=True) reads as a "
        "state_dict matching a fresh MyAwesomeModel",
        "; ".join(problems) or "the artifact holds no file",
    )


def _load_problem(path: str) -> str | None:
    """Why the file does not load as MyAwesomeModel's state_dict (None when it does)."""
    import torch  # only this check needs torch in the grader's own process

    from my_project.model import MyAwesomeModel

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        return "wandb's copy of the file is missing"
    except Exception as error:  # any unpickling failure is the student's
        text = _plain(str(error))[:300]
        return (
            "not loadable with weights_only=True (a whole pickled model? save "
            f"model.state_dict() instead): {type(error).__name__}: {text}"
        )
    if not isinstance(state, dict):
        return f"it holds a {type(state).__name__}, not a state_dict"
    expected = MyAwesomeModel().state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        return _key_mismatch(missing, unexpected)
    try:
        MyAwesomeModel().load_state_dict(state)
    except Exception as error:
        return f"load_state_dict failed: {_plain(str(error))[:300]}"
    return None


def _key_mismatch(missing: list[str], unexpected: list[str]) -> str:
    text = (
        f"its keys do not match MyAwesomeModel's: missing {', '.join(missing[:4]) or 'none'}; "
        f"unexpected {', '.join(map(str, unexpected[:4])) or 'none'}"
    )
    for prefix in ("module.", "_orig_mod."):
        if unexpected and all(str(key).startswith(prefix) for key in unexpected):
            text += (
                f" (every key starts with {prefix!r}: save the inner model's state_dict, "
                "e.g. model.module.state_dict())"
            )
    if any(str(key) in ("state", "param_groups") for key in unexpected):
        text += " (that is an optimizer's state_dict: save model.state_dict())"
    return text


def _plain(text: str) -> str:
    """Error text without terminal colour codes (torch adds some)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\n", " ")
