"""An automated grader for the Logging module: loguru, Hydra and Weights & Biases exercises.

Public surface: ``grade`` (programmatic grading) and ``main`` (the command line). Inside:
``sandbox`` runs student code, ``readers`` read what loguru/Hydra/W&B wrote, ``checks`` and
``judge`` decide, ``report`` tells.
"""

from __future__ import annotations

from pathlib import Path

from .cli import main

__all__ = ["grade", "main"]


def grade(submission: Path, exercises: list[str] | None = None):
    """Grade ``exercises`` (all when empty) of a submission folder; returns a ``GradeReport``."""
    from .course import load_course
    from .judge import grade as grade_exercises
    from .submission import Submission

    course = load_course()
    return grade_exercises(Submission.open(Path(submission)), course.resolve(exercises or []))
