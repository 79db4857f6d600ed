"""Fixtures every exercise's checks share (the judge's plugin adds ``exercise``, ``sandbox``
and ``training``, which depend on the grading under way)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course import Exercise
from grader.judge.failure import fail
from grader.running import StudentRun, run_script


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
def run(sandbox, exercise: Exercise) -> StudentRun:
    """The exercise's command, run once as a student would run it by hand."""
    return run_script(sandbox, exercise.script, *exercise.args)
