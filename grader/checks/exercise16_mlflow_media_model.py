"""Exercise 16: an MLflow training run with media and the model (W&B exercises 6 and 7 in one).

``train.py`` runs once against a tracking store of its own; everything is judged on what MLflow
recorded there, read back with ``MlflowClient`` and from the files MLflow stored:

- the training run is the one in experiment ``corrupt_mnist`` (else any experiment) tagged
  ``job_type=train``, else the one with the most ``train_loss`` values;
- images are the run's PNG/JPEG artifacts (``log_image`` as a plain artifact or with key/step,
  ``log_figure``, ``log_artifact``), measured from their bytes. MLflow has no histogram type, so
  the gradient histogram is an image (a rendered figure) or a JSON/YAML dict of bins
  (``log_dict``) whose path (or a key in it) names gradients ("grad"): nothing else tells
  gradients from weights.
  Input images are the other images (neither ROC, gradient nor histogram). The ROC figure is an
  image whose path contains "roc", written (file time) after the last ``train_loss`` was logged;
- the model is a torch file among the run's artifacts (a logged model of
  ``mlflow.pytorch.log_model`` lives outside them and holds no state_dict), loaded in the
  grader's own process with ``torch.load(..., weights_only=True)`` into a fresh MyAwesomeModel
  and scored on the test set (a second of work). It must beat chance unless the run's own last
  train_accuracy values stayed near chance too (Adam at lr=0.0123 sometimes never learns);
- the final metrics are accuracy, precision, recall and f1 (keys containing those words, not
  "train"): the run's metrics, the run's tags, a logged model's metrics or metadata, or a
  JSON/YAML dict artifact; the accuracy must be that of the logged model.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from grader.checks.wandb_checks import expected_steps, png_size, refused_options
from grader.judge.failure import fail
from grader.readers.mlflow_store import MlflowStore
from grader.readers.values import is_number
from grader.running import MlflowRun, run_mlflow
from grader.running.training import parse_cli

EXPERIMENT = "corrupt_mnist"
JOB_TYPE = "train"
SCALARS = ("train_loss", "train_accuracy")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
DICT_SUFFIXES = (".json", ".yaml", ".yml")
TORCH_SUFFIXES = (".pt", ".pth", ".ckpt", ".bin", ".pkl", ".safetensors")
MIN_FIGURE_SIDE = 100  # pixels: a rendered figure, not a 28x28 digit
TIME_SLACK_MS = 50  # file times are coarser than MLflow's timestamps
BETTER_THAN_CHANCE = 0.2  # twice what guessing gets; untrained: 0.04-0.15, one SGD epoch: 0.32
RECENT_STEPS = 5  # the last train_accuracy values that say what training reached
LEARNED = 0.3  # ... above chance: then weights at chance are not the trained ones
ACCURACY_TOLERANCE = 0.05  # logged vs measured accuracy (eval vs train mode, another split)
# The final metrics, and the words a key naming each contains ("test_acc", "f1_score", ...).
METRICS = {
    "accuracy": ("acc",),
    "precision": ("precision",),
    "recall": ("recall",),
    "f1": ("f1",),
}
SHOWN_IMAGE_BYTES = 300_000  # a bigger picture is not worth a results file's room
LISTED = 12  # artifact paths named in a message


# -- what the run recorded, read once --------------------------------------------------------


@dataclass
class Artifact:
    path: str  # relative to the run's artifact root
    file: Path

    @property
    def name(self) -> str:
        return self.path.lower()

    @property
    def mtime_ms(self) -> float:
        return self.file.stat().st_mtime_ns / 1e6

    @cached_property
    def size(self) -> tuple[int, int] | None:
        """Width and height of a PNG or JPEG, from its bytes."""
        return png_size(self.file) or _jpeg_size(self.file)

    @property
    def is_image(self) -> bool:
        return self.name.endswith(IMAGE_SUFFIXES)

    @property
    def is_figure(self) -> bool:
        return self.size is not None and min(self.size) >= MIN_FIGURE_SIDE

    def describe(self) -> str:
        if self.is_image:
            size = self.size
            return f"{self.path} ({size[0]}x{size[1]})" if size else f"{self.path} (not an image)"
        return self.path


@dataclass
class Recorded:
    """One run of train.py and what MLflow recorded of it."""

    student: MlflowRun
    args: dict
    run: Any = None  # the training run (an mlflow Run)
    experiment: str = ""  # its experiment's name
    runs_seen: list[str] = field(default_factory=list)  # every run, described
    artifacts: list[Artifact] = field(default_factory=list)
    unreadable_artifacts: str = ""  # why the run's artifact folder cannot be read
    history: dict[str, list[Any]] = field(default_factory=dict)  # key -> [Metric], by step
    logged_models: list[Any] = field(default_factory=list)  # of the training run
    read_error: str = ""

    @property
    def store(self) -> MlflowStore:
        return self.student.store

    def images(self) -> list[Artifact]:
        return [a for a in self.artifacts if a.is_image]

    def describe_artifacts(self, artifacts: list[Artifact] | None = None) -> str:
        shown = self.artifacts if artifacts is None else artifacts
        if self.unreadable_artifacts:
            return self.unreadable_artifacts
        if not shown:
            return "the run has no artifacts"
        text = ", ".join(a.describe() for a in shown[:LISTED])
        return text + (f" and {len(shown) - LISTED} more" if len(shown) > LISTED else "")

    @cached_property
    def model(self) -> LoadedModel:
        return _load_model(self)


@dataclass
class LoadedModel:
    candidates: list[Artifact]  # torch-like files among the artifacts
    problems: list[str]  # why each candidate does not load
    loaded: Artifact | None = None  # the newest that loads as MyAwesomeModel's state_dict
    accuracy: float | None = None  # its accuracy on the test set


@pytest.fixture(scope="module")
def recorded(sandbox, exercise) -> Recorded:
    student = run_mlflow(sandbox, exercise.script, exercise.args)
    seen = Recorded(student, parse_cli(exercise.args))
    try:
        _read(seen)
    except Exception as error:  # a database the script broke is the script's doing
        if type(error).__name__ not in ("MlflowException", "OperationalError", "DatabaseError"):
            raise
        seen.read_error = f"MLflow could not read the store: {str(error)[:300]}"
    return seen


def _read(seen: Recorded) -> None:
    store = seen.store
    names = {e.experiment_id: e.name for e in store.experiments()}
    runs = store.runs()
    histories = {run.info.run_id: _history(store, run.info.run_id) for run in runs}
    seen.runs_seen = [
        f"{run.info.run_name or run.info.run_id} in {names.get(run.info.experiment_id)!r} "
        f"({run.info.status}, {len(histories[run.info.run_id].get('train_loss', []))} "
        "train_loss values)"
        for run in runs
    ]
    if not runs:
        return

    def rank(run: Any) -> tuple:
        return (
            names.get(run.info.experiment_id) == EXPERIMENT,
            run.data.tags.get("job_type") == JOB_TYPE,
            len(histories[run.info.run_id].get("train_loss", [])),
            run.info.start_time or 0,
        )

    run = max(runs, key=rank)
    seen.run, seen.experiment = run, names.get(run.info.experiment_id, "")
    seen.history = histories[run.info.run_id]
    root = store.artifact_root(run)
    if root is None:
        seen.unreadable_artifacts = (
            f"the run's artifacts are stored at {run.info.artifact_uri}, outside the folders "
            "the grader reads (let MLflow choose the artifact location)"
        )
    else:
        seen.artifacts = [Artifact(p, root / p) for p in store.artifacts(run)]
    seen.logged_models = [
        model
        for model in store.client.search_logged_models(experiment_ids=[run.info.experiment_id])
        if model.source_run_id == run.info.run_id
    ]


def _history(store: MlflowStore, run_id: str) -> dict[str, list[Any]]:
    keys = store.client.get_run(run_id).data.metrics
    return {
        key: sorted(store.client.get_metric_history(run_id, key), key=lambda m: m.step)
        for key in keys
    }


def _require_run(seen: Recorded) -> Any:
    if seen.read_error:
        fail("an MLflow store the grader can read", seen.read_error)
    if seen.run is None:
        text = "no MLflow run was recorded"
        if not seen.student.result.ok:
            text += "\n" + seen.student.crash_report()
        own = _unlogged(seen, lambda p: p.name in ("mlflow.db", "meta.yaml"), mlflow_too=True)
        fail(
            f'an MLflow run: mlflow.set_experiment("{EXPERIMENT}"), then mlflow.start_run()',
            text,
            f"the script wrote {own[0]} in its own folder: it chose its own tracking URI, so "
            "its runs went there; leave the tracking URI to MLFLOW_TRACKING_URI"
            if own
            else "",
        )
    return seen.run


def _crashed(seen: Recorded) -> str:
    """A note that the script did not get to its end (the first check shows how it ended)."""
    result = seen.student.result
    return "" if result.ok else f" (the script {result.status()} before its end)"


# -- the checks --------------------------------------------------------------------------------


def check_runs_cleanly(recorded: Recorded) -> None:
    student = recorded.student
    if not student.result.ok:
        fail(
            f"`{student.command}` to exit with code 0",
            student.crash_report(),
            refused_options(student.result.stderr),
        )


def check_scalars_like_exercise15(recorded: Recorded) -> None:
    run = _require_run(recorded)
    if recorded.experiment != EXPERIMENT:
        fail(
            f'the training run in the experiment "{EXPERIMENT}" '
            f'(mlflow.set_experiment("{EXPERIMENT}"))',
            f"it is in the experiment {recorded.experiment!r}; runs: "
            + "; ".join(recorded.runs_seen[:5]),
            "without set_experiment MLflow puts runs into 'Default'"
            if recorded.experiment == "Default"
            else "",
        )
    tag = run.data.tags.get("job_type")
    if tag != JOB_TYPE:
        fail(
            f'the run tagged job_type="{JOB_TYPE}" (mlflow.start_run(tags={{"job_type": '
            f'"{JOB_TYPE}"}}) or mlflow.set_tag)',
            f"tag job_type is {tag!r}" if tag is not None else "the run has no tag job_type",
        )
    _require_params(run.data.params, recorded.args)
    _require_steps(recorded)
    _require_accuracy_fraction(recorded)
    if run.info.status != "FINISHED":
        fail(
            "the run to end as FINISHED",
            f"its status is {run.info.status}" + _crashed(recorded),
            "a run stays RUNNING when the process ends with os._exit or is killed, and becomes "
            "FAILED when an exception leaves the `with mlflow.start_run()` block",
        )


def _require_params(params: dict[str, str], args: dict) -> None:
    wrong = {}
    for name, wanted in args.items():
        text = params.get(name)
        try:
            same = text is not None and math.isclose(float(text), wanted, rel_tol=1e-9)
        except ValueError:
            same = False
        if not same:
            wrong[name] = text if text is not None else "(missing)"
    if wrong:
        given = ", ".join(f"{name}={value}" for name, value in args.items())
        fail(
            f"the run's params to hold the command-line values {given}",
            "params " + ", ".join(f"{name}={value}" for name, value in wrong.items()),
            "log them with mlflow.log_params(vars(args)) after parsing the command line"
            if all(name not in params for name in wrong)
            else "the params keep other values: is the command line read and logged?",
        )


def _require_steps(seen: Recorded) -> None:
    """As exercise 15: one value per optimizer step, each at a step of its own."""
    wanted = expected_steps(seen.args)
    counts = {key: len(seen.history.get(key, [])) for key in SCALARS}
    distinct = {key: len({m.step for m in seen.history.get(key, [])}) for key in SCALARS}
    if all(counts[key] in wanted and distinct[key] == counts[key] for key in SCALARS):
        return
    rows = max(counts.values())
    detail = ""
    if not seen.student.result.ok and rows < min(wanted):
        detail = f"the script stopped after {_values(rows)}: {seen.student.result.status()}"
    elif not all(counts.values()):
        absent = next(key for key in SCALARS if not counts[key])
        detail = (
            f"no metric named {absent} (the run's metrics: {', '.join(seen.history) or 'none'})"
        )
    elif rows == seen.args["epochs"]:
        detail = "that is one value per epoch: log inside the batch loop, after optimizer.step()"
    elif all(counts[key] in wanted for key in SCALARS):
        detail = (
            "values share steps: MLflow puts a value logged without step= at step 0; pass "
            "step= with a number that grows by one each optimizer step"
        )
    fail(
        "train_loss and train_accuracy logged at every optimizer step, each at its own step "
        "(step=): "
        + " or ".join(str(n) for n in sorted(wanted))
        + f" values for batch_size={seen.args['batch_size']}, epochs={seen.args['epochs']}",
        ", ".join(
            f"{key}: {_values(counts[key])} at {distinct[key]} distinct steps" for key in SCALARS
        ),
        detail,
    )


def _values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"


def _require_accuracy_fraction(seen: Recorded) -> None:
    values = [m.value for m in seen.history.get("train_accuracy", [])]
    bad = [v for v in values if not 0 <= v <= 1]
    if bad:
        fail(
            "train_accuracy as a fraction between 0 and 1",
            f"{len(bad)} of {len(values)} values outside [0, 1], e.g. {bad[0]!r}",
            "a value above 1 looks like a percentage or a count: divide by the batch size",
        )


def check_input_images(recorded: Recorded) -> None:
    _require_run(recorded)
    images = [a for a in recorded.images() if not _is_other_figure(a)]
    if not any(a.size for a in images):
        fail(
            "input images logged with mlflow.log_image (one image per call, as a plain "
            "artifact or with key= and step=)",
            "artifacts: " + recorded.describe_artifacts() + _crashed(recorded),
            "images whose path names roc, grad or hist count as figures, not inputs"
            if any(_is_other_figure(a) for a in recorded.images())
            else "",
        )


def _is_other_figure(artifact: Artifact) -> bool:
    return any(word in artifact.name for word in ("roc", "grad", "hist"))


def check_gradient_histogram(recorded: Recorded) -> None:
    _require_run(recorded)
    named = [a for a in recorded.artifacts if "grad" in a.name]
    if any(a.is_figure for a in named if a.is_image):
        return
    dicts = [a for a in recorded.artifacts if a.name.endswith(DICT_SUFFIXES)]
    if any(_grad_bins(_read_dict(a), "grad" in a.name) >= 2 for a in dicts):
        return
    expected = (
        'a histogram of the gradients under a path (or dict key) containing "grad": a '
        "figure (mlflow.log_figure) or its bins (mlflow.log_dict)"
    )
    if named:
        fail(
            expected,
            "artifacts naming gradients: "
            + ", ".join(_describe_histogram(a) for a in named[:LISTED]),
        )
    others = [a for a in recorded.artifacts if any(w in a.name for w in ("hist", "weight"))]
    fail(
        expected,
        (
            "histogram-like artifacts, none naming gradients: "
            + recorded.describe_artifacts(others)
            if others
            else "artifacts: " + recorded.describe_artifacts()
        )
        + _crashed(recorded),
        "a histogram of p.data (or of the parameters themselves) shows the weights; the "
        "gradients are p.grad, filled by loss.backward()"
        if any("weight" in a.name or "param" in a.name for a in others)
        else "",
    )


def _describe_histogram(artifact: Artifact) -> str:
    if artifact.is_image:
        size = artifact.size
        if size is None:
            return f"{artifact.path} (not a PNG or JPEG image)"
        return f"{artifact.path} ({size[0]}x{size[1]}, smaller than a figure)"
    if artifact.name.endswith(DICT_SUFFIXES):
        return f"{artifact.path} (no list of numbers in it)"
    return f"{artifact.path} (neither an image nor a JSON/YAML dict)"


def check_roc_figure(recorded: Recorded, record_property) -> None:
    _require_run(recorded)
    named = [a for a in recorded.artifacts if "roc" in a.name]
    images = [a for a in named if a.is_image]
    if not images:
        saved = _unlogged(recorded, lambda p: "roc" in p.name.lower())
        fail(
            'a matplotlib figure of the ROC curves logged as an image whose path contains "roc" '
            '(mlflow.log_figure(fig, "roc.png"))',
            "artifacts: " + recorded.describe_artifacts() + _crashed(recorded),
            f"{saved[0]} was saved in the script's folder but never logged"
            if saved
            else f"{named[0].path} is not an image: log the figure itself"
            if named
            else "plt.show() and plt.savefig() alone store nothing in the run",
        )
    figures = [a for a in images if a.is_figure]
    if not figures:
        fail(
            f"the ROC image to be a rendered figure (at least {MIN_FIGURE_SIDE} px wide and high)",
            "ROC images: " + recorded.describe_artifacts(images),
        )
    latest = max(figures, key=lambda a: a.mtime_ms)
    if latest.file.stat().st_size <= SHOWN_IMAGE_BYTES:  # for reports that show pictures
        record_property("image", latest.file.read_bytes())
    losses = recorded.history.get("train_loss", [])
    last_loss = max((m.timestamp for m in losses), default=None)
    if last_loss is not None and latest.mtime_ms < last_loss - TIME_SLACK_MS:
        fail(
            "the ROC figure logged after training (after the last train_loss)",
            f"{latest.path} was written {(last_loss - latest.mtime_ms) / 1000:.1f} s before "
            "the last train_loss was logged",
            "a ROC curve drawn before or during training shows a model that is not trained yet",
        )


def check_model_artifact(recorded: Recorded) -> None:
    _require_run(recorded)
    if recorded.model.candidates:
        return
    why = []
    saved = _unlogged(recorded, _looks_like_torch_file)
    if saved:
        why.append(
            f"{saved[0]} was saved in the script's folder but never logged: "
            f'mlflow.log_artifact("{saved[0]}")'
        )
    if recorded.logged_models:
        uris = ", ".join(f"models:/{m.model_id}" for m in recorded.logged_models[:3])
        why.append(
            f"mlflow.pytorch.log_model stored {uris} outside the run's artifacts, holding the "
            "whole model (pickled or exported), not its state_dict: log the state_dict file too"
        )
    fail(
        "the model's weights (a file torch.save wrote) among the run's artifacts",
        "artifacts: " + recorded.describe_artifacts() + _crashed(recorded),
        "; ".join(why),
    )


def check_state_dict_loads(recorded: Recorded) -> None:
    _require_run(recorded)
    model = recorded.model
    if model.loaded is None:
        fail(
            "a logged file that torch.load(..., weights_only=True) reads as a state_dict "
            "matching a fresh MyAwesomeModel",
            "; ".join(model.problems) or "no torch file among the run's artifacts",
        )


def check_model_trained(recorded: Recorded) -> None:
    _require_run(recorded)
    model = recorded.model
    expected = (
        f"the logged state_dict to predict the test set better than chance (accuracy at "
        f"least {BETTER_THAN_CHANCE:.0%}; guessing gets 10%)"
    )
    if model.loaded is None or model.accuracy is None:
        fail(expected, "no logged file loads as MyAwesomeModel's state_dict")
    if model.accuracy >= BETTER_THAN_CHANCE:
        return
    # Adam at a high learning rate sometimes never leaves chance (1 seed in 10 at lr=0.0123):
    # then the weights are what training made, and the run's own accuracy says so.
    recent = [m.value for m in recorded.history.get("train_accuracy", [])][-RECENT_STEPS:]
    learned = sum(recent) / len(recent) if recent else None
    if learned is not None and learned < LEARNED:
        return
    fail(
        expected,
        f"{model.loaded.path} scores {model.accuracy:.1%} on the test set"
        + (
            f", while the run's last {len(recent)} train_accuracy values average {learned:.1%}"
            if learned is not None
            else ""
        ),
        "these are untrained weights: torch.save writes the weights as they are at that "
        "moment, so save them after the training loop",
    )


def check_final_metrics(recorded: Recorded) -> None:
    run = _require_run(recorded)
    sources = _metric_sources(recorded)
    found = {label: _pick_metrics(values) for label, values in sources.items()}
    complete = {label: values for label, values in found.items() if len(values) == len(METRICS)}
    expected = (
        "the final accuracy, precision, recall and f1 recorded with the model, as fractions: "
        "run metrics (mlflow.log_metrics), the logged model's metadata, or a JSON beside it"
    )
    if not complete:
        best = max(found.items(), key=lambda item: len(item[1]), default=None)
        seen = (
            f"at most {', '.join(f'{k}={v:.4g}' for k, v in best[1].items())} in {best[0]}"
            if best and best[1]
            else "none of them; run metrics: " + (", ".join(sorted(run.data.metrics)) or "(none)")
        )
        in_params = _pick_metrics(run.data.params)
        fail(
            expected,
            seen + _crashed(recorded),
            "params are for the inputs of a run (they are text): log results with "
            "mlflow.log_metrics"
            if in_params
            else "",
        )
    fractions = {
        label: values
        for label, values in complete.items()
        if all(0 <= v <= 1 for v in values.values())
    }
    if not fractions:
        label, values = next(iter(complete.items()))
        fail(
            "accuracy, precision, recall and f1 as fractions between 0 and 1",
            f"{label}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()),
            "percentages (0-100) are not fractions: divide by 100"
            if any(1 < v <= 100 for v in values.values())
            else "",
        )
    model = recorded.model
    if model.accuracy is None or model.accuracy < BETTER_THAN_CHANCE:
        return  # the model checks say what is wrong with the model itself
    if not any(
        abs(values["accuracy"] - model.accuracy) <= ACCURACY_TOLERANCE
        for values in fractions.values()
    ):
        label, values = next(iter(fractions.items()))
        fail(
            "the logged accuracy to be that of the logged model on the test set "
            f"(within {ACCURACY_TOLERANCE:.2f})",
            f"accuracy {values['accuracy']:.4f} in {label}, but {model.loaded.path} scores "
            f"{model.accuracy:.4f} on the test set",
            "compute the metrics after training, with the model you log, on the test set",
        )


# -- the model ---------------------------------------------------------------------------------


def _looks_like_torch_file(path: Path) -> bool:
    if path.suffix.lower() in TORCH_SUFFIXES:
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith("data.pkl") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _unlogged(seen: Recorded, wanted, mlflow_too: bool = False) -> list[str]:
    """Files the script left in its working folder that ``wanted`` accepts (not those in
    MLflow's ./mlruns unless ``mlflow_too``)."""
    folder = seen.student.result.workdir
    if not folder.is_dir():
        return []
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file()
        and (mlflow_too or "mlruns" not in path.relative_to(folder).parts)
        and path.stat().st_size < 50_000_000
        and wanted(path)
    )[:3]


