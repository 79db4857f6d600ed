"""Exercise 15: a training run logged to MLflow: experiment, job_type tag, params from the
command line, per-step scalars, a finished run.

train.py runs once with deliberately unusual values (``--lr=0.0123 --batch_size=48
--epochs=1``) against a tracking store of its own (``MLFLOW_TRACKING_URI``, see
``grader/running/tracking.py``); the checks read back with ``MlflowClient`` what MLflow
recorded. A script that sets a sqlite tracking URI of its own (``sqlite:///mlflow.db``, as
MLflow's quickstart does) is read from that database instead: where the runs go is not what is
taught here. sqlite files that runs by hand left in the student's folder are removed from the
run's copy first, so only what this run recorded is judged. An HTTP tracking URI finds no
server in the sandbox; MLflow is told not to retry, so such a script fails at once rather than
at the time limit.

The training run is the one tagged ``job_type=train`` (else the one with most ``train_loss``
values) among every run of every experiment, so that a wrong experiment costs only its check.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.checks.wandb_checks import TRAIN_SIZE, expected_steps, refused_options
from grader.course import Exercise
from grader.judge.failure import fail
from grader.readers.mlflow_store import MlflowStore
from grader.readers.values import is_number
from grader.running import MlflowRun, run_mlflow
from grader.running.training import parse_cli

EXPERIMENT = "corrupt_mnist"
JOB_TYPE = "train"
SCALARS = ("train_loss", "train_accuracy")
# No retries against a tracking server that cannot exist in the sandbox (MLflow's default
# backs off for minutes), and no long wait for one.
FAIL_FAST = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"}
SQLITE_HEADER = b"SQLite format 3\x00"


# -- the run and what it recorded --------------------------------------------------------------


class _OwnDatabase(MlflowStore):
    """A sqlite store the script chose itself (``sqlite:///mlflow.db``) in its own folder."""

    def __init__(self, database: Path, readable: tuple[Path, ...]) -> None:
        super().__init__(database.parent, readable)
        self.database = database

    @property
    def uri(self) -> str:
        return f"sqlite:///{self.database}"


@dataclass
class Logged:
    """One run of train.py and the MLflow runs it recorded (every experiment)."""

    student: MlflowRun
    args: dict
    store: MlflowStore | None = None
    runs: list[Any] = field(default_factory=list)
    experiments: dict[str, str] = field(default_factory=dict)  # id -> name
    read_errors: list[str] = field(default_factory=list)
    where: str = "the grader's tracking store (MLFLOW_TRACKING_URI)"

    @property
    def run(self) -> Any | None:
        """The training run: tagged job_type=train, else the one with most train_loss values."""
        if not self.runs:
            return None
        tagged = [run for run in self.runs if _job_type(run) == JOB_TYPE]
        return max(tagged or self.runs, key=lambda run: len(self.history(run, "train_loss")))

    def history(self, run: Any, key: str) -> list[tuple[int, float]]:
        if key not in run.data.metrics:
            return []
        return self.store.metric_history(run.info.run_id, key)

    def experiment_of(self, run: Any) -> str:
        return self.experiments.get(run.info.experiment_id, f"(id {run.info.experiment_id})")


def _read(student: MlflowRun, args: dict) -> Logged:
    logged = Logged(student, args, student.store)
    # The grader's own store: MLflow made it, so a failure to read it is the grader's error.
    logged.runs = student.store.runs()
    logged.experiments = {e.experiment_id: e.name for e in student.store.experiments()}
    if logged.runs:
        return logged
    result = student.result
    for database in _own_databases(result.workdir, result.cwd):
        where = f"./{result.tidy(str(database))}, the sqlite database train.py chose itself"
        store = _OwnDatabase(database, (result.workdir, result.cwd))
        try:
            runs = store.runs()
            experiments = {e.experiment_id: e.name for e in store.experiments()}
        except Exception as error:  # the script's own file, which MLflow cannot read
            logged.read_errors.append(f"{where}: {type(error).__name__}: {error}"[:400])
            continue
        if runs:
            logged.store, logged.where = store, where
            logged.runs, logged.experiments = runs, experiments
            break
    return logged


def _forget_old_databases(workdir: Path) -> None:
    """Remove from the run's copy the sqlite stores earlier runs by hand left beside train.py."""
    for database in _own_databases(workdir):
        database.unlink(missing_ok=True)


def _own_databases(*folders: Path) -> list[Path]:
    """sqlite files a script made beside itself (at most one folder down)."""
    found: dict[Path, None] = {}
    for folder in folders:
        for pattern in ("*.db", "*/*.db", "*.sqlite", "*/*.sqlite"):
            for path in sorted(folder.glob(pattern)):
                try:
                    if path.is_file() and not path.is_symlink():
                        with path.open("rb") as file:
                            if file.read(16) == SQLITE_HEADER:
                                found[path] = None
                except OSError:
                    pass
    return list(found)


@pytest.fixture(scope="module")
def logged(sandbox, exercise: Exercise) -> Logged:
    student = run_mlflow(
        sandbox, exercise.script, exercise.args, env=FAIL_FAST, prepare=_forget_old_databases
    )
    return _read(student, parse_cli(exercise.args))


# -- requirements ------------------------------------------------------------------------------


def _why_crashed(stderr: str) -> str:
    reasons = []
    if refusal := refused_options(stderr):
        reasons.append(refusal)
    if "Changing param values is not allowed" in stderr:
        reasons.append(
            "MLflow keeps one value per param: a param logged again with another value raises. "
            "Log the hyperparameters once; a value that changes during training is a metric"
        )
    if re.search(r"Connection refused|Max retries exceeded|Failed to establish", stderr):
        reasons.append(
            "train.py tried to reach a tracking server that is not there: do not set an "
            "http:// tracking URI in the script; MLflow reads MLFLOW_TRACKING_URI, which the "
            "grader sets"
        )
    return "; ".join(reasons)


def require_exit_zero(logged: Logged) -> None:
    student = logged.student
    if not student.result.ok:
        fail(
            f"`{student.command}` to exit with code 0",
            student.crash_report(),
            _why_crashed(student.result.stderr),
        )


def require_mlflow_run(logged: Logged) -> Any:
    run = logged.run
    if run is None:
        seen = f"no MLflow run was recorded in {logged.where}"
        result = logged.student.result
        if not result.ok:
            # The first check shows the traceback; every other check only says how it ended.
            seen += f"; the run of train.py {result.status()} (the first check says why)"
        why = "; ".join(logged.read_errors)
        if not why and result.ok:
            why = "train.py ran to its end without starting a run: is mlflow.start_run() called?"
        fail("an MLflow run started with mlflow.start_run()", seen, why)
    return run


def _job_type(run: Any) -> str | None:
    for key, value in run.data.tags.items():
        if _key(key) in ("job_type", "jobtype"):
            return value
    return None


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def require_experiment_and_job_type(logged: Logged, run: Any) -> None:
    experiment = logged.experiment_of(run)
    job_type = _job_type(run)
    if _key(experiment) == EXPERIMENT and job_type == JOB_TYPE:
        return
    whys = []
    if experiment == "Default":
        whys.append(
            "without mlflow.set_experiment(...) (or MLFLOW_EXPERIMENT_NAME) MLflow files runs "
            "under the experiment 'Default'"
        )
    if job_type is None:
        tags = {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}
        if run.data.tags.get("mlflow.runName") == JOB_TYPE:
            whys.append(
                "'train' is the run's name (run_name=...), which MLflow keeps as the tag "
                "mlflow.runName; the job type needs a tag of its own called job_type"
            )
        elif any(_key(k) == "job_type" for k in run.data.params):
            whys.append("job_type was logged as a param: make it a tag (mlflow.set_tag)")
        elif wrong := [k for k, v in tags.items() if v == JOB_TYPE]:
            whys.append(f"the tag {wrong[0]!r} holds 'train': the tag must be called job_type")
    tag = f"tag job_type {job_type!r}" if job_type is not None else "no tag job_type"
    fail(
        f'the run in the experiment "{EXPERIMENT}" (mlflow.set_experiment) with the tag '
        f'job_type="{JOB_TYPE}"',
        f"experiment {experiment!r}, {tag}",
        "; ".join(whys),
    )


def _param(run: Any, name: str) -> str | None:
    for key, value in run.data.params.items():
        if _key(key) == name:
            return value
    return None


def _number(text: str | None) -> float | None:
    try:
        value = float(text)  # MLflow stores every param as text: '0.0123', '48'
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def require_params_from_cli(run: Any, args: dict) -> None:
    seen = {name: _param(run, name) for name in args}
    wrong = {
        name: value
        for name, value in seen.items()
        if (number := _number(value)) is None or not math.isclose(number, args[name], rel_tol=1e-9)
    }
    if not wrong:
        return
    given = ", ".join(f"{name}={value}" for name, value in args.items())
    shown = ", ".join(
        f"{name}={value!r}" if value is not None else f"{name} (missing)"
        for name, value in wrong.items()
    )
    missing = [name for name, value in wrong.items() if value is None]
    if missing and len(missing) == len(args) and not run.data.params:
        why = "the run has no params: log them with mlflow.log_params(vars(args))"
    elif missing:
        others = ", ".join(sorted(run.data.params)) or "none"
        why = f"no param named {missing[0]} (the run's params: {others})"
    else:
        why = (
            "the params keep values typed into the script: the command line is not read, or "
            "not what is passed to mlflow.log_params"
        )
    fail(f"the run's params to hold the command-line values {given}", f"params {shown}", why)


def _batch_size_for(values: int, epochs: int) -> list[int]:
    return [size for size in range(1, 513) if math.ceil(TRAIN_SIZE / size) * epochs == values]


def require_metrics_per_step(logged: Logged, run: Any) -> None:
    args = logged.args
    wanted = expected_steps(args)
    histories = {key: logged.history(run, key) for key in SCALARS}
    counts = {key: len(history) for key, history in histories.items()}
    distinct = {key: len({step for step, _ in history}) for key, history in histories.items()}
    if all(counts[key] in wanted and distinct[key] == counts[key] for key in SCALARS):
        return
    steps = " or ".join(str(n) for n in sorted(wanted))
    seen = ", ".join(
        f"{key}: {_many(counts[key], 'value')} at {_many(distinct[key], 'distinct step')}"
        if counts[key]
        else f"{key}: none"
        for key in SCALARS
    )
    values = max(counts.values())
    detail = ""
    if not logged.student.result.ok and values < min(wanted):
        detail = f"the script stopped after {values} logged steps: {logged.student.result.status()}"
    elif not all(counts.values()):
        absent = next(key for key in SCALARS if not counts[key])
        others = ", ".join(sorted(run.data.metrics)) or "none"
        detail = f"no metric named {absent} (the run's metrics: {others})"
    elif values == args["epochs"]:
        detail = "that is one value per epoch: log inside the batch loop, after optimizer.step()"
    elif all(counts[key] in wanted for key in SCALARS):
        repeated = next(key for key in SCALARS if distinct[key] < counts[key])
        shared = sorted({step for step, _ in histories[repeated]})
        where = (
            f"every {repeated} value is at step {shared[0]}"
            if len(shared) == 1
            else f"{repeated} values share steps ({', '.join(map(str, shared[:3]))}, ...)"
        )
        detail = (
            f"{where}: MLflow puts a value logged without step= at step 0; pass step= with a "
            "number that grows by one each optimizer step"
        )
    elif sizes := _batch_size_for(values, args["epochs"]):
        detail = (
            f"{values} values is what batches of {sizes[0]} give: is the DataLoader built "
            "with the batch_size from the command line?"
        )
    fail(
        f"train_loss and train_accuracy logged at every optimizer step, each at its own step "
        f"(step=): {steps} values for {TRAIN_SIZE} images, batch_size={args['batch_size']}, "
        f"epochs={args['epochs']}",
        seen,
        detail,
    )


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def require_accuracy_fraction(logged: Logged, run: Any) -> None:
    values = [value for _, value in logged.history(run, "train_accuracy")]
    if not values:
        fail("train_accuracy values between 0 and 1", "no metric train_accuracy was logged")
    bad = [v for v in values if not is_number(v) or not 0 <= v <= 1]
    if bad:
        fail(
            "train_accuracy as a fraction between 0 and 1",
            f"{len(bad)} of {len(values)} values outside [0, 1], e.g. {bad[0]!r}",
            "a value above 1 looks like a percentage or a count of correct images: divide "
            "by the batch size"
            if bad[0] > 1
            else "",
        )


def require_finished(logged: Logged, run: Any) -> None:
    status = run.info.status
    if status == "FINISHED":
        return
    if status == "RUNNING":
        why = (
            "the process ended without ending the run: os._exit or a kill before "
            "mlflow.end_run(), or MlflowClient.create_run(...) without "
            "client.set_terminated(run_id)"
        )
    elif status == "FAILED":
        why = 'an exception left the `with mlflow.start_run():` block, or end_run(status="FAILED")'
    else:
        why = f"the run was ended with status {status}: end it with mlflow.end_run() (FINISHED)"
    seen = f"the run's status is {status}"
    student = logged.student
    if not student.result.ok or not student.trace.finished:
        seen += "\n" + student.crash_report()
    fail("the MLflow run to end with status FINISHED", seen, why)


# -- the checks --------------------------------------------------------------------------------


def check_runs_cleanly(logged: Logged) -> None:
    require_exit_zero(logged)


def check_experiment_and_job_type(logged: Logged) -> None:
    require_experiment_and_job_type(logged, require_mlflow_run(logged))


def check_params_from_cli(logged: Logged) -> None:
    require_params_from_cli(require_mlflow_run(logged), logged.args)


def check_metrics_every_step(logged: Logged) -> None:
    require_metrics_per_step(logged, require_mlflow_run(logged))


def check_accuracy_is_fraction(logged: Logged) -> None:
    require_accuracy_fraction(logged, require_mlflow_run(logged))


def check_run_finishes(logged: Logged) -> None:
    require_finished(logged, require_mlflow_run(logged))
