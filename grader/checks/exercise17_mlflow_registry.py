"""Exercise 17: register a training run's model folder in MLflow's model registry and point
aliases at the new version.

The script runs twice, in parallel, each against a tracking store of its own that the grader
fills first (through ``MlflowClient``): an experiment ``corrupt_mnist`` whose finished training
runs each hold ``model/model.pth`` (a ``MyAwesomeModel`` state_dict, different per run) and
``metrics.json`` at the artifact root, and a registry holding earlier versions.

- "existing": ``corrupt_mnist_model`` already has version 1 (alias ``staging``) and version 2
  (alias ``production``). The run asked for is neither the newest nor the best by accuracy nor
  one registered before, so picking "the latest" or "the best" shows. ``--alias staging`` must
  move ``staging`` to the new version 3 and leave ``production`` on version 2.
- "new": the asked name ``corrupt_mnist_candidates`` does not exist yet (``corrupt_mnist_model``
  does, so a hard-coded name shows), and two aliases are given, written ``--alias=...``.

What is judged is the registry before and after each run, read with ``MlflowClient``: which
version is new, where it is, what its source and run are, what the aliases point at, and that
nothing else changed. Sources are resolved by the grader itself (``runs:/``, ``file:`` or a
path), and only below the store's folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pytest

from grader.judge.failure import fail
from grader.readers.mlflow_store import MlflowStore
from grader.running import MlflowRun, new_store, run_mlflow
from grader.sandbox import Sandbox

SCRIPT = "register_model.py"
EXPERIMENT = "corrupt_mnist"
MODEL_FOLDER = "model"
WEIGHTS = "model.pth"
READY = "READY"
_WEIGHTS_LOCK = threading.Lock()  # both plans seed at once; torch's RNG is global


@dataclass(frozen=True)
class SeedRun:
    name: str
    accuracy: float
    lr: float


@dataclass(frozen=True)
class SeedVersion:
    run: str  # the training run's name
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Plan:
    key: str
    model: str  # the registered model's name asked for
    aliases: tuple[str, ...]
    equals_form: bool  # --alias=NAME instead of --alias NAME
    runs: tuple[SeedRun, ...]  # oldest first
    asked: str  # the run given on the command line
    registered: dict[str, tuple[SeedVersion, ...]]  # registered before the script runs

    def args(self, run_id: str) -> list[str]:
        if self.equals_form:
            return [run_id, self.model, *(f"--alias={a}" for a in self.aliases)]
        return [run_id, self.model, *(part for a in self.aliases for part in ("--alias", a))]


EXISTING = Plan(
    key="existing",
    model="corrupt_mnist_model",
    aliases=("staging",),
    equals_form=False,
    runs=(
        SeedRun("brave-owl", 0.8125, 0.01),
        SeedRun("calm-fox", 0.9347, 0.003),  # the best
        SeedRun("eager-cat", 0.8712, 0.001),  # asked for
        SeedRun("quick-elk", 0.8461, 0.03),  # the newest
    ),
    asked="eager-cat",
    registered={
        "corrupt_mnist_model": (
            SeedVersion("brave-owl", ("staging",), "first baseline"),
            SeedVersion("calm-fox", ("production",), "serving since last week"),
        ),
    },
)
NEW = Plan(
    key="new",
    model="corrupt_mnist_candidates",
    aliases=("candidate", "reviewed"),
    equals_form=True,
    runs=(
        SeedRun("sly-hare", 0.9021, 0.003),  # the best
        SeedRun("deft-jay", 0.8633, 0.002),  # asked for
        SeedRun("wise-crow", 0.8304, 0.02),  # the newest
    ),
    asked="deft-jay",
    registered={
        "corrupt_mnist_model": (SeedVersion("sly-hare", ("production",), "serving"),),
    },
)
PLANS = (EXISTING, NEW)


# -- the registry as MLflow reports it -------------------------------------------------------------


@dataclass(frozen=True)
class VersionState:
    model: str
    version: str
    source: str
    run_id: str
    status: str
    stage: str
    description: str
    tags: tuple[tuple[str, str], ...]
    created: int

    def key(self) -> tuple[str, str, int]:
        return (self.model, self.version, self.created)

    def label(self) -> str:
        return f"version {self.version} of {self.model}"


@dataclass(frozen=True)
class ModelState:
    name: str
    description: str
    tags: tuple[tuple[str, str], ...]
    aliases: dict[str, str]  # alias -> version
    versions: dict[str, VersionState]

    def aliases_of(self, version: str) -> list[str]:
        return sorted(a for a, v in self.aliases.items() if v == version)


Registry = dict[str, ModelState]


def read_registry(client: Any) -> Registry:
    """Every registered model with its versions and aliases. Aliases come from
    ``get_registered_model`` (``search_model_versions`` reports none on sqlite)."""
    versions: dict[str, dict[str, VersionState]] = {}
    for mv in client.search_model_versions(max_results=10000):
        state = VersionState(
            model=mv.name,
            version=str(mv.version),
            source=mv.source or "",
            run_id=mv.run_id or "",
            status=str(mv.status),
            stage=str(mv.current_stage),
            description=mv.description or "",
            tags=tuple(sorted((mv.tags or {}).items())),
            created=int(mv.creation_timestamp or 0),
        )
        versions.setdefault(mv.name, {})[state.version] = state
    registry: Registry = {}
    for listed in client.search_registered_models(max_results=1000):
        model = client.get_registered_model(listed.name)
        registry[model.name] = ModelState(
            name=model.name,
            description=model.description or "",
            tags=tuple(sorted((model.tags or {}).items())),
            aliases={a: str(v) for a, v in (model.aliases or {}).items()},
            versions=versions.get(model.name, {}),
        )
    return registry


# -- the seeded store ------------------------------------------------------------------------------


@dataclass
class Seeded:
    store: MlflowStore
    run_ids: dict[str, str]  # run name -> id
    roots: dict[str, Path]  # run id -> its artifact folder
    weights: dict[str, str]  # run id -> sha256 of its model.pth
    newest: str  # run ids of the traps
    best: str
    before: Registry

    def name_of(self, run_id: str) -> str:
        return next((n for n, i in self.run_ids.items() if i == run_id), "")


def _weights_cache() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "logging-grader" / f"exercise17-weights-torch-{package_version('torch')}"


def _weights(folder: Path, names: list[str]) -> dict[str, Path]:
    """A different MyAwesomeModel state_dict per run name, as ``folder/NAME/model.pth``.

    They are made once per torch version and cached beside the empty MLflow store, so a
    grading need not import torch (2-8 s) in the grader's own process."""
    cache = _weights_cache()
    with _WEIGHTS_LOCK:
        missing = [name for name in names if not (cache / f"{name}.pth").is_file()]
        if missing:
            _make_weights(cache, missing)
    paths = {}
    for name in names:
        path = folder / name / WEIGHTS
        path.parent.mkdir(parents=True)
        shutil.copyfile(cache / f"{name}.pth", path)
        paths[name] = path
    return paths


