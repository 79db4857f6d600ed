"""The git repository the grader makes of a submission (exercise 12 runs in it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.running import make_repository
from grader.running.repository import GitUnavailable
from grader.sandbox import Limits, Sandbox


def _submission(tmp_path: Path) -> Path:
    folder = tmp_path / "student"
    (folder / "pkg").mkdir(parents=True)
    (folder / "train.py").write_text("print('train')\n")
    (folder / "pkg" / "util.py").write_text("X = 1\n")
    (folder / ".gitignore").write_text("secrets.env")  # no final newline: ours are appended
    (folder / "secrets.env").write_text("WANDB_API_KEY=nothing\n")
    return folder


def test_every_file_is_committed_and_run_outputs_are_ignored(tmp_path: Path) -> None:
    folder = _submission(tmp_path)
    with Sandbox(folder, Limits()) as box:
        repository = make_repository(box)
        tracked = repository.git("ls-files").splitlines()
        assert sorted(tracked) == [".gitignore", "pkg/util.py", "train.py"]
        ignored = (repository.path / ".gitignore").read_text().splitlines()
        assert ignored[0] == "secrets.env" and "wandb/" in ignored
        first = repository.head()
        (repository.path / "wandb").mkdir()
        (repository.path / "wandb" / "run.log").write_text("x")
        (repository.path / "NOTES.md").write_text("later\n")
        second = repository.commit_all("later")
        assert second != first and len(second) == 40
        assert repository.git("ls-files").splitlines().count("NOTES.md") == 1
        assert "wandb/run.log" not in repository.git("ls-files")
    assert not (folder / ".git").exists()  # the student's folder is only read


def test_a_git_failure_is_the_graders_error_with_the_reason(tmp_path: Path) -> None:
    with Sandbox(_submission(tmp_path), Limits()) as box:
        repository = make_repository(box)
        with pytest.raises(GitUnavailable, match="rev-parse"):
            repository.git("rev-parse", "no-such-commit")
