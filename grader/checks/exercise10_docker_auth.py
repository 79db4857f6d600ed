"""Exercise 10: a Dockerfile for wandb_tester.py, and a tester that authenticates from the
environment only.

The Dockerfile is read with a real parser (and hadolint's advice is quoted); the tester is run
as a container runs it (no terminal, stdin closed, the key only in the environment) against the
fake W&B server, once with the key and once without. Building and running the image needs a
Docker engine: without one that check is reported as skipped, never as passed.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import pytest

from grader.checks.online_checks import OnlineRun, require_no_secret_in_files, run_online
from grader.checks.running import crash_report
from grader.fakewandb import FakeWandb
from grader.judge import fail
from grader.readers.dockerfile import (
    Dockerfile,
    copies_everything,
    exec_form,
    hadolint,
    read_dockerfile,
    split_words,
)
from grader.readers.secrets import secret_files

DOCKERFILE, TESTER = "wandb.docker", "wandb_tester.py"
VALUES = 100
FAST_S = 10.0  # "quickly": wandb itself gives up on a missing key in about 1.3 s
_INSTALLERS = ("pip", "uv", "poetry", "conda", "mamba", "pipenv")


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


def _installs_wandb(dockerfile: Dockerfile, exercise_dir: Path) -> bool:
    for run in dockerfile.all("RUN"):
        words = split_words(run.value.replace("\\\n", " "))
        if not any(installer in words for installer in _INSTALLERS):
            continue
        if any(word.lower().startswith("wandb") for word in words):
            return True
        for word in words:  # -r requirements.txt / pyproject: look inside the copied file
            local = exercise_dir / PurePosixPath(word).name
            if (
                word.endswith((".txt", ".toml"))
                and local.is_file()
                and "wandb" in local.read_text(encoding="utf-8", errors="replace")
            ):
                return True
    return False


def _tester_names(dockerfile: Dockerfile) -> set[str]:
    """Names the tester has in the image: its own, or the file name it was copied to."""
    names = set()
    for copy in dockerfile.copies():
        for source in copy.sources:
            if copies_everything(source) or PurePosixPath(source).name in (TESTER, "*.py"):
                names.add(TESTER)
                target = copy.destination
                if PurePosixPath(source).name == TESTER and not target.endswith(("/", ".")):
                    names.add(PurePosixPath(target).name)
    return names


def check_dockerfile_basics(dockerfile: Dockerfile, exercise_dir: Path) -> None:
    problems = []
    if not dockerfile.base_image or "python" not in dockerfile.base_image.lower():
        problems.append(f"base image {dockerfile.base_image or '(no FROM)'} is not a Python image")
    if not _installs_wandb(dockerfile, exercise_dir):
        problems.append("no RUN instruction installs wandb")
    if not _tester_names(dockerfile):
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
    names = _tester_names(dockerfile) or {TESTER}
    script = next((i for i, word in enumerate(argv) if PurePosixPath(word).name in names), None)
    if script is None:
        fail(expected, f"line {entry.line}: ENTRYPOINT {entry.value} does not run {TESTER}")
    # -u counts among Python's own options, before the script; after it, it is the script's.
    options = [w for w in argv[:script] if w.startswith("-") and not w.startswith("--")]
    unbuffered = any("u" in word[1:] for word in options) or any(
        value not in (None, "", "0")
        for _, value in dockerfile.assignments("PYTHONUNBUFFERED", final_only=True)
    )
    if not unbuffered:
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
            if PurePosixPath(source).name in (".env", ".netrc", "_netrc"):
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
    ignore = exercise_dir / ".dockerignore"
    lines = (
        ignore.read_text(encoding="utf-8", errors="replace").splitlines()
        if ignore.is_file()
        else []
    )
    patterns = [line.strip().removeprefix("/").removeprefix("**/") for line in lines]
    patterns = [p for p in patterns if p and not p.startswith(("#", "!"))]
    return [
        name
        for name in secret_files(exercise_dir)
        if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
    ]


def _metric_values(run: OnlineRun) -> int:
    counts = [
        sum("test_metric" in row for row in record.history) for record in run.server.runs.values()
    ]
    return max(counts, default=0)


def check_logs_100_values(runs: dict[str, OnlineRun]) -> None:
    run = runs["key"]
    values = _metric_values(run)
    if values < VALUES or not run.result.ok:
        seen = f"the fake W&B server received {values} values of test_metric"
        if run.used_other_keys():
            seen += "; it refused a key other than the one in WANDB_API_KEY"
        if not run.result.ok:
            seen += "\n" + crash_report(run)
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
            + crash_report(run),
        )


def _docker_engine() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def check_docker_image(exercise_dir: Path, sandbox) -> None:
    if not _docker_engine():
        pytest.skip("no Docker engine (docker info failed); the image was not built")
    tag = f"grader-exercise10-{uuid.uuid4().hex[:12]}"
    context = sandbox.scratch("docker-context") / "context"
    shutil.copytree(exercise_dir, context)
    build = subprocess.run(
        ["docker", "build", "-f", DOCKERFILE, "-t", tag, "."],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if build.returncode != 0:
        fail("`docker build -f wandb.docker .` to succeed", build.stderr[-1500:])
    try:
        key = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        with FakeWandb(api_key=key) as server:
            run = subprocess.run(
                [
                    "docker",
                    "run",
                    "--rm",
                    "--network",
                    "host",
                    "-e",
                    f"WANDB_API_KEY={key}",
                    "-e",
                    f"WANDB_BASE_URL={server.base_url}",
                    tag,
                ],
                capture_output=True,
                text=True,
                timeout=300,
                stdin=subprocess.DEVNULL,
            )
            values = max(
                (sum("test_metric" in r for r in rec.history) for rec in server.runs.values()),
                default=0,
            )
        if run.returncode != 0 or values < VALUES:
            fail(
                f"the container to log {VALUES} values and exit 0",
                f"exit code {run.returncode}, {values} values received\n"
                + run.stderr[-1500:].replace(key, "<key>"),
            )
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=120)
