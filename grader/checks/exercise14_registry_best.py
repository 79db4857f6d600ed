"""Exercise 14: go over an artifact collection's versions, pick the best by a metadata metric,
and link it into ENTITY/model-registry/NAME with an alias.

The script runs three times, in parallel, each against its own fake W&B server holding
grader-team/corrupt_mnist/corrupt_mnist_model in seven versions whose metadata is drawn at
random for that run (so no version number can be written into the script): once maximizing
``accuracy``, once minimizing ``misclassified`` (options written ``--name=value``), and once
without any key. The draw always has

- one version without any metric (a crashed run), never the first or the newest;
- a unique best accuracy, which is neither v0 nor the newest version (``latest``);
- exactly two versions tied at the fewest misclassified images, neither v0 nor the newest, so
  the newer of them must win; and neither is the lowest accuracy;
- at least one count of 100 or more, so that comparing counts as text ("104" < "38") picks a
  wrong version (neither tied nor the most misclassified, so each mistake can be named), and
  only one version has that count and only one the most (else which of two equal counts a
  script picks depends on the order it reads the versions in);
- a newest version that is no extreme of any metric, so linking it tells only "latest".

Every known mistake therefore loses the same checks whatever the draw; the draw itself is not
repeatable (a fresh seed for every run), which is the point.

What is judged is what the server was asked to link (``store.links``), against the versions
the server held (``store``), never the script's printout.
"""

from __future__ import annotations

import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from grader.checks.online_checks import (
    require_key_only_from_environment,
    require_link,
    require_no_secret_in_files,
)
from grader.fakewandb import FakeWandb, LinkRecord
from grader.judge.failure import fail
from grader.running import OnlineRun, run_online

SCRIPT = "register_best.py"
ENTITY, PROJECT, COLLECTION = "grader-team", "corrupt_mnist", "corrupt_mnist_model"
COLLECTION_PATH = f"{ENTITY}/{PROJECT}/{COLLECTION}"
VERSIONS = 7  # v0..v6, v6 being the newest (latest)


@dataclass(frozen=True)
class Plan:
    metric: str
    goal: str
    registry: str
    alias: str
    equals_form: bool  # options written --name=value instead of --name value

    def args(self) -> list[str]:
        options = {
            "--metric": self.metric,
            "--goal": self.goal,
            "--registry": self.registry,
            "--alias": self.alias,
        }
        if self.equals_form:
            return [COLLECTION_PATH, *(f"{k}={v}" for k, v in options.items())]
        return [COLLECTION_PATH, *(part for item in options.items() for part in item)]


MAXIMIZE = Plan("accuracy", "maximize", "corrupt_mnist_models", "best", equals_form=False)
MINIMIZE = Plan("misclassified", "minimize", "weekly_picks", "fewest_errors", equals_form=True)


# -- the collection, drawn for each run --------------------------------------------------------


def draw_versions(rng: random.Random) -> list[dict[str, Any]]:
    """Seven versions' metadata, as described in the module's docstring (drawn until fair)."""
    while True:
        specs = _draw(rng)
        if _fair(specs):
            return specs


def _draw(rng: random.Random) -> list[dict[str, Any]]:
    inner = list(range(1, VERSIONS - 1))  # neither v0 nor the newest
    missing, *tied = rng.sample(inner, 3)
    present = [i for i in range(VERSIONS) if i != missing]
    accuracies = dict(zip(present, rng.sample(range(5500, 9600), len(present)), strict=True))
    fewest = rng.randint(20, 60)
    counts = {i: fewest if i in tied else rng.randint(fewest + 3, 199) for i in present}
    specs = []
    for i in range(VERSIONS):
        metadata: dict[str, Any] = {"epochs": rng.randint(2, 10)}
        if i == missing:
            metadata["status"] = "crashed before evaluation"
        else:
            metadata["accuracy"] = accuracies[i] / 10_000
            metadata["misclassified"] = counts[i]
        specs.append({"metadata": metadata})
    return specs


