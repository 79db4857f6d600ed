"""Exercise 18: pick the best run of an MLflow experiment by a metric (maximize or minimize),
register its model as a new version of a registered model and point an alias at it.

The script runs twice, in parallel, each against a fresh sqlite store that the grader fills
first with the store's client: once maximizing ``accuracy`` over ``corrupt_mnist`` (its
registered model already holds two versions of older runs, the alias on the second), once
minimizing ``misclassified`` over ``corrupt_mnist_augmented`` into a registered model that does
not exist yet (options written ``--name=value``). Each store holds both experiments; the one
not named holds two runs better than any of the named one, so searching every experiment, or a
hard-coded one, picks a run that tells so.

The named experiment has eleven runs whose metrics are drawn anew for every grading, each
logged once per epoch (steps 0, 1, ...), the model logged as MLflow 3 does it
(``log_model(..., name="model")``: a logged model, ``runs:/<run>/model``), the evaluation
metrics linked to that logged model too, so ranking logged models works as well as ranking runs.
A run's value is its latest (``run.data.metrics``); ties go to the run that started last. The
draw always has

- a FAILED run (it crashed while saving its model) whose latest values beat every finished run
  in both metrics, and a finished run that never logged either (its evaluation was skipped);
  neither is the oldest or the newest run;
- a unique best latest accuracy, neither the oldest nor the newest run;
- exactly two runs tied at the fewest latest misclassified, neither the oldest nor the newest,
  so the one that started later must win;
- a run whose latest count is 100 or more, so comparing values as text ("104.0" < "38.0")
  picks it; a unique most misclassified;
- a run whose first value (epoch 0) is the best first value of its metric, and a run whose
  best-ever value (an earlier epoch) beats the best latest value, for each metric;
- a newest run that is no extreme of any of these, so registering it tells only "newest".

In the minimizing store all those runs are distinct (each known mistake picks its own run, and
the feedback can name the mistake); the best and the worst accuracy are two more of them.

What is judged is what the registry holds afterwards: the versions the script created (every
version but the seeded ones), the run whose model each one's ``source`` designates, and where
the alias points, against what the grader seeded, never the script's printout.
"""

from __future__ import annotations

import random
import secrets
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from grader.judge.failure import fail
from grader.readers.mlflow_store import MlflowStore
from grader.running import MlflowRun, new_store, run_mlflow
from grader.sandbox import Sandbox

SCRIPT = "register_best.py"
RUNS = 11  # in the named experiment, oldest first; the last is the newest
NEWEST = RUNS - 1
MODEL = "model"  # the name every training run logged its model under
TEST_IMAGES = 1000  # misclassified counts are out of this many test images
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Plan:
    experiment: str
    other: str  # the store's other experiment (better runs, not to be considered)
    metric: str
    goal: str
    name: str
    alias: str
    registered: bool  # the registered model exists before the run, with two versions
    equals_form: bool  # options written --name=value instead of --name value

    def args(self) -> list[str]:
        options = {
            "--experiment": self.experiment,
            "--metric": self.metric,
            "--goal": self.goal,
            "--name": self.name,
            "--alias": self.alias,
        }
        if self.equals_form:
            return [f"{k}={v}" for k, v in options.items()]
        return [part for item in options.items() for part in item]


MAXIMIZE = Plan(
    "corrupt_mnist",
    "corrupt_mnist_augmented",
    "accuracy",
    "maximize",
    "corrupt_mnist_model",
    "best",
    registered=True,
    equals_form=False,
)
MINIMIZE = Plan(
    "corrupt_mnist_augmented",
    "corrupt_mnist",
    "misclassified",
    "minimize",
    "corrupt_mnist_fewest_errors",
    "fewest_errors",
    registered=False,
    equals_form=True,
)
METRICS = ("accuracy", "misclassified")


# -- the experiment, drawn for each store ------------------------------------------------------


@dataclass
class RunSpec:
    """One training run as the grader records it."""

    name: str
    status: str  # FINISHED or FAILED
    history: dict[str, list[float]]  # metric -> value per epoch (absent: never logged)
    params: dict[str, str]
    index: int | None = None  # in the named experiment (None: a run of the other one)

    @property
    def epochs(self) -> int:
        return int(self.params["epochs"])

    def latest(self, metric: str) -> float | None:
        values = self.history.get(metric)
        return values[-1] if values else None


