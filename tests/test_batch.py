"""Grading a class: a complete gradebook whatever students hand in; shards merge to the same."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, run_grader

EXERCISES = ["exercise1", "exercise2"]


def _class(tmp_path: Path) -> Path:
    """20 submissions: solutions, stubs, broken ones, one that hangs, one that is not a folder."""
    batch = tmp_path / "class"
    for i in range(8):
        shutil.copytree(
            ROOT / "solutions",
            batch / f"solved{i:02d}",
            ignore=shutil.ignore_patterns("exercise[5-9]*", "exercise1[0-9]*"),
        )
    for i in range(6):
        shutil.copytree(
            ROOT / "exercises",
            batch / f"stub{i:02d}",
            ignore=shutil.ignore_patterns("exercise[5-9]*", "exercise1[0-9]*"),
        )
    for i in range(3):
        broken = batch / f"crash{i:02d}" / "exercise1_log_levels"
        broken.mkdir(parents=True)
        (broken / "my_logger.py").write_text("raise SystemExit('nope')\n")
    hang = batch / "hangs" / "exercise1_log_levels"
    hang.mkdir(parents=True)
    (hang / "my_logger.py").write_text("while True:\n    pass\n")
    (batch / "empty").mkdir()
    (batch / "notes.txt").write_text("not a submission\n")
    return batch


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "course.toml"
    text = (ROOT / "configs" / "course.toml").read_text()
    config.write_text(text.replace("limits = { time_s = 10 }", "limits = { time_s = 3 }"))
    return config


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.long
def test_batch_gradebook_is_complete_and_shards_merge_to_the_same(tmp_path: Path) -> None:
    batch, config = _class(tmp_path), _config(tmp_path)
    common = [*EXERCISES, "--batch", str(batch), "--config", str(config)]
    whole = tmp_path / "out" / "grades.csv"
    graded = run_grader(*common, "--gradebook", str(whole))
    assert graded.exit_code == 1, graded.stderr
    rows = _rows(whole)
    assert len(rows) == 20
    by_student = {row["student"]: row for row in rows}
    assert all(by_student[f"solved{i:02d}"]["status"] == "full marks" for i in range(8))
    assert all(by_student[f"solved{i:02d}"]["total"] == "12" for i in range(8))
    assert by_student["stub00"]["status"] == "graded" and by_student["stub00"]["total"] == "5"
    assert by_student["hangs"]["exercise1_log_levels"] == "0"
    assert by_student["notes.txt"]["status"] == "malformed"
    assert by_student["empty"]["status"] == "malformed"
    results = json.loads((tmp_path / "out" / "grades-results" / "solved00.json").read_text())
    assert results["score"] == 12

    parts = []
    for index in (1, 2):
        part = tmp_path / f"shard{index}.csv"
        run_grader(*common, "--gradebook", str(part), "--shard", f"{index}/2")
        parts.append(part)
    assert 0 < len(_rows(parts[0])) < 20
    merged = tmp_path / "merged.csv"
    assert run_grader("--merge", *map(str, parts), "--gradebook", str(merged)).exit_code == 0
    assert merged.read_text() == whole.read_text()


def test_bad_shard_and_missing_batch_are_usage_errors(tmp_path: Path) -> None:
    assert run_grader("--batch", str(tmp_path), "--shard", "3/2").exit_code == 2
    graded = run_grader("--batch", str(tmp_path / "missing"))
    assert graded.exit_code == 2 and "batch folder not found" in graded.stderr


def test_a_students_time_limit_follows_the_runs_each_entry_makes() -> None:
    from grader.batch import _time_limit
    from grader.course import load_course

    course = load_course()
    one, three = course.exercise("exercise1_log_levels"), course.exercise("exercise3_file_sink")
    assert (one.runs, three.runs) == (1, 3) and one.limits.time_s == three.limits.time_s
    assert _time_limit([three]) - _time_limit([one]) == 2 * three.limits.time_s
    assert _time_limit([one, three]) > _time_limit([three]) + one.limits.time_s