def _fair(specs: list[dict[str, Any]]) -> bool:
    """Every known mistake picks a version that tells it apart (see the module docstring);
    the newest version is no extreme of anything, so picking it says only "latest"."""
    scored = [i for i, spec in enumerate(specs) if "accuracy" in spec["metadata"]]
    accuracy = {i: specs[i]["metadata"]["accuracy"] for i in scored}
    counts = {i: specs[i]["metadata"]["misclassified"] for i in scored}
    fewest = min(counts.values())
    tied = [i for i in scored if counts[i] == fewest]
    best, worst = max(scored, key=accuracy.get), min(scored, key=accuracy.get)
    most = max(scored, key=counts.get)
    as_text = min(scored, key=lambda i: str(counts[i]))
    newest = VERSIONS - 1
    extremes = {best, worst, most, *tied}
    return (
        len(tied) == 2
        and len(scored) == VERSIONS - 1
        and best not in (0, *tied)
        and worst not in tied
        and newest not in extremes | {as_text}
        and 0 not in tied
        and as_text not in (*tied, most)
        and counts[as_text] >= 100
        and all(list(counts.values()).count(counts[i]) == 1 for i in (most, as_text))
    )


def seed_server(server: FakeWandb) -> None:
    """The collection, freshly drawn (also the benchmark's bare run)."""
    rng = random.Random(secrets.randbits(64))
    server.seed_artifact(COLLECTION, project=PROJECT, entity=ENTITY, versions=draw_versions(rng))


@pytest.fixture(scope="module")
def runs(sandbox) -> dict[str, OnlineRun]:
    plans = {
        "maximize": (MAXIMIZE.args(), True),
        "minimize": (MINIMIZE.args(), True),
        "no key": (MAXIMIZE.args(), False),
    }
    with ThreadPoolExecutor(len(plans)) as pool:
        futures = {
            name: pool.submit(run_online, sandbox, SCRIPT, args, with_key=key, seed=seed_server)
            for name, (args, key) in plans.items()
        }
    return {name: future.result() for name, future in futures.items()}


# -- reading a run -----------------------------------------------------------------------------


def _command(run: OnlineRun) -> str:
    return f"python {SCRIPT} {' '.join(run.result.command[4:])}"


def held(run: OnlineRun) -> dict[str, dict[str, Any]]:
    """The metadata of every version the run's server held, by version (v0 first)."""
    collection = run.server.store.collection(ENTITY, PROJECT, COLLECTION)
    assert collection is not None  # seeded before the run
    return {f"v{m.version_index}": dict(m.artifact.metadata) for m in collection.members}


def number(value: Any) -> float | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if is_number else None


def best_versions(versions: dict[str, dict[str, Any]], plan: Plan) -> list[str]:
    """The versions sharing the best value of the plan's metric (oldest first)."""
    scored = {
        v: n for v, meta in versions.items() if (n := number(meta.get(plan.metric))) is not None
    }
    pick = max if plan.goal == "maximize" else min
    top = pick(scored.values())
    return [v for v, n in scored.items() if n == top]


def _value(versions: dict[str, dict[str, Any]], version: str, metric: str) -> str:
    meta = versions.get(version, {})
    return f"{metric} {meta[metric]}" if metric in meta else f"no {metric}"


def _table(versions: dict[str, dict[str, Any]], metric: str) -> str:
    cells = [
        f"{v}: {meta[metric]}" if metric in meta else f"{v}: (none)" for v, meta in versions.items()
    ]
    return f"the collection's {metric} by version: " + ", ".join(cells)


def _why_not(versions: dict[str, dict[str, Any]], linked: str, plan: Plan) -> str:
    """What the wrong pick most likely came from."""
    meta = versions.get(linked, {})
    newest = f"v{VERSIONS - 1}"
    if plan.metric not in meta:
        return (
            f"{linked} has no {plan.metric} in its metadata: a version without the metric cannot "
            "be the best, skip it"
        )
    if linked == newest:
        return f"{newest} is the newest version (latest), not the best one"
    scored = {v: n for v, m in versions.items() if (n := number(m.get(plan.metric))) is not None}
    pick = max if plan.goal == "maximize" else min
    as_text = pick(scored, key=lambda v: str(versions[v][plan.metric]))
    if linked == as_text:
        top = versions[pick(scored, key=lambda v: scored[v])][plan.metric]
        order = f'"{versions[linked][plan.metric]}" before "{top}"'
        if plan.goal == "maximize":
            order = f'"{versions[linked][plan.metric]}" after "{top}"'
        return (
            f"{linked} wins only when the values are compared as text ({order}): compare them "
            "as numbers"
        )
    opposite = max if plan.goal == "minimize" else min
    if scored[linked] == opposite(scored.values()):
        return f"that is the worst {plan.metric}: the goal was {plan.goal}"
    for other in ("accuracy", "misclassified"):
        if other == plan.metric:
            continue
        values = {v: n for v, m in versions.items() if (n := number(m.get(other))) is not None}
        if (
            values
            and linked in values
            and values[linked] in (max(values.values()), min(values.values()))
        ):
            return f"{linked} is an extreme of {other}: --metric {plan.metric} was not used"
    return ""


