"""Driving the local Docker engine: is one there, build an image, run it, remove it."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

INFO_TIMEOUT_S = 20
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 300
REMOVE_TIMEOUT_S = 120


@dataclass(frozen=True)
class EngineResult:
    """How one ``docker`` command ended: its exit code and its output."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def engine_available() -> bool:
    """A ``docker`` client on PATH and an engine that answers ``docker info``."""
    if shutil.which("docker") is None:
        return False
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, timeout=INFO_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return info.returncode == 0


def image_tag(prefix: str) -> str:
    """A tag no other image has: ``prefix`` and 12 random hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def build_image(source: Path, scratch: Path, dockerfile: str, tag: str) -> EngineResult:
    """Copy the folder ``source`` to ``scratch/context`` and run ``docker build -f dockerfile
    -t tag .`` there (``scratch`` is an empty folder)."""
    context = scratch / "context"
    shutil.copytree(source, context)
    build = subprocess.run(
        ["docker", "build", "-f", dockerfile, "-t", tag, "."],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    return EngineResult(build.returncode, build.stdout, build.stderr)


def run_image(tag: str, env: dict[str, str]) -> EngineResult:
    """``docker run --rm --network host`` of ``tag`` with ``env`` as ``-e NAME=value`` (in
    order) and stdin closed; the host network lets it reach a server on 127.0.0.1."""
    options = [option for name, value in env.items() for option in ("-e", f"{name}={value}")]
    run = subprocess.run(
        ["docker", "run", "--rm", "--network", "host", *options, tag],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    return EngineResult(run.returncode, run.stdout, run.stderr)


def remove_image(tag: str) -> None:
    """``docker rmi -f tag``; whether it was there or not."""
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=REMOVE_TIMEOUT_S)
