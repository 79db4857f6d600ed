"""Exercise 12: a seeded training run that W&B can tell how to repeat, and a script that does.

The grader commits the student's files into a new git repository and, with git recording
allowed (the sandbox otherwise sets WANDB_DISABLE_GIT), runs ``train.py`` in it twice against
one fake W&B server: the asked run (``--seed 5``) and then a newer one with another seed and
learning rate (the trap for a script that takes the latest run instead of the one given). It
then commits a later change, so that the repository's newest commit is no longer the run's, and
runs ``reproduce.py ENTITY/PROJECT/RUN_ID`` in the same repository. Everything is judged on what
reached the server: the reproduction's commit (as the client reported it), its config and its
history, step by step, against the asked run's. A run of ``reproduce.py`` without
WANDB_API_KEY, on a server of its own, must fail without starting anything.
"""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from grader.checks.online_checks import (
    require_key_only_from_environment,
    require_no_secret_in_files,
)
from grader.fakewandb import FakeWandb, RunRecord
from grader.judge.failure import fail
from grader.running import OnlineRun, Repository, make_repository, run_online, shared_server
from grader.sandbox import Sandbox

TRAIN, REPRODUCE = "train.py", "reproduce.py"
ASKED = {"seed": 5, "lr": 0.002, "epochs": 1}
# The newer run, not to be reproduced: only its seed differs, so that its other numbers show
# whether the seed is used at all.
OTHER = {"seed": 8, "lr": 0.002, "epochs": 1}
# What this exercise is about: a run records its commit and its packages.
RECORDED = {"WANDB_DISABLE_GIT": "false", "WANDB_X_SAVE_REQUIREMENTS": "true"}
KEYLESS_TARGET = "grader-team/corrupt_mnist/3kq9x2ab"  # on a server that holds no run at all
LATER_CHANGE = "NOTES.md"  # the later commit adds it: HEAD is then not the run's commit
# Values measured from the clock cannot repeat; keys naming them are not compared.
_CLOCK = re.compile(r"time|duration|elapsed|seconds|(^|_)secs?($|_)|per_sec|throughput", re.I)
RELATIVE_TOLERANCE = 1e-6


def options(config: dict[str, Any]) -> list[str]:
    return [word for key, value in config.items() for word in (f"--{key}", str(value))]


@dataclass
class Session:
    repository: Repository
    asked_run: OnlineRun  # train.py with ASKED
    asked: RunRecord | None  # what reached the server from it
    other_run: OnlineRun | None
    other: RunRecord | None
    run_commit: str  # the repository's commit when the runs were made
    later_commit: str  # HEAD when reproduce.py ran
    reproduction_run: OnlineRun | None  # None when there was nothing to reproduce
    new: list[RunRecord]  # the runs reproduce.py made, oldest first
    keyless: OnlineRun

    @property
    def reproduction(self) -> RunRecord | None:
        return self.new[-1] if self.new else None


def _new_runs(server: FakeWandb, before: set[tuple[str, str, str]]) -> list[RunRecord]:
    runs = server.store.runs
    return sorted((r for k, r in runs.items() if k not in before), key=lambda r: r.number)


def _train(sandbox: Sandbox, server: FakeWandb, repository: Repository, config: dict):
    before = set(server.store.runs)
    run = run_online(
        sandbox, TRAIN, options(config), server=server, workdir=repository.path, env=RECORDED
    )
    made = _new_runs(server, before)
    return run, (made[-1] if made else None)