def _judge_pick(
    run: OnlineRun, plan: Plan
) -> tuple[LinkRecord, dict[str, dict[str, Any]], list[str]]:
    link = require_link(run, _command(run), "one version")
    versions = held(run)
    return link, versions, best_versions(versions, plan)


def _require_best(run: OnlineRun, plan: Plan) -> None:
    link, versions, best = _judge_pick(run, plan)
    if link.source_version in best:
        return
    wanted = " or ".join(f"{v} ({_value(versions, v, plan.metric)})" for v in best)
    fail(
        f"`{_command(run)}` to link the best by {plan.metric}, {plan.goal}: {wanted}",
        f"it linked {link.source_version} ({_value(versions, link.source_version, plan.metric)})"
        f"\n{_table(versions, plan.metric)}",
        _why_not(versions, link.source_version, plan),
    )


# -- checks ------------------------------------------------------------------------------------


def check_runs_cleanly(runs: dict[str, OnlineRun]) -> None:
    for name in ("maximize", "minimize"):
        run = runs[name]
        if not run.result.ok:
            fail(f"`{_command(run)}` to exit with code 0", run.crash_report())


def check_picks_best_maximize(runs: dict[str, OnlineRun]) -> None:
    _require_best(runs["maximize"], MAXIMIZE)


def check_picks_best_minimize(runs: dict[str, OnlineRun]) -> None:
    _require_best(runs["minimize"], MINIMIZE)


def check_ties_to_newest(runs: dict[str, OnlineRun]) -> None:
    run = runs["minimize"]
    link, versions, best = _judge_pick(run, MINIMIZE)
    newest = max(best, key=lambda v: int(v.removeprefix("v")))
    if link.source_version == newest:
        return
    tied = " and ".join(best)
    value = _value(versions, newest, MINIMIZE.metric)
    seen = f"it linked {link.source_version}"
    if link.source_version in best:
        why = "the older of the tied versions won: on a tie, prefer the higher version number"
    else:
        seen += f" ({_value(versions, link.source_version, MINIMIZE.metric)})"
        why = "that is not one of the tied best versions at all (see the minimize check)"
    fail(
        f"`{_command(run)}` to link {newest}, the newer of {tied} (both {value})",
        seen,
        why,
    )


def check_links_one_version(runs: dict[str, OnlineRun]) -> None:
    for name in ("maximize", "minimize"):
        run = runs[name]
        links = run.server.store.links
        require_link(run, _command(run), "one version")
        if len(links) > 1:
            order = ", then ".join(link.source_version for link in links)
            fail(
                f"`{_command(run)}` to link one version, once",
                f"{len(links)} links in one run: {order}",
                "linking inside the loop registers every version that was best so far: find "
                "the best first, then link it once",
            )


def check_target_and_alias(runs: dict[str, OnlineRun]) -> None:
    for name, plan in (("maximize", MAXIMIZE), ("minimize", MINIMIZE)):
        run = runs[name]
        link = require_link(run, _command(run), "one version")
        target = (link.target_entity, link.target_project, link.portfolio)
        wanted = (ENTITY, "model-registry", plan.registry)
        if target != wanted:
            fail(
                f"a link into {'/'.join(wanted)} for `--registry {plan.registry}`",
                str(link),
                "student-personal is the key owner's default entity: the registry belongs to "
                "the collection's entity, taken from its path"
                if link.target_entity == "student-personal"
                else "",
            )
        if plan.alias not in link.aliases or not set(link.aliases) <= {plan.alias, "latest"}:
            fail(
                f"the alias {plan.alias} for `--alias {plan.alias}`",
                f"aliases {list(link.aliases)}",
            )


def check_key_from_environment(runs: dict[str, OnlineRun]) -> None:
    keyless = runs["no key"]
    linked = bool(keyless.server.store.links)
    require_key_only_from_environment(keyless, runs.values(), linked, "link", "a version")


def check_no_key_in_source(sandbox) -> None:
    require_no_secret_in_files(sandbox)
