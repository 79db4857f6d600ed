"""Exercise 13: download a registered model by alias, load it and report its test accuracy.

The grader makes four versions of ``MyAwesomeModel`` once per grading, in its own process
(deterministic, a second or so after torch and the data are loaded): random convolutions
(seeded) with a last layer fitted in closed form (ridge regression), then copies of it whose
last layer can no longer predict some digits (their weights zeroed, their bias pushed far
down). So every version scores a clearly different test accuracy, each far from its accuracy
on the training set. Their state_dicts are written to the grading's scratch folder and served
as ``model.pth`` by a fake W&B server whose registry grader-team/model-registry/
corrupt_mnist_models links them under ``best``, ``staging`` and ``latest`` (registry and
project version numbers differ on purpose).

The script runs three times, in parallel, each against its own server: for ``:best`` and for
``:staging`` (their servers hold every request until the versions are made, so the scripts'
own start-up overlaps the making), and without any key (placeholder files: nothing may come).
The server records which artifact's files it handed out; the accuracy is what the script
printed (a line ``accuracy: 0.xxxx``), compared with the loaded version's own.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.checks.online_checks import (
    require_key_only_from_environment,
    require_no_secret_in_files,
)
from grader.fakewandb import MANIFEST, SEEDING_FAILED, FakeWandb
from grader.judge.failure import fail
from grader.running import OnlineRun, run_online
from grader.sandbox import Sandbox

SCRIPT = "use_registered_model.py"
ENTITY, PROJECT, SOURCE = "grader-team", "corrupt_mnist", "corrupt_mnist_model"
REGISTRY = "corrupt_mnist_models"
REGISTRY_PATH = f"{ENTITY}/model-registry/{REGISTRY}"
FILE = "model.pth"
GRADED = ("best", "staging")  # the aliases asked for; "latest" is the trap
TOLERANCE = 0.006  # about two of the 360 test images: float noise between machines and batches
SEPARATION = 0.05  # every two accuracies that could be confused are at least this far apart
SEED = 13

# (source version in the project, suppressed digits, aliases), in the registry's link order:
# registry v0 <- project v3, v1 <- v0 (best), v2 <- v2 (staging), v3 <- v1 (latest, the newest
# link). The project's own latest (v3) is the registry's v0, which no graded alias names.
# The digits are chosen so that each version's training-set accuracy stays far from its test
# accuracy (7s and 8s make up more of the test set's correct answers than of the training
# set's, so losing them costs the test accuracy more).
LAYOUT = (
    ("v3", (1, 4, 5, 7, 8, 9), ()),
    ("v0", (), ("best",)),
    ("v2", (7, 8), ("staging",)),
    ("v1", (1, 3, 4, 5, 6, 7, 8, 9), ()),
)


@dataclass(frozen=True)
class Version:
    registry_version: str  # in corrupt_mnist_models
    source_version: str  # in grader-team/corrupt_mnist/corrupt_mnist_model
    aliases: tuple[str, ...]  # in the registry, "latest" included
    test_accuracy: float
    train_accuracy: float
    weights: Path  # its state_dict, in the grading's scratch folder

    def describe(self) -> str:
        named = f" (alias {', '.join(self.aliases)})" if self.aliases else " (no alias)"
        return f"registry version {self.registry_version}{named}"


def make_versions(folder: Path) -> list[Version]:
    """The four versions, deterministic, written into ``folder``; takes a second or two."""
    import torch  # only this exercise's grading needs torch in the grader's own process

    from my_project.data import corrupt_mnist
    from my_project.model import MyAwesomeModel

    train, test = corrupt_mnist()
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(SEED)
        model = MyAwesomeModel().eval()
        # The convolutions stay random; only the last layer differs between versions, so the
        # features are computed once and each version's accuracy costs one matrix product.
        images, labels = train.tensors
        features = torch.flatten(model.features(images), 1)
        test_features = torch.flatten(model.features(test.tensors[0]), 1)
        design = torch.cat([features.double(), torch.ones(len(features), 1).double()], 1)
        targets = torch.nn.functional.one_hot(labels, 10).double()
        gram = design.T @ design + torch.eye(design.shape[1], dtype=torch.float64)
        solution = torch.linalg.solve(gram, design.T @ targets)
        fitted_weight = solution[:-1].T.float().contiguous()
        fitted_bias = solution[-1].float().contiguous()
        last = model.classifier[2]

        versions = []
        latest = len(LAYOUT) - 1
        for index, (source, suppressed, aliases) in enumerate(LAYOUT):
            weight, bias = fitted_weight.clone(), fitted_bias.clone()
            for digit in suppressed:
                weight[digit] = 0.0
                bias[digit] = -1000.0
            last.weight.copy_(weight)
            last.bias.copy_(bias)
            path = folder / f"registry-v{index}.pth"
            torch.save(model.state_dict(), path)  # an OrderedDict, as a training script saves
            versions.append(
                Version(
                    registry_version=f"v{index}",
                    source_version=source,
                    aliases=(*aliases, "latest") if index == latest else aliases,
                    test_accuracy=_accuracy(test_features, weight, bias, test.tensors[1]),
                    train_accuracy=_accuracy(features, weight, bias, labels),
                    weights=path,
                )
            )
    _require_separated(versions)
    return versions


def _accuracy(features, weight, bias, labels) -> float:
    """What ``MyAwesomeModel`` in eval mode scores with this last layer (dropout is off)."""
    predictions = (features @ weight.T + bias).argmax(dim=1)
    return float((predictions == labels).float().mean())


def _require_separated(versions: list[Version]) -> None:
    """Every graded version's test accuracy is far from every other number it could be
    mistaken for; otherwise the grader itself is broken (never the student's fault)."""
    for graded in (v for v in versions if set(v.aliases) & set(GRADED)):
        others = [v.test_accuracy for v in versions if v is not graded]
        others += [v.train_accuracy for v in versions]
        if any(abs(graded.test_accuracy - x) < SEPARATION for x in others):
            raise RuntimeError(f"the grader's model versions are too alike: {versions}")


def seed_registry(server: FakeWandb, versions: list[Version] | None) -> None:
    """The project's corrupt_mnist_model v0..v3 and the registry linking them (placeholder
    files when ``versions`` is None: the keyless run only shows whether anything came)."""
    by_source = sorted(range(len(LAYOUT)), key=lambda i: int(LAYOUT[i][0].removeprefix("v")))
    specs = []
    for i in by_source:
        data = versions[i].weights.read_bytes() if versions else b"placeholder"
        specs.append({"metadata": {"format": "state_dict"}, "files": {FILE: data}})
    server.seed_artifact(SOURCE, project=PROJECT, entity=ENTITY, versions=specs)
    for source, _, aliases in LAYOUT:
        server.seed_link(f"{PROJECT}/{SOURCE}:{source}", REGISTRY, aliases=aliases)


def seed_server(server: FakeWandb) -> None:
    """The registry with placeholder files (the keyless run; a bare run for timing)."""
    seed_registry(server, None)


@dataclass
class Runs:
    versions: list[Version]
    by_alias: dict[str, OnlineRun]
    keyless: OnlineRun


@pytest.fixture(scope="module")
def runs(sandbox: Sandbox) -> Runs:
    with ThreadPoolExecutor(len(GRADED) + 1) as pool:
        # The versions are made while the scripts start (importing torch and wandb takes them
        # seconds too): their servers hold every request until the versions are seeded. They
        # are made in this thread, which imports torch for them: the runs' threads only wait
        # (two threads importing side by side can be handed half-imported modules).
        made: Future[list[Version]] = Future()

        def seed(server: FakeWandb) -> None:
            server.seed_when_ready(made, seed_registry)

        futures = {
            alias: pool.submit(run_online, sandbox, SCRIPT, [f"{REGISTRY_PATH}:{alias}"], seed=seed)
            for alias in GRADED
        }
        # Without a key nothing may come, so placeholders do: it need not wait.
        keyless = pool.submit(
            run_online, sandbox, SCRIPT, [f"{REGISTRY_PATH}:best"], with_key=False, seed=seed_server
        )
        try:
            made.set_result(make_versions(sandbox.scratch("registry-versions")))
        except BaseException as error:  # the servers let their scripts go, then it is raised
            made.set_exception(error)
        versions = made.result()
        by_alias = {alias: future.result() for alias, future in futures.items()}
        for run in by_alias.values():
            for error in run.server.store.errors:
                if error.startswith(SEEDING_FAILED):
                    raise RuntimeError(f"the fake W&B server was not seeded: {error}")
        return Runs(versions, by_alias, keyless.result())


# -- reading a run ---------------------------------------------------------------------------

_ACCURACY = re.compile(r"accuracy\s*[:=]\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(%?)", re.I)


def _command(run: OnlineRun) -> str:
    return f"python {SCRIPT} {' '.join(run.result.command[4:])}"


def _wanted(runs: Runs, alias: str) -> Version:
    return next(v for v in runs.versions if alias in v.aliases)


def _by_source(runs: Runs, source_version: str) -> Version | None:
    return next((v for v in runs.versions if v.source_version == source_version), None)


def _downloaded(run: OnlineRun) -> list[str]:
    """Source versions whose files (not just manifests) the server handed out, in order."""
    seen: list[str] = []
    for record in run.server.store.downloads:
        if record.path != MANIFEST and record.version not in seen:
            seen.append(record.version)
    return seen


def reported_accuracy(run: OnlineRun) -> tuple[float, bool, str] | None:
    """The last ``accuracy: X`` the script printed (stdout first, then stderr): the value,
    whether a % sign followed, and the line."""
    for stream in (run.result.stdout, run.result.stderr):
        found = None
        for line in stream.splitlines():
            for match in _ACCURACY.finditer(line):
                found = (float(match.group(1)), bool(match.group(2)), line.strip())
        if found:
            return found
    return None


# -- checks ----------------------------------------------------------------------------------


def check_runs_cleanly(runs: Runs) -> None:
    for run in runs.by_alias.values():
        if not run.result.ok:
            fail(f"`{_command(run)}` to exit with code 0", run.crash_report())


def check_downloads_alias(runs: Runs) -> None:
    for alias, run in runs.by_alias.items():
        wanted = _wanted(runs, alias)
        got = _downloaded(run)
        if got == [wanted.source_version]:
            continue
        expected = f"`{_command(run)}` to download {FILE} of {wanted.describe()}"
        if not got:
            seen = "the server handed out no file of any model version"
            why = ""
            if run.used_other_keys():
                seen += "; it refused a key other than WANDB_API_KEY's"
            elif run.result.ok:
                why = "`api.artifact(path)` only describes it: `download()` fetches its files"
            fail(expected, seen + "\n" + run.crash_report(), why)
        named = [version.describe() if (version := _by_source(runs, v)) else v for v in got]
        why = ""
        if any("latest" in (_by_source(runs, v) or wanted).aliases for v in got):
            why = "latest is only the newest link: the alias from the command line was replaced"
        fail(expected, "it downloaded the files of " + " and ".join(named), why)


def check_reports_test_accuracy(runs: Runs) -> None:
    for alias, run in runs.by_alias.items():
        wanted = _wanted(runs, alias)
        expected = (
            f"`{_command(run)}` to print `accuracy: {wanted.test_accuracy:.4f}`, the test "
            f"accuracy of {wanted.describe()} (within {TOLERANCE})"
        )
        reported = reported_accuracy(run)
        if reported is None:
            seen = "no line `accuracy: <number>` in the script's output"
            if not run.result.ok:
                seen += "\n" + run.crash_report()
            fail(expected, seen)
        value, percent, line = reported
        if abs(value - wanted.test_accuracy) <= TOLERANCE and not percent:
            continue
        seen = f"the script printed {line!r}"
        if percent or 1 < value <= 100:
            fail(expected, seen, "that looks like a percentage: print the fraction (0 to 1)")
        fail(expected, seen, _explain(runs, run, wanted, value))


def _explain(runs: Runs, run: OnlineRun, wanted: Version, value: float) -> str:
    """What the wrong number is, when the evidence tells."""
    if abs(wanted.train_accuracy - value) <= TOLERANCE:
        return "that is this version's accuracy on the training set, not on the test set"
    downloaded = [_by_source(runs, v) for v in _downloaded(run)]
    for version in downloaded:
        if version and version is not wanted and abs(version.test_accuracy - value) <= TOLERANCE:
            return f"that is the test accuracy of {version.describe()}, which the script loaded"
    if value < wanted.test_accuracy:
        return (
            "lower than that version scores: was the model left in training mode (dropout "
            "on), or evaluated before its weights were loaded?"
        )
    return ""


def check_key_from_environment(runs: Runs) -> None:
    keyless = runs.keyless
    every = (*runs.by_alias.values(), keyless)
    downloaded = bool(_downloaded(keyless))
    require_key_only_from_environment(keyless, every, downloaded, "download", "the model")


def check_no_key_in_source(sandbox: Sandbox) -> None:
    require_no_secret_in_files(sandbox)
