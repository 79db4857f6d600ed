"""Exercise 10: a Dockerfile for wandb_tester.py, and a tester that authenticates from the
environment only.

The Dockerfile is read with a real parser (and hadolint's advice is quoted); the tester is run
as a container runs it (no terminal, stdin closed, the key only in the environment) against the
fake W&B server, once with the key and once without. Building and running the image needs a
Docker engine: without one that check is reported as skipped, never as passed.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import pytest

from grader.checks.online_checks import require_no_secret_in_files
from grader.fakewandb import FakeWandb, Store
from grader.judge.failure import fail
from grader.readers.dockerfile import (
    Dockerfile,
    copies_everything,
    exec_form,
    hadolint,
    read_dockerfile,
    script_position,
    sent_to_build,
)
from grader.readers.secrets import SECRET_FILES, redact, secret_files
from grader.running import OnlineRun, run_online
from grader.sandbox.docker_engine import (
    build_image,
    engine_available,
    image_tag,
    remove_image,
    run_image,
)

DOCKERFILE, TESTER = "wandb.docker", "wandb_tester.py"
VALUES = 100
FAST_S = 10.0  # "quickly": wandb itself gives up on a missing key in about 1.3 s


@pytest.fixture(scope="module")
def dockerfile(exercise_dir: Path) -> Dockerfile:
    try:
        return read_dockerfile(exercise_dir / DOCKERFILE)
    except Exception as error:  # dockerfile-parse rejects what Docker would reject
        fail(f"{DOCKERFILE} readable as a Dockerfile", f"{type(error).__name__}: {error}")


@pytest.fixture(scope="module")
def runs(sandbox) -> dict[str, OnlineRun]:
    with ThreadPoolExecutor(2) as pool:
        futures = {
            "key": pool.submit(run_online, sandbox, TESTER, [], with_key=True),
            "no key": pool.submit(run_online, sandbox, TESTER, [], with_key=False),
        }
    return {name: future.result() for name, future in futures.items()}


def _advice(exercise_dir: Path, codes: tuple[str, ...] = ()) -> str:
    findings = hadolint(exercise_dir / DOCKERFILE) or []
    chosen = [f for f in findings if not codes or any(code in f for code in codes)]
    return ("hadolint: " + "; ".join(chosen[:3])) if chosen else ""


def check_dockerfile_basics(dockerfile: Dockerfile, exercise_dir: Path) -> None:
    problems = []
    if not dockerfile.base_image or "python" not in dockerfile.base_image.lower():
        problems.append(f"base image {dockerfile.base_image or '(no FROM)'} is not a Python image")
    if not dockerfile.installs("wandb", exercise_dir):
        problems.append("no RUN instruction installs wandb")
    if not dockerfile.names_in_image(TESTER):
        problems.append(f"no COPY/ADD brings {TESTER} into the image")
    if problems:
        fail(
            f"{DOCKERFILE}: a Python base image, wandb installed, {TESTER} copied in",
            "; ".join(problems),
        )


def check_exec_form_entrypoint(dockerfile: Dockerfile, exercise_dir: Path) -> None:
    entry = dockerfile.entrypoint()
    expected = (
        f'an exec-form ENTRYPOINT running {TESTER} unbuffered, e.g. ["python", "-u", "{TESTER}"]'
    )
    if entry is None:
        fail(expected, "no ENTRYPOINT", _advice(exercise_dir))
    argv = exec_form(entry.value)
    if argv is None:
        fail(
            expected,
            f"line {entry.line}: ENTRYPOINT {entry.value} (shell form)",
            "in shell form the program runs under /bin/sh -c, so `docker stop` signals never "
            "reach Python. " + _advice(exercise_dir, ("DL3025",)),
        )
    script = script_position(argv, dockerfile.names_in_image(TESTER) or {TESTER})
    if script is None:
        fail(expected, f"line {entry.line}: ENTRYPOINT {entry.value} does not run {TESTER}")
    if not dockerfile.python_unbuffered(argv, script):
        fail(
            expected,
            f"line {entry.line}: ENTRYPOINT {entry.value}: Python's output stays buffered",
            "without -u (or ENV PYTHONUNBUFFERED=1), `docker logs` shows the output late or never",
        )


def check_no_secret_in_image(dockerfile: Dockerfile, exercise_dir: Path, sandbox) -> None:
    problems = [
        f"line {instruction.line}: {instruction.name} gives WANDB_API_KEY a value"
        for instruction, value in dockerfile.assignments("WANDB_API_KEY")
        if value
    ]
    for copy in dockerfile.copies():
        where = f"line {copy.instruction.line}: {copy.instruction.name}"
        for source in copy.sources:
            if PurePosixPath(source).name in SECRET_FILES:
                problems.append(f"{where} copies {source}")
            elif copies_everything(source) and (exposed := _exposed_secrets(exercise_dir)):
                problems.append(f"{where} {source} copies {', '.join(exposed)}")
    for run in dockerfile.all("RUN"):
        text = run.value
        if "wandb login" in text or ".netrc" in text or "WANDB_API_KEY" in text:
            problems.append(
                f"line {run.line}: RUN uses the key at build time ({text[:60]}); "
                "what it writes stays in a layer"
            )
    if problems:
        fail(
            "no secret baked into the image",
            "; ".join(problems),
            "anyone who pulls the image can read it (docker history, docker inspect): pass the "
            "key when the container starts, `docker run -e WANDB_API_KEY=...`",
        )
    require_no_secret_in_files(sandbox)


def _exposed_secrets(exercise_dir: Path) -> list[str]:
    """Secret files of the folder that `COPY .` would bring in (not excluded by .dockerignore)."""
    return sent_to_build(exercise_dir, secret_files(exercise_dir))


def _metric_values(store: Store) -> int:
    """The most values of test_metric one run sent to the fake server."""
    counts = [sum("test_metric" in row for row in record.history) for record in store.runs.values()]
    return max(counts, default=0)


def check_logs_100_values(runs: dict[str, OnlineRun]) -> None:
    run = runs["key"]
    values = _metric_values(run.server.store)
    if values < VALUES or not run.result.ok:
        seen = f"the fake W&B server received {values} values of test_metric"
        if run.used_other_keys():
            seen += "; it refused a key other than the one in WANDB_API_KEY"
        if not run.result.ok:
            seen += "\n" + run.crash_report()
        fail(
            f"{VALUES} values of test_metric reaching W&B with the key from WANDB_API_KEY "
            "(no terminal, stdin closed), and exit code 0",
            seen,
        )


def check_fails_fast_without_key(runs: dict[str, OnlineRun]) -> None:
    run = runs["no key"]
    result = run.result
    expected = (
        f"without WANDB_API_KEY: a non-zero exit within {FAST_S:g} s, with a message about "
        "the missing key"
    )
    if run.trace.prompts:
        prompt = run.trace.prompts[0]
        fail(
            expected,
            f"the tester asked for input with {prompt['function']}({prompt['prompt']!r})",
            "a container has no terminal: nobody can answer, so read the key from the environment",
        )
    if result.timed_out or result.duration > FAST_S:
        fail(expected, f"it ran for {result.duration:.1f} s ({result.status()})")
    if result.ok:
        fail(expected, "it exited with code 0, as if all went well")
    if run.used_other_keys():
        fail(
            expected,
            "without WANDB_API_KEY the tester still sent a key of its own to W&B",
            "a key in the code (or a .netrc) is used when the variable is missing",
        )
    output = (result.stdout + result.stderr).lower()
    if "api key" not in output and "api_key" not in output:
        fail(
            expected,
            "exit code "
            + str(result.exit_code)
            + "; no message mentions the key\n"
            + run.crash_report(),
        )


def check_docker_image(exercise_dir: Path, sandbox) -> None:
    if not engine_available():
        pytest.skip("no Docker engine (docker info failed); the image was not built")
    tag = image_tag("grader-exercise10")
    build = build_image(exercise_dir, sandbox.scratch("docker-context"), DOCKERFILE, tag)
    if not build.ok:
        fail("`docker build -f wandb.docker .` to succeed", build.stderr[-1500:])
    try:
        key = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        with FakeWandb(api_key=key) as server:
            run = run_image(tag, {"WANDB_API_KEY": key, "WANDB_BASE_URL": server.base_url})
            values = _metric_values(server.store)
        if not run.ok or values < VALUES:
            fail(
                f"the container to log {VALUES} values and exit 0",
                f"exit code {run.exit_code}, {values} values received\n"
                + redact(run.stderr[-1500:], key),
            )
    finally:
        remove_image(tag)