@pytest.fixture(scope="module")
def session(sandbox: Sandbox) -> Session:
    repository = make_repository(sandbox)
    run_commit = repository.head()
    server = shared_server()
    try:
        with ThreadPoolExecutor(1) as pool:
            keyless = pool.submit(
                run_online, sandbox, REPRODUCE, [KEYLESS_TARGET], with_key=False, env=RECORDED
            )
            asked_run, asked = _train(sandbox, server, repository, ASKED)
            other_run = other = None
            if asked is not None:
                other_run, other = _train(sandbox, server, repository, OTHER)
            (repository.path / LATER_CHANGE).write_text("A later change, made after the run.\n")
            later_commit = repository.commit_all("a later change")
            reproduction_run, new = None, []
            if asked is not None:
                before = set(server.store.runs)
                reproduction_run = run_online(
                    sandbox,
                    REPRODUCE,
                    [asked.path],
                    server=server,
                    workdir=repository.path,
                    env=RECORDED,
                )
                new = _new_runs(server, before)
            return Session(
                repository,
                asked_run,
                asked,
                other_run,
                other,
                run_commit,
                later_commit,
                reproduction_run,
                new,
                keyless.result(),
            )
    finally:
        server.stop()


# -- reading runs ------------------------------------------------------------------------------


def commit_of(record: RunRecord) -> str | None:
    """The commit the client reported: UpsertBucket's, else wandb-metadata.json's."""
    if record.commit:
        return record.commit
    git = (record.metadata or {}).get("git")
    return git.get("commit") if isinstance(git, dict) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def metric_rows(record: RunRecord) -> dict[int, dict[str, float]]:
    """Numbers logged per step, without W&B's own keys and clock-measured values."""
    rows: dict[int, dict[str, float]] = {}
    for position, row in enumerate(record.history):
        step = row.get("_step", position)
        kept = {
            key: value
            for key, value in row.items()
            if not key.startswith("_") and not _CLOCK.search(key) and _is_number(value)
        }
        rows.setdefault(int(step), {}).update(kept)
    return rows


def first_difference(
    expected: dict[int, dict[str, float]], seen: dict[int, dict[str, float]]
) -> str | None:
    """Where two histories part, in words; None when they agree step by step."""
    if not expected:
        return "the asked run logged no numbers at all"
    for step in sorted(set(expected) | set(seen)):
        if step not in seen:
            steps = f"the asked run has {len(expected)} steps, this one {len(seen)}"
            return f"step {step} is missing ({steps})"
        if step not in expected:
            return f"it logged a step {step} that the asked run does not have"
        for key in sorted(set(expected[step]) | set(seen[step])):
            a, b = expected[step].get(key), seen[step].get(key)
            if a is None or b is None:
                return f"at step {step} `{key}` is logged by only one of the two runs"
            if not math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12):
                return f"at step {step} `{key}` was {a!r} and is now {b!r}"
    return None


def _command(run: OnlineRun) -> str:
    return f"python {run.script} {' '.join(run.result.command[4:])}"


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "none"


def _require_asked(session: Session) -> RunRecord:
    if session.asked is None or not session.asked.history:
        run = session.asked_run
        seen = "no run with logged steps reached the W&B server"
        if not run.result.ok:
            seen += "\n" + run.crash_report()
        fail(f"`{_command(run)}` to make a W&B run that logs its steps", seen)
    return session.asked


def _require_asked_for(session: Session, what: str) -> RunRecord:
    """The asked run, for a check judging ``what`` of it: without one, say where to look
    instead of repeating train.py's crash under every check."""
    if session.asked is None or not session.asked.history:
        fail(
            f"a run of `python {TRAIN} {' '.join(options(ASKED))}` to compare {what} with",
            "train.py made no run that logged its steps (see the first check)",
            f"fix {TRAIN} first: this check is judged on that run",
        )
    return session.asked


def _require_reproduction(session: Session) -> RunRecord:
    asked = _require_asked_for(session, "the reproduction")
    run = session.reproduction_run
    record = session.reproduction
    if record is None:
        seen = "no new run reached the W&B server"
        if run.used_other_keys():
            seen += "; it refused a key other than WANDB_API_KEY's"
        seen += "\n" + run.crash_report()
        fail(f"`python {REPRODUCE} {asked.path}` to run the training again", seen)
    return record


def _wrong_run(session: Session, record: RunRecord) -> str:
    """Why the reproduction looks like another run's, when the evidence tells."""
    other = session.other
    if other is not None and record.user_config == other.user_config != session.asked.user_config:
        return (
            f"that is the config of {other.path}, the newest run, not of the run given on the "
            "command line"
        )
    return ""