ADJECTIVES = (
    "amber", "bold", "brave", "calm", "clever", "crisp", "dapper", "eager", "fancy", "gentle",
    "glad", "honest", "jolly", "keen", "lively", "lucky", "mellow", "nimble", "proud", "quick",
    "quiet", "rare", "shy", "silent", "sunny", "swift", "tidy", "vivid", "warm", "witty",
)  # fmt: skip
ANIMALS = (
    "ant", "bat", "bee", "carp", "crab", "crow", "deer", "dove", "eel", "elk", "finch", "fox",
    "gnu", "hare", "hawk", "ibis", "jay", "koi", "lark", "lynx", "mole", "moth", "newt", "owl",
    "pike", "ram", "seal", "slug", "toad", "vole", "wasp", "wolf", "wren", "yak",
)  # fmt: skip


def _names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(ADJECTIVES)}-{rng.choice(ANIMALS)}-{rng.randint(100, 999)}")
    return rng.sample(sorted(names), count)


def _line(start: int, end: int, epochs: int) -> list[int]:
    """From ``start`` at epoch 0 to ``end`` at the last epoch, in even steps."""
    return [start + (end - start) * s // (epochs - 1) for s in range(epochs)]


def _through(start: int, extreme: int, at: int, end: int, epochs: int) -> list[int]:
    """From ``start`` to ``extreme`` at epoch ``at`` (neither the first nor the last), then
    back to ``end``."""
    return _line(start, extreme, at + 1) + _line(extreme, end, epochs - at)[1:]


def draw_experiment(rng: random.Random) -> list[RunSpec]:
    """The named experiment's eleven runs, as described in the module's docstring."""
    while True:
        specs = _draw(rng)
        if _fair(specs):
            return specs


def _draw(rng: random.Random) -> list[RunSpec]:
    failed, skipped = rng.sample(range(1, NEWEST), 2)
    scored = [i for i in range(RUNS) if i not in (failed, skipped)]
    older = [i for i in scored if i != NEWEST]  # eight runs, one role each (minimizing)
    while True:
        roles = rng.sample(older, len(older))
        tied_a, tied_b, best_acc, worst_acc, most, as_text, first_m, peak_m = roles
        if 0 not in (tied_a, tied_b, best_acc):
            break
    first_a, peak_a = rng.sample([i for i in older if i not in (best_acc, worst_acc)], 2)
    epochs = {i: rng.randint(3, 5) for i in range(RUNS)}
    epochs[peak_a] = max(epochs[peak_a], 4)
    epochs[peak_m] = max(epochs[peak_m], 4)

    # accuracy (in units of 0.0001): latest values distinct, rising per epoch
    finals = sorted(rng.sample(range(8000, 9700), len(scored)))
    top, bottom, middle = finals[-1], finals[0], finals[1:-1]
    rng.shuffle(middle)
    final_acc = {best_acc: top, worst_acc: bottom}
    final_acc.update(zip([i for i in scored if i not in final_acc], middle, strict=True))
    final_acc[failed] = top + rng.randint(20, 150)
    accuracy = {}
    for i in (*scored, failed):
        rise = rng.randint(150, 600) * (epochs[i] - 1)
        accuracy[i] = _line(final_acc[i] - rise, final_acc[i], epochs[i])
    peak = top + rng.randint(40, 200)  # peak_a's best epoch beats the best latest value
    at = rng.randint(1, epochs[peak_a] - 2)
    start = peak - rng.randint(300, 700) * at
    accuracy[peak_a] = _through(start, peak, at, final_acc[peak_a], epochs[peak_a])
    firsts = [accuracy[i][0] for i in (*scored, failed) if i != first_a]
    first = min(max(firsts) + rng.randint(30, 120), top - 20)  # best epoch 0, ends below top
    accuracy[first_a] = _line(first, final_acc[first_a], epochs[first_a])

    # misclassified: counts, falling per epoch
    fewest = rng.randint(25, 60)
    final_m = {i: rng.randint(fewest + 3, 99) for i in scored}
    final_m.update({tied_a: fewest, tied_b: fewest, most: rng.randint(210, 320)})
    final_m[as_text] = rng.randint(100, 199)
    final_m[failed] = fewest - rng.randint(3, 12)
    counts = {}
    for i in (*scored, failed):
        fall = rng.randint(5, 30) * (epochs[i] - 1)
        counts[i] = _line(final_m[i] + fall, final_m[i], epochs[i])
    low = fewest - rng.randint(2, 6)  # peak_m's best epoch beats the tie
    at = rng.randint(1, epochs[peak_m] - 2)
    start = low + rng.randint(10, 40) * at
    counts[peak_m] = _through(start, low, at, final_m[peak_m], epochs[peak_m])
    lowest_first = min(counts[i][0] for i in (*scored, failed) if i != first_m)
    start = min(fewest + rng.randint(1, 4), lowest_first - 1)
    counts[first_m] = _line(start, final_m[first_m], epochs[first_m])

    names = _names(rng, RUNS + 2)
    specs = []
    for i in range(RUNS):
        history: dict[str, list[float]] = {}
        if i != skipped:
            history["accuracy"] = [v / 10_000 for v in accuracy[i]]
            history["misclassified"] = [float(v) for v in counts[i]]
        params = {
            "lr": rng.choice(["0.0003", "0.001", "0.003", "0.01"]),
            "batch_size": rng.choice(["32", "64", "128"]),
            "epochs": str(epochs[i]),
        }
        status = "FAILED" if i == failed else "FINISHED"
        specs.append(RunSpec(names[i], status, history, params, index=i))
    return specs


def draw_other(rng: random.Random, names: set[str]) -> list[RunSpec]:
    """The other experiment's two runs, better than any of the named one."""
    specs = []
    for _ in range(2):
        name = next(n for n in _names(rng, 20) if n not in names)
        names.add(name)
        accuracy = rng.randint(9900, 9990) / 10_000
        count = float(rng.randint(1, 8))
        history = {"accuracy": [accuracy - 0.05, accuracy], "misclassified": [count + 9, count]}
        params = {"lr": "0.001", "batch_size": "64", "epochs": "2"}
        specs.append(RunSpec(name, "FINISHED", history, params))
    return specs


# -- what each mistake picks (used by the draw's fairness and by the feedback) -----------------


def scored(specs: list[RunSpec], metric: str) -> list[RunSpec]:
    """The runs that take part: finished, with the metric."""
    return [s for s in specs if s.status == "FINISHED" and s.latest(metric) is not None]


def _better(goal: str):
    return max if goal == "maximize" else min


def best_runs(specs: list[RunSpec], metric: str, goal: str) -> list[RunSpec]:
    """The runs sharing the best latest value (oldest first)."""
    competing = scored(specs, metric)
    top = _better(goal)(s.latest(metric) for s in competing)
    return [s for s in competing if s.latest(metric) == top]


def _unique(competing: list[RunSpec], key, pick) -> RunSpec | None:
    values = [key(s) for s in competing]
    winner = pick(values)
    return competing[values.index(winner)] if values.count(winner) == 1 else None


def mistakes(specs: list[RunSpec], metric: str, goal: str) -> dict[str, RunSpec | None]:
    """The run each known mistake picks (None where the mistake picks no single run)."""
    competing = scored(specs, metric)
    better = _better(goal)
    worse = min if goal == "maximize" else max
    return {
        "as text": _unique(competing, lambda s: str(s.latest(metric)), better),
        "first": _unique(competing, lambda s: s.history[metric][0], better),
        "peak": _unique(competing, lambda s: better(s.history[metric]), better),
        "worst": _unique(competing, lambda s: s.latest(metric), worse),
    }


def _fair(specs: list[RunSpec]) -> bool:
    newest, oldest = specs[NEWEST], specs[0]
    finished = [s for s in specs if s.status == "FINISHED"]
    failed = [s for s in specs if s.status == "FAILED"]
    if len(failed) != 1 or len(scored(specs, "accuracy")) != RUNS - 2:
        return False
    (crashed,) = failed
    best_acc = best_runs(specs, "accuracy", "maximize")
    tied = best_runs(specs, "misclassified", "minimize")
    acc = mistakes(specs, "accuracy", "maximize")
    mis = mistakes(specs, "misclassified", "minimize")
    if len(best_acc) != 1 or len(tied) != 2 or None in (*acc.values(), *mis.values()):
        return False
    if any(not 0 < v < 1 for s in specs for v in s.history.get("accuracy", [])):
        return False
    roles_min = [*tied, best_acc[0], acc["worst"], *mis.values(), newest]
    roles_max = [best_acc[0], acc["first"], acc["peak"], acc["worst"], newest]  # as text: right
    distinct = len({id(s) for s in roles_min}) == len(roles_min) and len(
        {id(s) for s in roles_max}
    ) == len(roles_max)
    as_text = mis["as text"]
    return (
        distinct
        and oldest not in (*tied, best_acc[0])
        and crashed.latest("accuracy") > best_acc[0].latest("accuracy")
        and crashed.latest("misclassified") < tied[0].latest("misclassified")
        and as_text is not None
        and as_text.latest("misclassified") >= 100
        and len(finished) == RUNS - 1
    )


# -- seeding a store ---------------------------------------------------------------------------


@dataclass
class SeededRun:
    spec: RunSpec
    experiment: str
    run_id: str
    model_id: str
    model_location: Path | None  # the logged model's artifact folder
    start_time: int


@dataclass
class Seeded:
    """What the grader put into one store before the run."""

    plan: Plan
    runs: list[SeededRun]  # the named experiment's, oldest first, then the other's
    versions: dict[tuple[str, str], SeededRun] = field(default_factory=dict)  # (name, version)
    alias_before: str | None = None  # the version the alias named before the run

    @property
    def named(self) -> list[SeededRun]:
        return [r for r in self.runs if r.experiment == self.plan.experiment]

    def by_run_id(self, run_id: str | None) -> SeededRun | None:
        return next((r for r in self.runs if r.run_id == run_id), None)

    def by_model_id(self, model_id: str) -> SeededRun | None:
        return next((r for r in self.runs if r.model_id == model_id), None)


def _mlmodel(run_id: str, model_id: str, created: str) -> str:
    return (
        "artifact_path: model\n"
        "flavors:\n"
        "  python_function:\n"
        "    data: data\n"
        "    env:\n"
        "      virtualenv: python_env.yaml\n"
        "    loader_module: mlflow.pytorch\n"
        "    pickle_module_name: mlflow.pytorch.pickle_module\n"
        "    python_version: 3.11.7\n"
        "  pytorch:\n"
        "    code: null\n"
        "    model_data: data\n"
        "    pytorch_version: 2.13.0\n"
        "    serialization_format: pickle\n"
        f"model_id: {model_id}\n"
        f"run_id: {run_id}\n"
        f"utc_time_created: '{created}'\n"
    )


def seed_store(store: MlflowStore, plan: Plan, staging: Path, rng: random.Random) -> Seeded:
    """Both experiments, their runs and logged models, and (maximizing) the registered model
    with its two older versions and the alias on the second."""
    from mlflow.entities import LoggedModelStatus, Metric, Param, RunTag

    client = store.client
    named = draw_experiment(rng)
    other = draw_other(rng, {s.name for s in named})
    experiments = {}
    for experiment in (plan.experiment, plan.other):
        location = store.folder / "mlruns" / experiment
        experiments[experiment] = client.create_experiment(
            experiment, artifact_location=location.as_uri()
        )
    now = int(time.time() * 1000) - rng.randint(1, 50) * 60_000
    starts = [now - (RUNS - i) * HOUR_MS - rng.randint(0, 40) * 60_000 for i in range(RUNS)]
    other_starts = sorted(rng.sample(starts, 2))
    seeded = []
    for spec, start, experiment in (
        *((s, t, plan.experiment) for s, t in zip(named, starts, strict=True)),
        *((s, t - 7 * 60_000, plan.other) for s, t in zip(other, other_starts, strict=True)),
    ):
        experiment_id = experiments[experiment]
        run = client.create_run(
            experiment_id, start_time=start, tags={"job_type": "train"}, run_name=spec.name
        )
        run_id = run.info.run_id
        model = client.create_logged_model(
            experiment_id, name=MODEL, source_run_id=run_id, params=spec.params
        )
        folder = staging / run_id
        (folder / "data").mkdir(parents=True)
        created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start / 1000 + 60 * spec.epochs))
        (folder / "MLmodel").write_text(_mlmodel(run_id, model.model_id, created))
        (folder / "requirements.txt").write_text("mlflow==3.17.2\ntorch==2.13.0\n")
        (folder / "data" / "model.pth").write_bytes(b"grader placeholder for " + run_id.encode())
        client.log_model_artifacts(model.model_id, str(folder))
        metrics = []
        for epoch in range(spec.epochs):
            at = start + (epoch + 1) * 60_000
            for batch in range(4):
                loss = 2.3 * 0.6 ** (epoch + batch / 4) + rng.random() * 0.05
                step = epoch * 4 + batch
                metrics.append(Metric("train_loss", round(loss, 4), at - 40_000 + step, step))
            for key, values in spec.history.items():
                metrics.append(Metric(key, values[epoch], at, epoch, model_id=model.model_id))
        client.log_batch(
            run_id,
            metrics=metrics,
            params=[Param(k, v) for k, v in spec.params.items()],
            tags=[RunTag("mlflow.source.name", "train.py")],
        )
        done = spec.status == "FINISHED"
        status = LoggedModelStatus.READY if done else LoggedModelStatus.FAILED
        client.finalize_logged_model(model.model_id, status)
        end = start + 60_000 * spec.epochs + rng.randint(5_000, 30_000)
        client.set_terminated(run_id, spec.status, end_time=end)
        location = store.local_path(model.artifact_location)
        seeded.append(SeededRun(spec, experiment, run_id, model.model_id, location, start))
    result = Seeded(plan, seeded)
    if plan.registered:
        _seed_registry(client, result)
    return result


