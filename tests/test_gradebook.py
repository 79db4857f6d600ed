"""Canvas's gradebook import file: its layout, the roster read tolerantly, the matching rule,
nothing dropped silently; one small batch of real submissions at the end."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest

from grader.batch import Row, merge_gradebooks, run_batch, write_gradebook
from grader.course import UsageError, load_course
from grader.report.gradebook import (
    assignment_names,
    match,
    read_roster,
    side_file,
    write_canvas,
)

from .conftest import ROOT

COURSE = load_course()
ONE = COURSE.exercise("exercise1_log_levels")
THREE = COURSE.exercise("exercise3_file_sink")
HEADER = "Student,ID,SIS User ID,SIS Login ID,Section"
ROSTER = f"""{HEADER}
"Doe, Jane",101,S-1,jdoe,Section A
"Roe, Rick",102,S-2,rick@uni.edu,Section B
"Poe, Pat",103,S-3,ppoe,Section A
"""


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _roster(tmp_path: Path, text: str = ROSTER):
    return read_roster(_write(tmp_path / "roster.csv", text))


def _table(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _rows(*rows: tuple[str, str, float, float]) -> list[Row]:
    return [Row(s, status, {ONE.name: a, THREE.name: b}) for s, status, a, b in rows]


def test_canvas_file_is_the_import_format_one_column_per_exercise(tmp_path: Path) -> None:
    rows = _rows(("ppoe", "graded", 2.5, 9), ("JDOE", "full marks", 6, 9))
    report = write_canvas(tmp_path / "grades.csv", rows, [ONE, THREE], _roster(tmp_path))
    table = _table(tmp_path / "grades.csv")
    one, three = f"Exercise 1: {ONE.title}", f"Exercise 3: {THREE.title}"
    assert table[0] == [*HEADER.split(","), one, three]
    assert table[1] == ["Points Possible", "", "", "", "", "6", "9"]
    # roster order, the roster's own identity cells, scores as points
    assert table[2:] == [
        ["Doe, Jane", "101", "S-1", "jdoe", "Section A", "6", "9"],
        ["Poe, Pat", "103", "S-3", "ppoe", "Section A", "2.5", "9"],
    ]
    assert report.written == 2 and report.unmatched == []
    assert [s.get("Student") for s in report.missing] == ["Roe, Rick"]


def test_a_roster_is_read_tolerantly(tmp_path: Path) -> None:
    """A Canvas gradebook export: BOM, columns in another order and case, extra columns, the
    Points Possible and Muted rows, Canvas's test student, blank lines."""
    text = (
        "\ufeffsis login id,SECTION,Notes,student,id,sis_user_id,Exercise 1 (55)\n"
        "    Points Possible,,,,,,6\n"
        ",,,,,,Muted\n"
        "\n"
        'jdoe,Section A,late,"Doe, Jane",101,S-1,3\n'
        ',,,"Student, Test",999,,\n'
        'rick@uni.edu,Section B,,"Roe, Rick",102\n'
    )
    roster = read_roster(_write(tmp_path / "export.csv", text))
    assert [dict(s.fields) for s in roster.students] == [
        {
            "SIS Login ID": "jdoe",
            "Section": "Section A",
            "Student": "Doe, Jane",
            "ID": "101",
            "SIS User ID": "S-1",
        },
        {
            "SIS Login ID": "rick@uni.edu",
            "Section": "Section B",
            "Student": "Roe, Rick",
            "ID": "102",
            "SIS User ID": "",
        },
    ]
    # semicolons (a spreadsheet's European list separator) and split names; cp1252 from Excel
    text = "LastName;FirstName;SIS Login ID\nMüller;Jörg;jmueller\n"
    roster = read_roster(_write(tmp_path / "semicolons.csv", text, encoding="cp1252"))
    assert dict(roster.students[0].fields) == {
        "SIS Login ID": "jmueller",
        "Student": "Müller, Jörg",
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "roster not found"),
        ("\n\n", "is empty"),
        (
            "name,email\nJane,jane@uni.edu\n",
            "has none of the columns ID, SIS User ID, SIS Login ID",
        ),
        ("Student,ID\nA,1\x00\n", "not a CSV file"),
        (f"{HEADER}\nA,1,,,\nB,1,,,\n", "ID '1' is on line 2 and line 3"),
    ],
)
def test_a_malformed_roster_is_a_usage_error_in_one_line(
    tmp_path: Path, text: str | None, reason: str
) -> None:
    path = tmp_path / "roster.csv"
    if text is not None:
        _write(path, text)
    with pytest.raises(UsageError, match=reason) as raised:
        read_roster(path)
    assert "\n" not in str(raised.value)


