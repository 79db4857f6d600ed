"""Grading a whole class: one grader process per student, as many at once as there are cores.

Each student's grading runs as its own ``python -m grader`` process with a time limit, so a
submission that hangs, crashes or is malformed costs only its own row. ``--shard i/n`` grades
every n-th student (for a CI matrix) and ``merge_gradebooks`` joins the shards' CSV files into
exactly the CSV an unsharded run writes.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .course import Course, Exercise, UsageError
from .sandbox.reaper import kill_group, kill_marked
from .submission import Submission

BATCH_MARKER = "GRADER_BATCH_ID"  # passed on to student processes, to find them after a kill
_OVERHEAD_S = 60  # a grading's own start-up (interpreter, pytest), beyond its runs
_PER_EXERCISE_S = 10  # loading an exercise's checks and reading what its runs wrote


@dataclass
class Row:
    student: str
    status: str  # full marks | graded | malformed | timeout | error
    scores: dict[str, float]

    def total(self) -> float:
        return sum(self.scores.values())


def parse_shard(text: str | None) -> tuple[int, int]:
    if not text:
        return 1, 1
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard must look like 1/4, not {text!r}") from None
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: the first number must be between 1 and {count}")
    return index, count


def students(batch_dir: Path, shard: tuple[int, int]) -> list[Path]:
    """Every entry of the batch folder, sorted by name, then every n-th for shard i/n."""
    if not batch_dir.is_dir():
        raise UsageError(f"batch folder not found: {batch_dir}")
    entries = sorted(p for p in batch_dir.iterdir() if not p.name.startswith("."))
    index, count = shard
    return entries[index - 1 :: count]


def _time_limit(exercises: list[Exercise]) -> float:
    """Every run each exercise's entry says it makes, each at its time limit, plus overhead."""
    return _OVERHEAD_S + sum(e.runs * e.limits.time_s + _PER_EXERCISE_S for e in exercises)


def _grade_student(
    folder: Path,
    course: Course,
    exercises: list[Exercise],
    results_dir: Path,
    config: Path | None,
    isolation: str,
) -> Row:
    empty = {e.name: 0.0 for e in exercises}
    if not folder.is_dir() or not any(map(Submission.open(folder).has, course.exercises)):
        return Row(folder.name, "malformed", empty)
    results = results_dir / f"{folder.name}.json"
    command = [sys.executable, "-m", "grader", "--submission", str(folder), "--json", str(results)]
    command += ["--no-color", "--jobs", "1", "--allow-missing", "--isolation", isolation]
    command += [e.name for e in exercises] + (["--config", str(config)] if config else [])
    marker = uuid.uuid4().hex
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, BATCH_MARKER: marker, "NO_COLOR": "1"},
    )
    try:
        code = process.wait(timeout=_time_limit(exercises))
    except subprocess.TimeoutExpired:
        code = None
    kill_group(process.pid)
    kill_marked(f"{BATCH_MARKER}={marker}".encode())
    process.wait()
    if code is None:
        return Row(folder.name, "timeout", empty)
    scores = _scores(results, exercises)
    if code not in (0, 1) or scores is None:
        return Row(folder.name, "error", empty)
    return Row(folder.name, "full marks" if code == 0 else "graded", scores)


def _scores(results: Path, exercises: list[Exercise]) -> dict[str, float] | None:
    """Each exercise's score, as the child's results.json gives it in ``extra_data``."""
    try:
        given = json.loads(results.read_text(encoding="utf-8"))["extra_data"]["exercises"]
        return {e.name: float(given[e.name]["score"]) for e in exercises}
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Progress:
    """done/total with the expected time left, on one line when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.live = sys.stderr.isatty()

    def step(self, row: Row) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        filled = round(20 * self.done / self.total)
        bar = f"[{'#' * filled}{'-' * (20 - filled)}] {self.done}/{self.total}"
        text = f"{bar}  {row.student}: {row.status}  ETA {int(left) // 60}:{int(left) % 60:02d}"
        sys.stderr.write(("\r\033[K" if self.live else "") + text + ("" if self.live else "\n"))
        if self.live and self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def header(exercises: list[Exercise]) -> list[str]:
    return ["student", "status", *(e.name for e in exercises), "total", "max_total"]


def write_gradebook(path: Path, rows: list[Row], exercises: list[Exercise]) -> None:
    maximum = sum(e.max_points for e in exercises)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header(exercises))
        for row in sorted(rows, key=lambda r: r.student):
            scores = [f"{row.scores.get(e.name, 0):g}" for e in exercises]
            writer.writerow([row.student, row.status, *scores, f"{row.total():g}", f"{maximum:g}"])


def run_batch(
    course: Course,
    exercises: list[Exercise],
    batch_dir: Path,
    gradebook: Path,
    shard: tuple[int, int] = (1, 1),
    jobs: int | None = None,
    config: Path | None = None,
    isolation: str = "namespaces",
) -> list[Row]:
    """Grade every student folder of ``batch_dir``; writes the gradebook and the results."""
    folders = students(batch_dir, shard)
    results_dir = gradebook.parent / f"{gradebook.stem}-results"
    results_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(max(len(folders), 1))
    rows: list[Row] = []
    with ThreadPoolExecutor(max_workers=jobs or len(os.sched_getaffinity(0))) as pool:
        futures = [
            pool.submit(_grade_student, f, course, exercises, results_dir, config, isolation)
            for f in folders
        ]
        for future in as_completed(futures):
            rows.append(future.result())
            progress.step(rows[-1])
    write_gradebook(gradebook, rows, exercises)
    return rows


def merge_gradebooks(parts: list[Path], target: Path) -> int:
    """Join shard gradebooks (same columns) into one, sorted by student; returns the rows."""
    columns: list[str] | None = None
    rows: list[list[str]] = []
    for part in parts:
        try:
            with part.open(newline="", encoding="utf-8") as handle:
                table = list(csv.reader(handle))
        except OSError as error:
            raise UsageError(f"cannot read {part}: {error.strerror}") from None
        if not table:
            raise UsageError(f"{part} is empty")
        if columns is not None and table[0] != columns:
            raise UsageError(f"{part} has other columns than {parts[0]}")
        columns = table[0]
        rows.extend(table[1:])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns or [])
        writer.writerows(sorted(rows, key=lambda row: row[0]))
    return len(rows)