def _seed_registry(client: Any, seeded: Seeded) -> None:
    """Two versions of older runs (no best of anything), the alias on the second."""
    plan = seeded.plan
    specs = [r.spec for r in seeded.named]
    roles = {id(s) for s in best_runs(specs, plan.metric, plan.goal)}
    roles |= {id(s) for s in mistakes(specs, plan.metric, plan.goal).values()}
    plain = [
        r
        for r in seeded.named
        if r.spec.status == "FINISHED"
        and r.spec.latest(plan.metric) is not None
        and id(r.spec) not in roles
        and r.spec.index != NEWEST
    ]
    client.create_registered_model(plan.name, description="CNNs for corrupted MNIST")
    for run in plain[:2]:
        # runs:/ (not models:/, which MLflow would resolve through the global tracking URI)
        version = client.create_model_version(
            plan.name, f"runs:/{run.run_id}/{MODEL}", run_id=run.run_id
        )
        seeded.versions[(plan.name, str(version.version))] = run
    seeded.alias_before = str(version.version)
    client.set_registered_model_alias(plan.name, plan.alias, version.version)


@contextmanager
def _unsynced_sqlite() -> Iterator[None]:
    """SQLite connections opened meanwhile commit without fsync: seeding a scratch store needs
    no durability (what is committed is in the page cache, where the run's copy reads it), and
    on a busy machine the fsyncs were half of the seeding time."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def unsynced(connection: Any, _record: Any) -> None:
        if isinstance(connection, sqlite3.Connection):
            connection.execute("PRAGMA synchronous=OFF")

    event.listen(Engine, "connect", unsynced)
    try:
        yield
    finally:
        event.remove(Engine, "connect", unsynced)


# -- the runs ----------------------------------------------------------------------------------


@dataclass
class Graded:
    plan: Plan
    seeded: Seeded
    run: MlflowRun
    _registration: Registration | None = None

    @property
    def command(self) -> str:
        return self.run.command

    def registration(self) -> Registration:
        if self._registration is None:
            self._registration = _read_registration(self)
        return self._registration


@pytest.fixture(scope="module")
def runs(sandbox: Sandbox) -> dict[str, Graded]:
    """Seed one store, start its run, seed the next while the first starts up."""
    plans = {"maximize": MAXIMIZE, "minimize": MINIMIZE}
    with ThreadPoolExecutor(len(plans)) as pool:
        started = {}
        for key, plan in plans.items():
            store = new_store(sandbox, f"store-{key}")
            rng = random.Random(secrets.randbits(64))
            with _unsynced_sqlite():
                seeded = seed_store(store, plan, sandbox.scratch(f"staging-{key}"), rng)
            future = pool.submit(run_mlflow, sandbox, SCRIPT, plan.args(), store=store)
            started[key] = (plan, seeded, future)
    return {key: Graded(plan, seeded, f.result()) for key, (plan, seeded, f) in started.items()}


# -- reading what the script registered --------------------------------------------------------


@dataclass
class Version:
    name: str
    version: str
    source: str
    run: SeededRun | None  # the run whose model (or artifacts) the source designates
    holds_model: bool  # the source designates that run's logged model


@dataclass
class Registration:
    new: list[Version]  # the versions the script created, in creation order
    alias: str | None  # the version plan.alias names on plan.name afterwards
    pick: Version | None  # the version that counts (see _pick)


def _read_registration(graded: Graded) -> Registration:
    client = graded.run.store.client
    seeded, plan = graded.seeded, graded.plan
    try:
        found = list(client.search_model_versions(max_results=1000))
    except Exception as error:  # a store the script left unreadable
        fail(
            f"`{graded.command}` to leave its tracking store readable",
            f"MLflow could not list its model versions: {error}",
        )
    found = [v for v in found if (v.name, str(v.version)) not in seeded.versions]
    found.sort(key=lambda v: (v.creation_timestamp or 0, int(v.version)))
    new = [_version(graded, v) for v in found]
    try:
        alias: str | None = str(client.get_model_version_by_alias(plan.name, plan.alias).version)
    except Exception:
        alias = None
    return Registration(new, alias, _pick(new, alias, plan))


def _pick(new: list[Version], alias: str | None, plan: Plan) -> Version | None:
    """The version the alias names if the script made it, else its last one under --name,
    else its last one anywhere."""
    named = [v for v in new if v.name == plan.name]
    aliased = [v for v in named if v.version == alias]
    return (aliased or named or new or [None])[-1]


def _version(graded: Graded, version: Any) -> Version:
    run, holds = _designated(graded, version.source or "", version.run_id)
    return Version(version.name, str(version.version), version.source or "", run, holds)


def _designated(graded: Graded, source: str, run_id: str | None) -> tuple[SeededRun | None, bool]:
    """Which seeded run's model a version's source names: ``runs:/<run>/model`` (MLflow 3
    resolves it to the run's logged model of that name), ``models:/<model_id>``, another
    registered version (``models:/<name>/<v>``, ``models:/<name>@<alias>``) or a folder; and
    whether it is the model itself rather than, say, the run's (empty) artifact folder."""
    seeded, client = graded.seeded, graded.run.store.client
    for _ in range(4):
        if source.startswith("runs:/"):
            run_part, _, path = source.removeprefix("runs:/").partition("/")
            run = seeded.by_run_id(run_part)
            return run, run is not None and path.strip("/") == MODEL
        if source.startswith("models:/"):
            ref = source.removeprefix("models:/").strip("/")
            if (run := seeded.by_model_id(ref)) is not None:
                return run, True
            try:
                if "@" in ref:
                    name, alias = ref.rsplit("@", 1)
                    source = client.get_model_version_by_alias(name, alias).source or ""
                else:
                    name, _, number = ref.rpartition("/")
                    source = client.get_model_version(name, number).source or ""
            except Exception:
                break
            continue
        path = _path(source)
        if path is None:
            break
        for run in seeded.runs:
            if run.model_location is not None and path == run.model_location.resolve():
                return run, True
        for run in seeded.runs:  # a folder below a run's own artifacts
            if run.run_id in path.parts:
                return run, False
        break
    return seeded.by_run_id(run_id), False


def _path(source: str) -> Path | None:
    parsed = urlparse(source)
    if parsed.scheme not in ("", "file"):
        return None
    try:
        return Path(unquote(parsed.path if parsed.scheme else source)).resolve()
    except (OSError, ValueError):
        return None


def _stray_store(run: MlflowRun) -> str:
    for folder in dict.fromkeys((run.result.workdir, run.result.cwd)):
        for name in ("mlflow.db", "mlruns"):
            if (folder / name).exists():
                return (
                    f"the script made its own store ({name} in its folder): it must use the one "
                    "MLFLOW_TRACKING_URI names, so set no tracking URI in the code"
                )
    return ""


def require_registration(graded: Graded) -> Registration:
    registration = graded.registration()
    if registration.pick is None:
        stray = _stray_store(graded.run)
        fail(
            f"`{graded.command}` to register a new version of the best run's model",
            "no new model version in the store MLFLOW_TRACKING_URI names\n"
            + graded.run.crash_report(),
            stray,
        )
    return registration


# -- wording -----------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def _describe(run: SeededRun, metric: str) -> str:
    spec = run.spec
    status = "" if spec.status == "FINISHED" else f", {spec.status}"
    value = spec.latest(metric)
    shown = f"{metric} {_fmt(value)}" if value is not None else f"no {metric}"
    return f"run {spec.name} ({shown}{status})"


def _table(seeded: Seeded, metric: str) -> str:
    cells = []
    for run in seeded.named:
        spec = run.spec
        value = "(none)" if spec.latest(metric) is None else _fmt(spec.latest(metric))
        mark = " FAILED" if spec.status == "FAILED" else ""
        cells.append(f"{spec.name}: {value}{mark}")
    return f"the latest {metric} of the runs of {seeded.plan.experiment}, oldest first: " + (
        ", ".join(cells)
    )


def _why_not(seeded: Seeded, picked: SeededRun | None, version: Version) -> str:
    """What the wrong pick most likely came from."""
    plan = seeded.plan
    metric, goal = plan.metric, plan.goal
    if picked is None:
        return (
            f"its source {version.source!r} names no run of experiment {plan.experiment}: "
            f"register `runs:/<run_id>/{MODEL}` of the best run"
        )
    spec = picked.spec
    if picked.experiment != plan.experiment:
        return (
            f"that run belongs to experiment {picked.experiment}: only the runs of "
            f"--experiment {plan.experiment} compete"
        )
    if spec.status != "FINISHED":
        return (
            f"that run's status is {spec.status}: it crashed (before its model was saved), so "
            "it takes no part; keep only runs with status FINISHED "
            "(filter_string=\"attributes.status = 'FINISHED'\")"
        )
    if spec.latest(metric) is None:
        return (
            f"that run never logged {metric}: a run without the metric cannot be the best, skip it"
        )
    if spec.index == NEWEST:
        return "that is the newest run, not the best one"
    specs = [r.spec for r in seeded.named]
    picks = mistakes(specs, metric, goal)
    if spec is picks["as text"]:
        top = best_runs(specs, metric, goal)[0].latest(metric)
        mine = spec.latest(metric)
        order = "before" if goal == "minimize" else "after"
        return (
            f'it wins only when the values are compared as text ("{mine}" {order} "{top}"): '
            "compare them as numbers"
        )
    if spec is picks["first"]:
        first = spec.history[metric][0]
        return (
            f"its first {metric} (epoch 0: {_fmt(first)}) is the best first value, but its "
            f"latest is {_fmt(spec.latest(metric))}: a run's metric is the latest value it "
            "logged (`run.data.metrics`), not the first of its history"
        )
    if spec is picks["peak"]:
        values = spec.history[metric]
        best = _better(goal)(values)
        return (
            f"its best epoch ({metric} {_fmt(best)} at step {values.index(best)}) beats every "
            f"latest value, but the run ended at {_fmt(spec.latest(metric))}: a run's metric is "
            "the latest value it logged (`run.data.metrics`), not the best of its history"
        )
    if spec is picks["worst"]:
        return f"that is the worst {metric}: the goal was {goal}"
    for other in METRICS:
        if other == metric:
            continue
        extremes = (
            mistakes(specs, other, "maximize")["worst"],
            mistakes(specs, other, "minimize")["worst"],
        )
        if spec in extremes:
            return f"that run is an extreme of {other}: --metric {metric} was not used"
    return ""


# -- checks ------------------------------------------------------------------------------------


def _require_best(graded: Graded) -> None:
    plan, seeded = graded.plan, graded.seeded
    pick = require_registration(graded).pick
    assert pick is not None
    best = best_runs([r.spec for r in seeded.named], plan.metric, plan.goal)
    if pick.run is not None and pick.run.spec in best:
        return
    runs = [r for r in seeded.named if r.spec in best]
    wanted = " or ".join(_describe(r, plan.metric) for r in runs)
    what = _describe(pick.run, plan.metric) if pick.run else f"source {pick.source!r}"
    fail(
        f"`{graded.command}` to register the model of the best run by {plan.metric} "
        f"({plan.goal}): {wanted}",
        f"it registered version {pick.version} of {pick.name}: {what}\n"
        f"{_table(seeded, plan.metric)}",
        _why_not(seeded, pick.run, pick),
    )


def check_runs_cleanly(runs: dict[str, Graded]) -> None:
    for graded in runs.values():
        if not graded.run.result.ok:
            fail(
                f"`{graded.command}` to exit with code 0",
                graded.run.crash_report(),
                _stray_store(graded.run),
            )


def check_picks_best_maximize(runs: dict[str, Graded]) -> None:
    _require_best(runs["maximize"])


def check_picks_best_minimize(runs: dict[str, Graded]) -> None:
    _require_best(runs["minimize"])


def check_ties_to_newest(runs: dict[str, Graded]) -> None:
    graded = runs["minimize"]
    plan, seeded = graded.plan, graded.seeded
    pick = require_registration(graded).pick
    assert pick is not None
    best = best_runs([r.spec for r in seeded.named], plan.metric, plan.goal)
    tied = [r for r in seeded.named if r.spec in best]
    newest = max(tied, key=lambda r: r.start_time)
    if pick.run is newest:
        return
    both = " and ".join(f"run {r.spec.name}" for r in tied)
    value = _fmt(newest.spec.latest(plan.metric))
    if pick.run in tied:
        seen = f"it registered run {pick.run.spec.name}, the one that started first"
        why = (
            "the older of the tied runs won: on a tie, prefer the run that started last "
            "(`run.info.start_time`; search_runs lists the newest first)"
        )
    else:
        seen = f"it registered {_describe(pick.run, plan.metric) if pick.run else pick.source}"
        why = "that is not one of the tied best runs at all (see the minimize check)"
    fail(
        f"`{graded.command}` to register run {newest.spec.name}, the later started of {both} "
        f"(both {plan.metric} {value})",
        seen,
        why,
    )


def check_registers_one_version(runs: dict[str, Graded]) -> None:
    for graded in runs.values():
        new = require_registration(graded).new
        if len(new) > 1:
            listed = ", then ".join(
                f"{v.name} v{v.version}" + (f" (run {v.run.spec.name})" if v.run else "")
                for v in new
            )
            fail(
                f"`{graded.command}` to register one new version, once",
                f"{len(new)} new versions in one run: {listed}",
                "registering inside the loop adds every run that was best so far: find the "
                "best first, then register it once",
            )


def check_name_and_alias(runs: dict[str, Graded]) -> None:
    for graded in runs.values():
        plan, seeded = graded.plan, graded.seeded
        registration = require_registration(graded)
        pick = registration.pick
        assert pick is not None
        if pick.name != plan.name:
            fail(
                f"the new version in the registered model {plan.name} for `--name {plan.name}`",
                f"it was registered as {pick.name} v{pick.version}",
            )
        if registration.alias == pick.version:
            continue
        expected = f"the alias {plan.alias} of {plan.name} on version {pick.version}, the new one"
        if registration.alias is None:
            fail(expected, f"{plan.name} has no alias {plan.alias}")
        before = seeded.versions.get((plan.name, registration.alias))
        if before is not None:
            moved = registration.alias != seeded.alias_before
            fail(
                expected,
                f"the alias points at version {registration.alias}, registered before the "
                f"script ran (run {before.spec.name})",
                "that version number is written into the script: set the alias on the version "
                "register_model (or create_model_version) returned, `version.version`"
                if moved
                else "the alias was never moved: set_registered_model_alias(name, alias, "
                "version.version) after registering",
            )
        fail(expected, f"the alias points at version {registration.alias}")


def check_version_holds_model(runs: dict[str, Graded]) -> None:
    for graded in runs.values():
        pick = require_registration(graded).pick
        assert pick is not None
        if pick.holds_model:
            continue
        why = ""
        if pick.run is not None:
            why = (
                "that is a place among the run's own artifacts, and it holds nothing: in MLflow 3 "
                "log_model stores the model as a logged model (models:/<model_id>), not among "
                f"the run's artifacts; register `runs:/<run_id>/{MODEL}` with "
                "mlflow.register_model, which finds it"
            )
        fail(
            f"version {pick.version} of {pick.name} to hold the model that run logged "
            f"(source `runs:/<run_id>/{MODEL}` or `models:/<model_id>`)",
            f"its source is {graded.run.result.tidy(pick.source)!r}",
            why,
        )