def test_the_same_student_listed_twice_is_one_student(tmp_path: Path) -> None:
    roster = _roster(tmp_path, f"{HEADER}\nA,1,,a,\nA,1,,a,\n")
    assert len(roster.students) == 1


def test_matching_rule(tmp_path: Path) -> None:
    roster = _roster(tmp_path, ROSTER + '"Doe, John",104,S-4,jdoe@other.edu,\n"No, Ids",,,,\n')

    def names(folder: str) -> list[str]:
        return [s.get("Student") for s in match(folder, roster)]

    assert names(" JDoe ") == ["Doe, Jane"]  # SIS Login ID, any case, spaces around
    assert names("s-2") == ["Roe, Rick"]  # SIS User ID
    assert names("103") == ["Poe, Pat"]  # ID
    assert names("rick") == ["Roe, Rick"]  # the part before @ of the login
    assert names("ppoe@uni.edu") == ["Poe, Pat"]  # the folder is an email
    assert names("jdoe@uni.edu") == ["Doe, Jane"]  # login jdoe; not jdoe@other.edu
    assert names("jdoe@other.edu") == ["Doe, John"]
    assert names("Doe, Jane") == [] and names("Jane Doe") == []  # never by name
    assert names("") == []


def test_nothing_is_dropped_silently(tmp_path: Path) -> None:
    text = ROSTER.replace(",jdoe,", ",jdoe@uni.edu,") + '"Doe, John",104,S-4,jdoe@other.edu,\n'
    roster = _roster(tmp_path, text)
    rows = _rows(
        ("stranger", "graded", 1, 0),  # no roster student
        ("jdoe", "graded", 2, 0),  # the part before @ of both jdoe@uni.edu and jdoe@other.edu
        ("rick", "graded", 3, 0),  # two folders for Rick ...
        ("S-2", "full marks", 6, 9),  # ...
        ("ppoe", "error", 0, 0),  # the grading failed: never a 0 in Canvas
    )
    target = tmp_path / "out" / "grades.csv"
    report = write_canvas(target, rows, [ONE, THREE], roster)
    assert report.written == 0 and _table(target)[2:] == []
    reasons = {u.submission: u.reason for u in report.unmatched}
    assert set(reasons) == {"stranger", "jdoe", "rick", "S-2", "ppoe"}
    assert "no roster student" in reasons["stranger"]
    assert "matches 2 roster students" in reasons["jdoe"]
    assert "S-2, rick are all Roe, Rick" in reasons["rick"]
    assert "grading failed" in reasons["ppoe"]
    unmatched = _table(side_file(target, "unmatched"))
    assert unmatched[0][:3] == ["submission", "reason", "status"]
    assert ["S-2", reasons["S-2"], "full marks", "6", "9", "15"] in unmatched
    # the roster students without a row: Jane (ambiguous folder only) and John
    missing = _table(side_file(target, "missing"))
    assert missing[0] == HEADER.split(",")
    assert [m[0] for m in missing[1:]] == ["Doe, Jane", "Doe, John"]
    lines = report.lines()
    assert "5 submissions NOT in the Canvas file" in lines[1] and "stranger" in lines[1]
    assert "2 roster students without a submission get no row" in lines[2]
    # a later run that matches everyone leaves no stale list behind
    write_canvas(target, _rows(("jdoe", "graded", 1, 1)), [ONE, THREE], _roster(tmp_path))
    assert len(_table(side_file(target, "unmatched"))) == 1


def test_a_canvas_export_as_roster_names_the_columns_by_assignment_id(tmp_path: Path) -> None:
    text = ROSTER.replace(HEADER, f"{HEADER},Exercise 3: A ROTATING log file (4711)")
    text = text.replace("\n", "\nPoints Possible,,,,,10\n", 1)
    roster = _roster(tmp_path, text)
    names = assignment_names([ONE, THREE], roster)
    assert names == {
        ONE.name: f"Exercise 1: {ONE.title}",
        THREE.name: "Exercise 3: A ROTATING log file (4711)",
    }
    report = write_canvas(tmp_path / "g.csv", _rows(("jdoe", "graded", 1, 2)), [ONE, THREE], roster)
    assert _table(tmp_path / "g.csv")[0][-1] == "Exercise 3: A ROTATING log file (4711)"
    assert any("worth 10 points in the roster but 9 in the course" in w for w in report.warnings)
    # configured by hand, too
    chosen = {ONE.name: "Logging 1", THREE.name: "Logging 3 (12)"}
    write_canvas(tmp_path / "h.csv", [], [ONE, THREE], roster, assignments=chosen)
    assert _table(tmp_path / "h.csv")[0][5:] == ["Logging 1", "Logging 3 (12)"]


