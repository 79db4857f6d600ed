"""Grading several exercises at once, one worker process per exercise, on every core."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

from ..course import Exercise
from ..readers.wandb_run import import_reader
from ..results import ExerciseResult, GradeReport
from ..running.early import EarlyStart
from ..sandbox import warm
from ..sandbox.isolation import current
from ..submission import Submission
from .session import run_checks


def _grade_one(submission: Submission, exercise: Exercise) -> ExerciseResult:
    return run_checks(submission, [exercise]).exercises[0]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) or 1


def grade(
    submission: Submission,
    exercises: list[Exercise],
    jobs: int | None = None,
    early: dict[str, EarlyStart] | None = None,
) -> GradeReport:
    """Grade ``exercises``; with more than one, they run in parallel worker processes.

    Workers are forked, so they start with the grader already imported; each runs its own
    pytest session. The longest exercises (by time limit) are started first. Training runs
    started ``early`` are taken by a grading in this process (one exercise, or one job).
    """
    jobs = min(jobs or default_jobs(), len(exercises))
    if any(exercise.warm for exercise in exercises):
        warm.start(current())  # before the workers fork: they all run from this one template
    if jobs <= 1 or early:
        return run_checks(submission, exercises, early)
    if any("wandb" in exercise.tools for exercise in exercises):
        import_reader()  # once, before the workers fork, rather than in each of them
    started = time.monotonic()
    order = sorted(exercises, key=lambda e: -e.limits.time_s)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {e.name: pool.submit(_grade_one, submission, e) for e in order}
        results = [futures[e.name].result() for e in exercises]
    return GradeReport(str(submission.root), results, time.monotonic() - started)
