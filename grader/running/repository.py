"""A git repository made of the student's files, for exercises about what W&B records of one.

The grader makes it (and its later commits) with the host's git, configured for nothing but
this: no user or system configuration, no hooks (the copy never holds a ``.git``), a fixed
author. Student code then runs inside it with ``Sandbox.run(..., workdir=repository.path)``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader.sandbox import Sandbox

# Never part of what a run is reproduced from: run folders, caches.
IGNORED = ("wandb/", "outputs/", "multirun/", "__pycache__/", "*.pyc")
_AUTHOR = {"GIT_AUTHOR_NAME": "Grader", "GIT_AUTHOR_EMAIL": "grader@example.invalid"}


class GitUnavailable(RuntimeError):
    """git is missing or failed on the grader's side (never the student's fault)."""


@dataclass(frozen=True)
class Repository:
    path: Path

    def git(self, *args: str) -> str:
        """Run git in the repository and return its output."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.path),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C",
            **_AUTHOR,
            "GIT_COMMITTER_NAME": _AUTHOR["GIT_AUTHOR_NAME"],
            "GIT_COMMITTER_EMAIL": _AUTHOR["GIT_AUTHOR_EMAIL"],
        }
        # The runs leave the files owned by the sandbox's user: git must not refuse them.
        command = ["git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null", *args]
        try:
            done = subprocess.run(
                command, cwd=self.path, env=env, capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GitUnavailable(f"`git {' '.join(args)}` could not run: {error}") from error
        if done.returncode != 0:
            raise GitUnavailable(f"`git {' '.join(args)}` failed: {done.stderr.strip()[-500:]}")
        return done.stdout.strip()

    def commit_all(self, message: str) -> str:
        """Commit every file as it is now; returns the new commit's hash."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def make_repository(sandbox: Sandbox, name: str = "repository") -> Repository:
    """The exercise's files, committed once into a new repository below the sandbox."""
    repository = Repository(sandbox.workspace(name))
    ignore = repository.path / ".gitignore"
    if ignore.is_dir():  # not a list of patterns at all: ours replaces it
        shutil.rmtree(ignore)
    kept = ignore.read_text(errors="replace") if ignore.is_file() else ""
    ignore.write_text(kept.rstrip("\n") + "\n" + "\n".join(IGNORED) + "\n")
    repository.git("init", "--quiet", "--initial-branch=main")
    repository.commit_all("the code the run was made with")
    return repository
