"""Fixtures every exercise's checks share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.checks import early
from grader.course import Exercise
from grader.judge import fail
from grader.sandbox import Sandbox


@pytest.fixture(scope="module")
def exercise_dir(submission_root: Path, exercise: Exercise) -> Path:
    folder = submission_root / exercise.name
    missing = [name for name in exercise.files if not (folder / name).is_file()]
    if missing:
        present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        fail(
            f"{', '.join(exercise.files)} in {exercise.name}/",
            f"missing: {', '.join(missing)} (the folder has: {', '.join(present) or 'nothing'})",
        )
    return folder


@pytest.fixture(scope="module")
def sandbox(exercise_dir: Path, exercise: Exercise) -> Iterator[Sandbox]:
    # A sandbox whose run the command line started before pytest loaded (see early.py).
    with early.claim_sandbox(exercise_dir) or Sandbox(exercise_dir, exercise.limits) as box:
        yield box