def _load_model(seen: Recorded) -> LoadedModel:
    candidates = [a for a in seen.artifacts if not a.is_image and _looks_like_torch_file(a.file)]
    result = LoadedModel(candidates, [])
    loadable = []
    for artifact in candidates:
        problem, state = _load_state_dict(artifact.file)
        if problem is None:
            loadable.append((artifact, state))
        else:
            result.problems.append(f"{artifact.path}: {problem}")
    if loadable:
        result.loaded, state = max(loadable, key=lambda item: item[0].mtime_ms)
        result.accuracy = _test_accuracy(state)
    return result


def _load_state_dict(path: Path) -> tuple[str | None, Any]:
    """(why the file is not MyAwesomeModel's state_dict or None, the state_dict)."""
    import torch  # only this exercise's model checks need torch in the grader's process

    from my_project.model import MyAwesomeModel

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # any unpickling failure is the student's
        return (
            "not loadable with weights_only=True (a whole pickled model? save "
            f"model.state_dict() instead): {type(error).__name__}: {_plain(str(error))[:300]}"
        ), None
    if not isinstance(state, dict):
        return f"it holds a {type(state).__name__}, not a state_dict", None
    expected = MyAwesomeModel().state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        return _key_mismatch(missing, unexpected, state), None
    try:
        MyAwesomeModel().load_state_dict(state)
    except Exception as error:
        return f"load_state_dict failed: {_plain(str(error))[:300]}", None
    return None, state


