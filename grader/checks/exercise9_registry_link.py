"""Exercise 9: link an existing artifact version into ENTITY/model-registry/NAME via wandb.Api.

The script runs three times, in parallel, each against its own fake W&B server holding the
artifact grader-team/corrupt_mnist/corrupt_mnist_model in versions v0..v2 (v2 is `latest`):
with two aliases, without any alias, and without any key. The server's viewer (the key's
owner) is a personal entity, so an entity taken from the viewer instead of the artifact shows.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from grader.checks.online_checks import (
    require_key_only_from_environment,
    require_link,
    require_no_secret_in_files,
)
from grader.fakewandb import FakeWandb
from grader.judge.failure import fail
from grader.running import OnlineRun, run_online

SCRIPT = "link_to_registry.py"
ENTITY, PROJECT, ARTIFACT, VERSION = "grader-team", "corrupt_mnist", "corrupt_mnist_model", "v1"
SOURCE = f"{ENTITY}/{PROJECT}/{ARTIFACT}:{VERSION}"
REGISTRY = "corrupt_mnist_models"
ALIASES = ("best", "staging")


def seed_server(server: FakeWandb) -> None:
    """The artifact the exercise links, in versions v0..v2 (also the benchmark's bare run)."""
    server.seed_artifact(
        ARTIFACT,
        project=PROJECT,
        entity=ENTITY,
        versions=[{"metadata": {"accuracy": 0.80 + i / 100}} for i in range(3)],
    )


@pytest.fixture(scope="module")
def runs(sandbox) -> dict[str, OnlineRun]:
    plans = {
        "aliases": ([SOURCE, REGISTRY, *(f"--alias={a}" for a in ALIASES)], True),
        "default": ([SOURCE, REGISTRY], True),
        "no key": ([SOURCE, REGISTRY, "--alias", "best"], False),
    }
    with ThreadPoolExecutor(len(plans)) as pool:
        futures = {
            name: pool.submit(run_online, sandbox, SCRIPT, args, with_key=key, seed=seed_server)
            for name, (args, key) in plans.items()
        }
    return {name: future.result() for name, future in futures.items()}


def _command(run: OnlineRun) -> str:
    return f"python {SCRIPT} {' '.join(run.result.command[4:])}"


def check_runs_cleanly(runs: dict[str, OnlineRun]) -> None:
    for name in ("aliases", "default"):
        run = runs[name]
        if not run.result.ok:
            fail(f"`{_command(run)}` to exit with code 0", run.crash_report())


def check_links_requested_version(runs: dict[str, OnlineRun]) -> None:
    link = require_link(runs["aliases"], _command(runs["aliases"]), "the artifact")
    wanted = (ENTITY, PROJECT, ARTIFACT, VERSION)
    seen = (link.source_entity, link.source_project, link.source_name, link.source_version)
    if seen != wanted:
        fail(
            f"the link to come from {SOURCE}, the version given on the command line",
            str(link),
            "v2 is what `latest` points at: the version from the command line was replaced"
            if link.source_version == "v2"
            else "",
        )


def check_target_registry(runs: dict[str, OnlineRun]) -> None:
    link = require_link(runs["aliases"], _command(runs["aliases"]), "the artifact")
    target = (link.target_entity, link.target_project, link.portfolio)
    if target != (ENTITY, "model-registry", REGISTRY):
        fail(
            f"a link into {ENTITY}/model-registry/{REGISTRY}",
            str(link),
            "student-personal is the key owner's default entity: the registry belongs to the "
            "artifact's entity, taken from the artifact path"
            if link.target_entity == "student-personal"
            else "",
        )


def check_aliases_passed(runs: dict[str, OnlineRun]) -> None:
    given = require_link(runs["aliases"], _command(runs["aliases"]), "the artifact")
    if not set(ALIASES) <= set(given.aliases) <= {*ALIASES, "latest"}:
        fail(
            f"aliases {list(ALIASES)} for `--alias best --alias staging`",
            f"aliases {list(given.aliases)}",
        )
    default = require_link(runs["default"], _command(runs["default"]), "the artifact")
    if not set(default.aliases) <= {"latest"}:
        fail(
            "the alias latest when no --alias is given",
            f"aliases {list(default.aliases)}",
        )


def check_key_from_environment(runs: dict[str, OnlineRun]) -> None:
    keyless = runs["no key"]
    linked = bool(keyless.server.store.links)
    require_key_only_from_environment(keyless, runs.values(), linked, "link", "the artifact")


def check_no_key_in_source(sandbox) -> None:
    require_no_secret_in_files(sandbox)
