"""What graded a submission: the grader's version and commit, and the course file it read.

Every results file carries this (``GradeReport.provenance``), so a grade can be traced to the
grader and the course configuration that gave it, and a course file edited in a student's own
repository shows as another hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "logging-grader"  # pyproject.toml's [project] name
PACKAGE = Path(__file__).resolve().parent  # grader/
ROOT = PACKAGE.parent  # the checkout (or the site-packages folder of an installed grader)
STAMP = PACKAGE / "_build.json"  # {"commit": ..., "version": ...}, written by a bundle builder
UNKNOWN = "unknown"


def describe(config: Path | str | None = None) -> dict[str, str]:
    """The provenance of a grading with the course file ``config``.

    ``config`` None means the file ``load_course`` reads then: ``GRADER_CONFIG``, else
    ``configs/course.toml`` of this project. Never raises: what cannot be found is "unknown".
    """
    stamp = _stamp()
    return {
        "grader": DISTRIBUTION,
        "version": grader_version(stamp),
        "commit": grader_commit(stamp),
        "config_sha256": config_sha256(config),
    }


def grader_version(stamp: dict | None = None) -> str:
    """The installed package's version, else the build stamp's, else "unknown"."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    stamp = _stamp() if stamp is None else stamp
    return str(stamp.get("version") or UNKNOWN)


def grader_commit(stamp: dict | None = None) -> str:
    """``GRADER_COMMIT``, else the build stamp's commit, else HEAD of the grader's own git
    checkout (not of a repository it merely sits in), else "unknown"."""
    given = os.environ.get("GRADER_COMMIT", "").strip()
    if given:
        return given
    stamp = _stamp() if stamp is None else stamp
    if stamp.get("commit"):
        return str(stamp["commit"])
    return _git_head(ROOT) or UNKNOWN


def config_sha256(config: Path | str | None = None) -> str:
    """SHA-256 of the course file's bytes (hex), or "unknown" when it cannot be read."""
    path = Path(config or os.environ.get("GRADER_CONFIG") or ROOT / "configs" / "course.toml")
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return UNKNOWN


def _stamp() -> dict:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _git_head(folder: Path) -> str | None:
    """HEAD's commit when ``folder`` is the top of a git work tree, else None."""
    if not (folder / ".git").exists():
        return None
    # Read-only; the checkout may belong to another user (a CI runner), hence safe.directory.
    command = ["git", "-c", f"safe.directory={folder}", "-C", str(folder)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        done = subprocess.run(
            [*command, "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env=environment,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 2:
        return None
    top, commit = lines
    try:
        if Path(top).resolve() != folder.resolve():
            return None
    except OSError:
        return None
    return commit