def _key_mismatch(missing: list[str], unexpected: list[Any], state: dict) -> str:
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
    elif any(isinstance(state.get(key), dict) for key in unexpected):
        text += " (a checkpoint holding the state_dict under a key: save model.state_dict() alone)"
    return text


def _test_accuracy(state: dict) -> float:
    import torch

    from my_project.data import corrupt_mnist
    from my_project.model import MyAwesomeModel

    model = MyAwesomeModel()
    model.load_state_dict(state)
    model.eval()
    _, test_set = corrupt_mnist()
    images, labels = test_set.tensors
    with torch.no_grad():
        return (model(images).argmax(dim=1) == labels).float().mean().item()


def _plain(text: str) -> str:
    """Error text without terminal colour codes (torch adds some)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\n", " ")


# -- the metrics -------------------------------------------------------------------------------


def _metric_sources(seen: Recorded) -> dict[str, dict[str, Any]]:
    """Every place final metrics may be recorded: label -> {key: value}."""
    run = seen.run
    sources: dict[str, dict[str, Any]] = {"the run's metrics": dict(run.data.metrics)}
    tags = {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}
    sources["the run's tags"] = tags
    for model in seen.logged_models:
        sources[f"models:/{model.model_id} metrics"] = {m.key: m.value for m in model.metrics}
        sources[f"models:/{model.model_id} metadata"] = _logged_model_metadata(seen, model)
    for artifact in seen.artifacts:
        if artifact.name.endswith(DICT_SUFFIXES) and "grad" not in artifact.name:
            sources[artifact.path] = _flatten(_read_dict(artifact))
    return sources


def _logged_model_metadata(seen: Recorded, model: Any) -> dict[str, Any]:
    folder = seen.store.local_path(model.artifact_location)
    if folder is None or not (folder / "MLmodel").is_file():
        return {}
    try:
        import yaml  # MLflow's own dependency

        text = yaml.safe_load((folder / "MLmodel").read_text())
    except Exception:  # an unreadable MLmodel holds no metadata
        return {}
    metadata = text.get("metadata") if isinstance(text, dict) else None
    return _flatten(metadata) if isinstance(metadata, dict) else {}


def _pick_metrics(values: dict[str, Any]) -> dict[str, float]:
    """The value of each of METRICS in ``values`` (keys naming it, not training ones)."""
    picked = {}
    for name, words in METRICS.items():
        keys = [
            key
            for key in values
            if any(word in key.lower() for word in words)
            and "train" not in key.lower()
            and _number(values[key]) is not None
        ]
        keys.sort(key=lambda key: ("test" not in key.lower(), len(key), key))
        if keys:
            picked[name] = _number(values[keys[0]])
    return picked


def _number(value: Any) -> float | None:
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _read_dict(artifact: Artifact) -> Any:
    try:
        if artifact.file.stat().st_size > 5_000_000:
            return None
        text = artifact.file.read_text()
        if artifact.name.endswith(".json"):
            return json.loads(text)
        import yaml  # MLflow's own dependency

        return yaml.safe_load(text)
    except Exception:  # not JSON/YAML: holds nothing the checks read
        return None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    flat: dict[str, Any] = {}
    for key, inner in value.items():
        name = f"{prefix}{key}"
        if isinstance(inner, dict):
            flat.update(_flatten(inner, name + "/"))
        else:
            flat[name] = inner
    return flat


def _grad_bins(value: Any, named: bool, depth: int = 0) -> int:
    """The longest list of numbers in ``value`` that a path or key naming gradients holds."""
    if named:
        return _numbers_in(value)
    if not isinstance(value, dict) or depth > 4:
        return 0
    return max(
        (_grad_bins(v, "grad" in str(k).lower(), depth + 1) for k, v in value.items()),
        default=0,
    )


def _numbers_in(value: Any, depth: int = 0) -> int:
    """The length of the longest list of numbers in ``value`` (bins or counts)."""
    if depth > 4:
        return 0
    if isinstance(value, list):
        if value and all(is_number(v) for v in value):
            return len(value)
        return max((_numbers_in(v, depth + 1) for v in value), default=0)
    if isinstance(value, dict):
        return max((_numbers_in(v, depth + 1) for v in value.values()), default=0)
    return 0


def _jpeg_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a JPEG, from its first frame header (None if it is not one)."""
    try:
        data = path.read_bytes()[:65536]
    except OSError:
        return None
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return width, height
        at += 2 + length
    return None