# -- checks on train.py ----------------------------------------------------------------------


def check_trains_with_seed(session: Session) -> None:
    _require_asked(session)
    run = session.asked_run
    if not run.result.ok:
        fail(f"`{_command(run)}` to exit with code 0", run.crash_report())


def check_config_has_seed(session: Session) -> None:
    asked = _require_asked(session)
    config = asked.user_config
    wrong = {k: config.get(k, "(missing)") for k, v in ASKED.items() if config.get(k) != v}
    if wrong:
        fail(
            f"the run's config to hold the command line's options {ASKED}",
            f"the config reached the server as {config}; not as given: {wrong}",
        )


def check_seed_decides_metrics(session: Session) -> None:
    asked = _require_asked_for(session, "metrics")
    record = _require_reproduction(session)
    mismatch = first_difference(metric_rows(asked), metric_rows(record))
    if mismatch is not None:
        why = _wrong_run(session, record)
        if not why and record.user_config == asked.user_config:
            why = (
                "same config, different numbers: nothing random may happen before the seed is "
                "set, and the seed must reach torch"
            )
        elif not why:
            why = (
                f"the reproduction ran with another config ({record.user_config}, the asked run "
                f"had {asked.user_config}): other options give other numbers"
            )
        fail(
            "the same seed (and config) to give the same metrics, step by step",
            f"the reproduction {record.path} differs from {asked.path}: {mismatch}",
            why,
        )
    other = session.other
    if other is None:
        fail(
            f"`python {TRAIN} {' '.join(options(OTHER))}` to make a second run",
            "no second run reached the server\n" + session.other_run.crash_report(),
        )
    if first_difference(metric_rows(asked), metric_rows(other)) is None:
        fail(
            "another seed to give other metrics",
            f"--seed {ASKED['seed']} and --seed {OTHER['seed']} (all else equal) logged the very "
            "same numbers",
            "the seed from the command line is not the one torch is seeded with",
        )


# -- checks on reproduce.py --------------------------------------------------------------------


def check_reproduce_runs(session: Session) -> None:
    _require_reproduction(session)
    run = session.reproduction_run
    if not run.result.ok:
        fail(f"`{_command(run)}` to exit with code 0", run.crash_report())
    if len(session.new) > 1:
        paths = ", ".join(r.path for r in session.new)
        seen = f"{len(session.new)} new runs reached the server: {paths}"
        fail("one new run: the reproduction", seen)


def check_same_config(session: Session) -> None:
    asked = _require_asked_for(session, "a config")
    record = _require_reproduction(session)
    if record.user_config != asked.user_config:
        fail(
            f"the reproduction's config to be {asked.path}'s: {asked.user_config}",
            f"it was {record.user_config}",
            _wrong_run(session, record),
        )


def check_same_commit(session: Session) -> None:
    asked = _require_asked_for(session, "a commit")
    record = _require_reproduction(session)
    original = commit_of(asked)
    if original is None:
        fail(
            f"{asked.path} to record the git commit it was made from",
            "the run reported no commit (was git recording switched off in wandb.init's settings?)",
        )
    made_at = commit_of(record)
    if made_at == original:
        return
    seen = f"the reproduction was made at commit {_short(made_at)}"
    why = ""
    if made_at == session.later_commit:
        seen += ", the repository's newest"
        why = (
            "W&B records the commit of the checkout the training runs in: that was the "
            "repository as it is now, not the run's commit"
        )
    elif made_at is None:
        seen = "the reproduction reported no commit (was it run outside the repository?)"
    fail(f"the reproduction to run the code of commit {_short(original)}, the run's", seen, why)


def check_key_from_environment(session: Session) -> None:
    keyless = session.keyless
    every = [keyless, session.asked_run]
    every += [run for run in (session.other_run, session.reproduction_run) if run is not None]
    started = bool(keyless.server.store.runs)
    require_key_only_from_environment(keyless, every, started, "start", "a run")


def check_no_key_in_source(sandbox: Sandbox) -> None:
    require_no_secret_in_files(sandbox)