def test_a_title_canvas_would_misread_is_a_usage_error() -> None:
    bad = dataclasses.replace(ONE, title="Final Grade helper")
    with pytest.raises(UsageError, match="Canvas reads as one of its own columns"):
        assignment_names([bad])


def test_batch_options_are_checked_before_any_grading(tmp_path: Path) -> None:
    batch, roster = tmp_path / "none", _write(tmp_path / "r.csv", ROSTER)
    common = (COURSE, [ONE], batch, tmp_path / "g.csv")
    for options, reason in [
        ({"gradebook_format": "canvas"}, "needs --roster"),
        ({"roster": roster}, "--roster is read only with --gradebook-format canvas"),
        ({"gradebook_format": "xlsx"}, "unknown gradebook format"),
        ({"gradebook_format": "canvas", "roster": tmp_path / "nope.csv"}, "roster not found"),
        (
            {"gradebook_format": "canvas", "roster": roster, "shard": (1, 2)},
            "needs the whole class",
        ),
        ({"gradebook_format": "canvas", "roster": roster}, "batch folder not found"),
    ]:
        with pytest.raises(UsageError, match=reason):
            run_batch(*common, **options)


def test_plain_shards_merge_into_one_canvas_file(tmp_path: Path) -> None:
    roster = _write(tmp_path / "roster.csv", ROSTER)
    parts = [tmp_path / "g1.csv", tmp_path / "g2.csv"]
    write_gradebook(parts[0], _rows(("ppoe", "graded", 2, 3)), [ONE, THREE])
    write_gradebook(
        parts[1], _rows(("jdoe", "full marks", 6, 9), ("x", "graded", 1, 1)), [ONE, THREE]
    )
    plain = tmp_path / "plain.csv"
    assert merge_gradebooks(parts, plain) == 3  # the plain merge is as before
    assert [r[0] for r in _table(plain)[1:]] == ["jdoe", "ppoe", "x"]
    target = tmp_path / "canvas.csv"
    assert merge_gradebooks(parts, target, "canvas", roster, COURSE) == 3
    assert [r[0] for r in _table(target)[2:]] == ["Doe, Jane", "Poe, Pat"]
    assert _table(target)[2][5:] == ["6", "9"]
    assert _table(side_file(target, "unmatched"))[1][0] == "x"
    with pytest.raises(UsageError, match="is a Canvas import file"):
        merge_gradebooks([target], tmp_path / "again.csv")
    with pytest.raises(UsageError, match="needs --roster"):
        merge_gradebooks(parts, target, "canvas", None, COURSE)


def test_a_batch_exported_for_canvas_with_a_roster_that_misses_a_student(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exercise 1 for a solved and a stub submission, matched by SIS Login ID and by the part
    before @; a third submission is not on the roster; a roster student handed in nothing."""
    batch = tmp_path / "class"
    shutil.copytree(ROOT / "solutions" / ONE.name, batch / "JDoe" / ONE.name)
    shutil.copytree(ROOT / "exercises" / ONE.name, batch / "rick" / ONE.name)
    (batch / "walk-in").mkdir()  # not on the roster (and nothing handed in)
    roster = _write(tmp_path / "roster.csv", "\ufeff" + ROSTER)
    gradebook = tmp_path / "out" / "grades.csv"
    rows = run_batch(
        COURSE, [ONE], batch, gradebook, isolation="auto", gradebook_format="canvas", roster=roster
    )
    assert {r.student: r.status for r in rows} == {
        "JDoe": "full marks",
        "rick": "graded",
        "walk-in": "malformed",
    }
    table = _table(gradebook)
    assert table[0] == [*HEADER.split(","), f"Exercise 1: {ONE.title}"]
    assert table[1] == ["Points Possible", "", "", "", "", "6"]
    assert table[2][:5] == ["Doe, Jane", "101", "S-1", "jdoe", "Section A"]
    assert table[2][5] == "6"
    assert table[3][:2] == ["Roe, Rick", "102"] and float(table[3][5]) < 6
    assert len(table) == 4
    assert [r[0] for r in _table(side_file(gradebook, "unmatched"))[1:]] == ["walk-in"]
    assert [r[0] for r in _table(side_file(gradebook, "missing"))[1:]] == ["Poe, Pat"]
    err = capsys.readouterr().err
    assert "1 submission NOT in the Canvas file" in err and "walk-in" in err
    assert "1 roster student without a submission" in err and "Poe, Pat" in err
    assert (tmp_path / "out" / "grades-results" / "JDoe.json").exists()
