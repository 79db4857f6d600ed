"""Grading a whole class: one grader process per student, as many at once as there are cores.

Each student's grading runs as its own grader process with a time limit, forked from a grader
that imported itself once (``preforked.py``) and otherwise just as ``python -m grader``, so a
submission that hangs, crashes or is malformed costs only its own row. ``--shard i/n`` grades
every n-th student (for a CI matrix) and ``merge_gradebooks`` joins the shards' CSV files into
exactly the CSV an unsharded run writes.

``gradebook_format="canvas"`` writes Canvas's gradebook import file instead, matched to the
students through a roster (``grader/report/gradebook.py`` has the format and the matching
rule). It needs the whole class at once, so shards are graded in the plain format and
``merge_gradebooks(..., gradebook_format="canvas", roster=...)`` turns them into one Canvas file.
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

from .course import Course, Exercise, UsageError, load_course
from .preforked import PreforkedGrader, ServerUnavailable
from .report.gradebook import CanvasReport, Roster, assignment_names, read_roster, write_canvas
from .sandbox.reaper import kill_group, kill_marked
from .submission import Submission

BATCH_MARKER = "GRADER_BATCH_ID"  # passed on to student processes, to find them after a kill
_OVERHEAD_S = 60  # a grading's own start-up (interpreter, pytest), beyond its runs
_PER_EXERCISE_S = 10  # loading an exercise's checks and reading what its runs wrote
GRADEBOOK_FORMATS = ("csv", "canvas")


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
    grader: PreforkedGrader | None,
) -> Row:
    empty = {e.name: 0.0 for e in exercises}
    if not folder.is_dir() or not any(map(Submission.open(folder).has, course.exercises)):
        return Row(folder.name, "malformed", empty)
    results = results_dir / f"{folder.name}.json"
    argv = ["--submission", str(folder), "--json", str(results), "--no-color", "--jobs", "1"]
    argv += ["--allow-missing", "--isolation", isolation]
    argv += [e.name for e in exercises] + (["--config", str(config)] if config else [])
    marker = uuid.uuid4().hex
    env = {**os.environ, BATCH_MARKER: marker, "NO_COLOR": "1"}
    code = _run_grading(grader, argv, env, _time_limit(exercises))
    kill_marked(f"{BATCH_MARKER}={marker}".encode())
    if code is None:
        return Row(folder.name, "timeout", empty)
    scores = _scores(results, exercises)
    if code not in (0, 1) or scores is None:
        return Row(folder.name, "error", empty)
    return Row(folder.name, "full marks" if code == 0 else "graded", scores)


def _run_grading(
    grader: PreforkedGrader | None, argv: list[str], env: dict[str, str], limit: float
) -> int | None:
    """``python -m grader ARGV``, forked from the preforked grader where there is one; its
    exit status, or None when it ran past ``limit`` (it is then killed, with its group)."""
    if grader is not None:
        with open(os.devnull, "wb") as null:
            try:
                return grader.grade(
                    argv,
                    env=env,
                    cwd=Path.cwd(),
                    stdout=null.fileno(),
                    stderr=null.fileno(),
                    timeout=limit,
                )
            except ServerUnavailable:
                pass  # graded below, as a process of its own
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        code: int | None = process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        code = None
    kill_group(process.pid)
    process.wait()
    return code


def _preforked(exercises: list[Exercise]) -> PreforkedGrader | None:
    """One grader imported once for the whole batch; without it, each student is graded by a
    ``python -m grader`` of its own (slower by the grader's imports, the same otherwise)."""
    try:
        return PreforkedGrader(tools={tool for e in exercises for tool in e.tools})
    except ServerUnavailable as error:
        print(f"batch: grading each student in a new process ({error})", file=sys.stderr)
        return None


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


def _gradebook_options(
    gradebook_format: str, roster: Path | None, exercises: list[Exercise]
) -> Roster | None:
    """Check the format's options before any grading starts; the roster, read, for canvas."""
    if gradebook_format not in GRADEBOOK_FORMATS:
        known = ", ".join(GRADEBOOK_FORMATS)
        raise UsageError(f"unknown gradebook format {gradebook_format!r} (known: {known})")
    if gradebook_format == "csv":
        if roster is not None:
            raise UsageError("--roster is read only with --gradebook-format canvas")
        return None
    if roster is None:
        raise UsageError("--gradebook-format canvas needs --roster CSV (exported from Canvas)")
    read = read_roster(roster)
    assignment_names(exercises, read)  # a title Canvas would misread stops us now, not later
    return read


def _tell(report: CanvasReport) -> None:
    for line in report.lines():
        print(line, file=sys.stderr)


def run_batch(
    course: Course,
    exercises: list[Exercise],
    batch_dir: Path,
    gradebook: Path,
    shard: tuple[int, int] = (1, 1),
    jobs: int | None = None,
    config: Path | None = None,
    isolation: str = "namespaces",
    gradebook_format: str = "csv",
    roster: Path | None = None,
) -> list[Row]:
    """Grade every student folder of ``batch_dir``; writes the gradebook and the results.

    ``gradebook_format`` is ``csv`` (the plain gradebook) or ``canvas`` (Canvas's import file,
    which needs ``roster``, and lists what it could not match beside it, and on stderr)."""
    read = _gradebook_options(gradebook_format, roster, exercises)
    if read is not None and shard[1] > 1:
        raise UsageError(
            "--gradebook-format canvas needs the whole class: grade the shards in the plain "
            "format, then --merge them with --gradebook-format canvas --roster CSV"
        )
    folders = students(batch_dir, shard)
    results_dir = gradebook.parent / f"{gradebook.stem}-results"
    results_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(max(len(folders), 1))
    rows: list[Row] = []
    grader = _preforked(exercises) if folders else None
    try:
        with ThreadPoolExecutor(max_workers=jobs or len(os.sched_getaffinity(0))) as pool:
            futures = [
                pool.submit(
                    _grade_student, f, course, exercises, results_dir, config, isolation, grader
                )
                for f in folders
            ]
            for future in as_completed(futures):
                rows.append(future.result())
                progress.step(rows[-1])
    finally:
        if grader is not None:
            grader.close()
    if read is None:
        write_gradebook(gradebook, rows, exercises)
    else:
        _tell(write_canvas(gradebook, rows, exercises, read))
    return rows


def _read_part(part: Path) -> list[list[str]]:
    try:
        with part.open(newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
    except OSError as error:
        raise UsageError(f"cannot read {part}: {error.strerror}") from None
    if not table:
        raise UsageError(f"{part} is empty")
    if table[0][:2] == ["Student", "ID"]:
        raise UsageError(
            f"{part} is a Canvas import file, which does not merge: merge the shards' plain "
            "gradebooks (add --gradebook-format canvas --roster CSV to the merge for Canvas)"
        )
    return table


def _plain_exercises(part: Path, columns: list[str], course: Course) -> list[Exercise]:
    """The exercises of a plain gradebook's header (student, status, <exercises>, total, max)."""
    if columns[:2] != ["student", "status"] or columns[-2:] != ["total", "max_total"]:
        raise UsageError(f"{part} is not a gradebook written by --batch")
    try:
        return [course.exercise(name) for name in columns[2:-2]]
    except KeyError as error:
        raise UsageError(f"{part} has a column for {error.args[0]}, not in the course") from None


def merge_gradebooks(
    parts: list[Path],
    target: Path,
    gradebook_format: str = "csv",
    roster: Path | None = None,
    course: Course | None = None,
) -> int:
    """Join shard gradebooks (same columns) into one, sorted by student; returns the rows.

    The shards are plain gradebooks; ``gradebook_format="canvas"`` writes the joined class as
    Canvas's import file instead (``roster`` needed; ``course``, default the course file, gives
    the exercises' titles and points)."""
    if gradebook_format not in GRADEBOOK_FORMATS or (gradebook_format == "csv" and roster):
        _gradebook_options(gradebook_format, roster, [])  # raises the usage error
    columns: list[str] | None = None
    rows: list[list[str]] = []
    for part in parts:
        table = _read_part(part)
        if columns is not None and table[0] != columns:
            raise UsageError(f"{part} has other columns than {parts[0]}")
        columns = table[0]
        rows.extend(table[1:])
    if gradebook_format == "canvas":
        exercises = _plain_exercises(parts[0], columns or [], course or load_course())
        read = _gradebook_options(gradebook_format, roster, exercises)
        assert read is not None
        graded = []
        for row in rows:
            if len(row) != len(columns or []):
                raise UsageError(
                    f"a row of the shards has {len(row)} cells, not {len(columns or [])}"
                )
            scores = {e.name: _number(row[2 + i], row[0]) for i, e in enumerate(exercises)}
            graded.append(Row(row[0], row[1], scores))
        _tell(write_canvas(target, graded, exercises, read))
        return len(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns or [])
        writer.writerows(sorted(rows, key=lambda row: row[0]))
    return len(rows)


def _number(text: str, student: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"the shards give {student} the score {text!r}, not a number") from None