def _make_weights(cache: Path, names: list[str]) -> None:
    import torch  # only the first grading per torch version pays for it

    from my_project.model import MyAwesomeModel

    cache.mkdir(parents=True, exist_ok=True)
    with torch.random.fork_rng(devices=[]):
        for name in names:
            torch.manual_seed(zlib.crc32(name.encode()))
            made = cache / f".{name}.{os.getpid()}.tmp"
            torch.save(MyAwesomeModel().state_dict(), made)
            os.replace(made, cache / f"{name}.pth")  # atomic: another grading may read it


def seed_store(store: MlflowStore, plan: Plan, scratch: Path) -> Seeded:
    client = store.client
    weights = _weights(scratch, [r.name for r in plan.runs])
    location = store.folder / "mlruns" / EXPERIMENT
    experiment = client.create_experiment(EXPERIMENT, artifact_location=location.as_uri())
    run_ids, roots, digests = {}, {}, {}
    hour = 3_600_000  # ms: the runs started an hour apart, the last one an hour ago
    first = int(time.time() * 1000) - len(plan.runs) * hour
    for index, seed in enumerate(plan.runs):
        started = first + index * hour
        run = client.create_run(
            experiment, start_time=started, run_name=seed.name, tags={"job_type": "train"}
        )
        run_id = run.info.run_id
        for key, value in (("lr", seed.lr), ("batch_size", 64), ("epochs", 3)):
            client.log_param(run_id, key, value)
        client.log_metric(run_id, "accuracy", seed.accuracy, step=0)
        client.log_artifact(run_id, str(weights[seed.name]), MODEL_FOLDER)
        metrics = scratch / seed.name / "metrics.json"
        metrics.write_text(json.dumps({"accuracy": seed.accuracy}))
        client.log_artifact(run_id, str(metrics))
        client.set_terminated(run_id, end_time=started + hour // 2)
        root = store.artifact_root(client.get_run(run_id))
        if root is None:
            raise RuntimeError(f"the grader's seeded run {seed.name} has no local artifacts")
        run_ids[seed.name], roots[run_id] = run_id, root
        digests[run_id] = _sha256(weights[seed.name])
    for name, versions in plan.registered.items():
        client.create_registered_model(
            name, tags={"team": "vision"}, description="CNN for corrupted MNIST digits"
        )
        for seed_version in versions:
            run_id = run_ids[seed_version.run]
            accuracy = next(r.accuracy for r in plan.runs if r.name == seed_version.run)
            made = client.create_model_version(
                name,
                source=f"runs:/{run_id}/{MODEL_FOLDER}",
                run_id=run_id,
                tags={"accuracy": str(accuracy)},
                description=seed_version.description,
            )
            for alias in seed_version.aliases:
                client.set_registered_model_alias(name, alias, made.version)
    best = max(plan.runs, key=lambda r: r.accuracy).name
    return Seeded(
        store=store,
        run_ids=run_ids,
        roots=roots,
        weights=digests,
        newest=run_ids[plan.runs[-1].name],
        best=run_ids[best],
        before=read_registry(client),
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- one run of the script -------------------------------------------------------------------------


@dataclass
class Registration:
    plan: Plan
    seeded: Seeded
    run: MlflowRun
    after: Registry
    run_roots: dict[str, Path] = field(default_factory=dict)  # every run after, seeded or not
    own_stores: list[str] = field(default_factory=list)  # ./mlflow.db, ./mlruns made by the run

    @property
    def asked_id(self) -> str:
        return self.seeded.run_ids[self.plan.asked]

    @property
    def command(self) -> str:
        return self.run.command

    def new_versions(self) -> list[VersionState]:
        """Versions that did not exist before the run (a re-created one counts as new)."""
        before = {v.key() for model in self.seeded.before.values() for v in model.versions.values()}
        found = [
            v
            for model in self.after.values()
            for v in model.versions.values()
            if v.key() not in before
        ]
        return sorted(found, key=lambda v: (v.created, v.model, int_or_zero(v.version)))

    def primary(self) -> VersionState | None:
        """The version the run registered: the newest in the model asked for, else the
        newest anywhere."""
        new = self.new_versions()
        asked = [v for v in new if v.model == self.plan.model]
        return (asked or new or [None])[-1]

    def describe_run(self, run_id: str) -> str:
        name = self.seeded.name_of(run_id)
        if not name:
            return f"run {run_id}"
        return f"run {name} ({run_id})"


def int_or_zero(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _run(sandbox: Sandbox, plan: Plan, store: MlflowStore, seeded: Seeded) -> MlflowRun:
    return run_mlflow(sandbox, SCRIPT, plan.args(seeded.run_ids[plan.asked]), store=store)


def _read(
    sandbox: Sandbox, plan: Plan, store: MlflowStore, seeded: Seeded, run: MlflowRun
) -> Registration:
    try:
        after = read_registry(store.client)  # run_mlflow reopened it: what the run left
        roots = {}
        for listed in store.runs():
            root = store.artifact_root(listed)
            if root is not None:
                roots[listed.info.run_id] = root
    except Exception as error:  # a script may leave the store unreadable
        fail(
            f"the tracking store to stay readable after `{run.command}`",
            f"MLflow could not read it: {type(error).__name__}: {error}",
        )
    workdir = run.result.workdir
    own = [n for n in ("mlflow.db", "mlruns") if _made(workdir / n, sandbox.source / n)]
    return Registration(plan, seeded, run, after, roots, own)


def _made(path: Path, submitted: Path) -> bool:
    return path.exists() and not submitted.exists()


@pytest.fixture(scope="module")
def registrations(sandbox) -> dict[str, Registration]:
    """Each plan's store seeded here, then its script started in a thread of its own while
    the next plan is seeded; the stores are read here too. The runs' threads only wait, and
    only this one imports (MLflow's client imports hundreds of modules on first use: two
    threads importing them side by side can be handed half-imported ones)."""
    started = {}
    with ThreadPoolExecutor(len(PLANS)) as pool:
        for plan in PLANS:
            store = new_store(sandbox, f"mlflow-{plan.key}")
            seeded = seed_store(store, plan, sandbox.scratch(f"weights-{plan.key}"))
            run = pool.submit(_run, sandbox, plan, store, seeded)
            started[plan.key] = (plan, store, seeded, run)
    return {
        key: _read(sandbox, plan, store, seeded, run.result())
        for key, (plan, store, seeded, run) in started.items()
    }


# -- where a version's files are -------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    run_id: str  # the run whose artifacts hold the source ("" when none does)
    relative: str | None  # the source below that run's artifact root ("" = the root)
    folder: Path | None  # the source on this machine, when the grader may read it
    kind: str = "path"  # "runs", "path", "logged model" or "other"


def locate(reg: Registration, source: str) -> Location:
    """Resolve a version's source the way MLflow would, reading only below the store."""
    if source.startswith("runs:/"):
        run_id, _, relative = source.removeprefix("runs:/").lstrip("/").partition("/")
        relative = _normal(relative)
        root = reg.run_roots.get(run_id) or reg.seeded.roots.get(run_id)
        folder = None
        if root is not None:  # a relative path may climb out (../..): read only inside
            folder = reg.seeded.store.local_path(str(root / relative if relative else root))
        return Location(run_id, relative, folder, "runs")
    if source.startswith("models:/"):
        return Location("", None, None, "logged model")
    path = reg.seeded.store.local_path(source)
    if path is None:
        return Location("", None, None, "other")
    resolved = path.resolve()
    for run_id, root in {**reg.seeded.roots, **reg.run_roots}.items():
        if resolved.is_relative_to(root.resolve()):
            relative = _normal(str(resolved.relative_to(root.resolve())))
            return Location(run_id, relative, path, "path")
    return Location("", None, path, "path")


def _normal(relative: str) -> str:
    relative = posixpath.normpath(relative.strip("/")) if relative.strip("/") else ""
    return "" if relative == "." else relative


def _files(folder: Path) -> list[str]:
    if folder.is_file():
        return [folder.name]
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# -- checks ----------------------------------------------------------------------------------------


def check_runs_cleanly(registrations: dict[str, Registration]) -> None:
    for reg in registrations.values():
        if not reg.run.result.ok:
            fail(f"`{reg.command}` to exit with code 0", reg.run.crash_report(), _crash_why(reg))


def _crash_why(reg: Registration) -> str:
    stderr = reg.run.result.stderr
    if reg.own_stores:
        return (
            f"the script made ./{' and ./'.join(reg.own_stores)}, a store of its own, instead "
            "of using the one MLFLOW_TRACKING_URI names: do not set another tracking URI in "
            "the script"
        )
    if "Unable to find a logged_model" in stderr:
        return (
            'mlflow.register_model("runs:/...") only finds models logged with a flavor\'s '
            "log_model; this run's model folder is a plain artifact folder: use "
            'MlflowClient().create_model_version(name, source=f"runs:/{run_id}/model", '
            "run_id=run_id)"
        )
    if "Invalid Model Version stage" in stderr:
        return (
            "a stage can only be None, Staging, Production or Archived, and stages are "
            "deprecated: an alias is any name you choose; set it with "
            "MlflowClient().set_registered_model_alias(name, alias, version)"
        )
    if "RESOURCE_ALREADY_EXISTS" in stderr or "already exists" in stderr:
        existing = reg.plan.model if reg.plan.model in reg.seeded.before else "the model"
        return (
            f"{existing} existed in the registry before the run: create a registered model "
            "only when it is missing (look it up first, or catch the already-exists error)"
        )
    if "not found" in stderr and "Registered Model" in stderr:
        return (
            f"{reg.plan.model} did not exist yet in this store: create the registered model "
            "when it is missing"
        )
    if re.search(r"Run (with id=|')\S+ not found", stderr):
        return (
            "the run given on the command line is in the store MLFLOW_TRACKING_URI names: "
            "let MLflow read that variable (MlflowClient() without a tracking_uri)"
        )
    return ""


def _require_version(reg: Registration) -> VersionState:
    version = reg.primary()
    if version is None:
        ended = "" if reg.run.result.ok else f" (it {reg.run.result.status()})"
        fail(
            f"`{reg.command}` to add a new version of {reg.plan.model} to the registry",
            f"no new model version in the registry{ended}; registered models: "
            f"{_listing(reg.after)}",
        )
    return version


def _listing(registry: Registry) -> str:
    if not registry:
        return "none"
    return "; ".join(
        f"{m.name} (versions {', '.join(sorted(m.versions, key=int_or_zero)) or 'none'})"
        for m in registry.values()
    )


def check_target_model(registrations: dict[str, Registration]) -> None:
    for reg in registrations.values():
        version = _require_version(reg)
        new = reg.new_versions()
        existed = reg.plan.model in reg.seeded.before
        into = f"version {_next_version(reg)} of {reg.plan.model}" + (
            "" if existed else " (a registered model created by the script)"
        )
        if version.model != reg.plan.model:
            fail(
                f"`{reg.command}` to add {into}",
                f"it registered {version.label()}",
                _wrong_model_why(reg, version),
            )
        if len(new) > 1:
            fail(
                f"`{reg.command}` to add exactly one version: {into}",
                f"{len(new)} new versions: {', '.join(v.label() for v in new)}",
                "register the run's model once",
            )


def _next_version(reg: Registration) -> str:
    model = reg.seeded.before.get(reg.plan.model)
    if model is None or not model.versions:
        return "1"
    return str(max(int_or_zero(v) for v in model.versions) + 1)


def _wrong_model_why(reg: Registration, version: VersionState) -> str:
    asked = reg.plan.model
    if version.model in reg.seeded.before:
        return (
            f"{version.model} is not the name given on the command line ({asked}): take the "
            "name from the command line instead of writing it into the script"
        )
    if version.model.lower().startswith(asked.lower()) and version.model != asked:
        return (
            f"{version.model} is a new registered model: a registry keeps one model under one "
            f"name, and each registration adds a version to it; use exactly {asked}"
        )
    return f"the name given on the command line was {asked}"


def check_registers_requested_run(registrations: dict[str, Registration]) -> None:
    for reg in registrations.values():
        version = _require_version(reg)
        where = locate(reg, version.source)
        asked = reg.asked_id
        recorded = version.run_id
        from_source = where.run_id
        # The files must be the asked run's; a source the grader cannot place in any run (a
        # logged model) passes here when the version records the asked run (model_folder
        # judges the files).
        placed = from_source == asked or (not from_source and recorded == asked)
        if placed and recorded in ("", asked):
            continue
        wrong = from_source if from_source and from_source != asked else recorded
        seen = f"{version.label()} has source {_shown(reg, version.source)}"
        if recorded:
            seen += f" and run_id {recorded}"
        if wrong and reg.seeded.name_of(wrong):
            seen += f" (run {reg.seeded.name_of(wrong)})"
        expected = (
            f"`{reg.command}` to register the model of {reg.describe_run(asked)}, the run "
            "given on the command line"
        )
        fail(expected, seen, _wrong_run_why(reg, wrong, where))


def _wrong_run_why(reg: Registration, run_id: str, where: Location) -> str:
    seeded = reg.seeded
    if not run_id:
        if where.kind == "logged model":
            return "that is a models:/ URI (a logged or registered model), not a run's artifacts"
        return "that source lies in no run's artifacts: use the run's own model folder"
    if run_id not in seeded.roots and run_id not in reg.run_roots:
        return f"there is no run {run_id} in the store"
    if run_id not in seeded.roots:
        return (
            f"{run_id} is a run the script created itself: register the training run's own "
            "model folder, do not copy the model into a new run"
        )
    name = seeded.name_of(run_id)
    if run_id == seeded.newest:
        return f"{name} is the newest run of the experiment, not the one asked for"
    if run_id == seeded.best:
        return f"{name} is the run with the best accuracy, not the one asked for"
    return f"that is {reg.describe_run(run_id)}, not the run given on the command line"


def check_model_folder(registrations: dict[str, Registration]) -> None:
    for reg in registrations.values():
        version = _require_version(reg)
        where = locate(reg, version.source)
        expected = (
            f"{version.label()} to be READY, with the run's `{MODEL_FOLDER}` artifact folder "
            f"(holding {WEIGHTS}) as its source: runs:/RUN_ID/{MODEL_FOLDER}"
        )
        if version.status != READY:
            fail(expected, f"its status is {version.status}")
        if where.folder is None or where.relative is None:
            why = (
                "that is a models:/ URI (a logged or registered model, a copy), not the "
                "training run's model folder"
                if where.kind == "logged model"
                else "the grader cannot find that source among the store's run artifacts"
            )
            fail(expected, f"its source is {version.source}", why)
        if not where.folder.exists():
            fail(expected, f"its source {version.source} does not exist", "")
        files = _files(where.folder)
        if where.relative != MODEL_FOLDER:
            seen = f"its source is {_shown(reg, version.source)}, holding {_names(files)}"
            fail(expected, seen, _why_folder(where))
        digest = reg.seeded.weights.get(where.run_id) or reg.seeded.weights[reg.asked_id]
        weights = reg.seeded.store.local_path(str(where.folder / WEIGHTS))
        if weights is None or not weights.is_file() or _sha256(weights) != digest:
            fail(
                expected,
                f"its source holds {_names(files)}",
                f"the run's {MODEL_FOLDER}/{WEIGHTS} was replaced or is missing",
            )


def _shown(reg: Registration, source: str) -> str:
    """A source with the store's temporary folder named <store>."""
    return source.replace(str(reg.seeded.store.folder), "<store>")


def _names(files: list[str]) -> str:
    shown = ", ".join(files[:6]) + (", ..." if len(files) > 6 else "")
    return shown or "no files"


def _why_folder(where: Location) -> str:
    if where.relative == "":
        return (
            "that is the run's whole artifact folder (metrics and all): a model version is the "
            f"folder holding the model, runs:/RUN_ID/{MODEL_FOLDER}"
        )
    if where.relative and where.relative.endswith(WEIGHTS):
        return (
            f"that is the file itself: a model version's source is a folder, "
            f"runs:/RUN_ID/{MODEL_FOLDER}, so that downloading it gives {MODEL_FOLDER}/{WEIGHTS}"
        )
    return f"register the run's `{MODEL_FOLDER}` folder"


def check_alias_set(registrations: dict[str, Registration]) -> None:
    for reg in registrations.values():
        version = _require_version(reg)
        model = reg.after[version.model]
        wanted = reg.plan.aliases
        seen = {a: model.aliases.get(a) for a in wanted}
        if all(v == version.version for v in seen.values()):
            continue
        named = "alias " if len(wanted) == 1 else "aliases "
        expected = (
            f"`{reg.command}` to point {named}{', '.join(wanted)} at the new {version.label()}"
        )
        shown = "; ".join(
            f"{a} points at version {v}" if v else f"there is no alias {a}" for a, v in seen.items()
        )
        shown += f" (all aliases of {model.name}: {_aliases(model)})"
        fail(expected, shown, _alias_why(reg, version, seen))


def _aliases(model: ModelState) -> str:
    pairs = sorted(model.aliases.items())
    return ", ".join(f"{a} -> {v}" for a, v in pairs) or "none"


def _alias_why(reg: Registration, version: VersionState, seen: dict[str, str | None]) -> str:
    missing = [a for a, v in seen.items() if v is None]
    if version.stage not in ("None", ""):
        return (
            f"version {version.version} was moved to the stage {version.stage} "
            "(transition_model_version_stage): stages are deprecated in MLflow; set an alias "
            "with MlflowClient().set_registered_model_alias(name, alias, version)"
        )
    if missing and len(missing) < len(seen):
        return (
            "--alias may be given several times: keep every one (argparse: "
            'add_argument("--alias", action="append")) and set each'
        )
    before = reg.seeded.before.get(version.model)
    wrong = [v for v in seen.values() if v and v != version.version]
    if wrong and set(wrong) == {"1"}:
        return "version 1 is not the new version: use the version create_model_version returned"
    if wrong and before is not None:
        kept = all(before.aliases.get(a) == v for a, v in seen.items() if v)
        if kept:
            return "the alias still points where it did before the run: set it on the new version"
    return ""


def check_nothing_else_changed(registrations: dict[str, Registration]) -> None:
    judged = [reg for reg in registrations.values() if reg.primary() is not None]
    if not judged:
        reg = next(iter(registrations.values()))
        _require_version(reg)
    for reg in judged:
        changes = _changes(reg)
        if changes:
            fail(
                f"`{reg.command}` to change nothing in the registry but the new version and "
                "its aliases",
                "; ".join(changes[:6]) + ("; ..." if len(changes) > 6 else ""),
                "other versions, their aliases and the other registered models belong to "
                "other people's work: leave them as they were",
            )


def _changes(reg: Registration) -> list[str]:
    version = reg.primary()
    assert version is not None
    before, after = reg.seeded.before, reg.after
    changes = []
    for name in sorted(set(after) - set(before) - {version.model}):
        changes.append(f"a registered model {name} was created")
    for name, model in before.items():
        now = after.get(name)
        if now is None:
            changes.append(f"the registered model {name} was deleted")
            continue
        if now.description != model.description:
            changes.append(f"the description of {name} changed ({_quoted(model, now)})")
        if now.tags != model.tags:
            changes.append(f"the tags of {name} changed: {dict(model.tags)} -> {dict(now.tags)}")
        for number, old in sorted(model.versions.items(), key=lambda item: int_or_zero(item[0])):
            current = now.versions.get(number)
            if current is None or current.created != old.created:
                reused = "" if current is None else f" (version {number} is now another one)"
                changes.append(f"{old.label()} ({_source_run(reg, old)}) was deleted{reused}")
            elif current != old:
                changes.append(f"{old.label()} changed ({_difference(old, current)})")
        moved = set(reg.plan.aliases) if name == version.model else set()
        for alias, target in sorted(model.aliases.items()):
            if alias in moved:
                continue
            if now.aliases.get(alias) != target:
                later = now.aliases.get(alias)
                to = f"now on version {later}" if later else "now gone"
                changes.append(f"alias {alias} of {name} was on version {target}, {to}")
    model = after.get(version.model)
    if model is not None:
        old_aliases = before[version.model].aliases if version.model in before else {}
        for alias, target in sorted(model.aliases.items()):
            if alias not in reg.plan.aliases and alias not in old_aliases:
                changes.append(f"an alias {alias} (version {target}) was added")
    return changes


def _quoted(old: ModelState, new: ModelState) -> str:
    return f"{old.description!r} -> {new.description!r}"


def _source_run(reg: Registration, version: VersionState) -> str:
    name = reg.seeded.name_of(version.run_id)
    return f"from run {name}" if name else f"source {version.source}"


def _difference(old: VersionState, new: VersionState) -> str:
    fields = ("source", "run_id", "status", "stage", "description", "tags")
    return ", ".join(
        f"{f}: {getattr(old, f)!r} -> {getattr(new, f)!r}"
        for f in fields
        if getattr(old, f) != getattr(new, f)
    )
