"""A class's grades as Canvas's gradebook import file, matched to students through a roster.

Canvas's importer (Grades > Import; ``GradebookImporter`` in canvas-lms,
``app/models/gradebook_importer.rb``) reads: a header whose first columns are ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section`` (the last student column must be
``Section``), then one column per assignment, matched by ``Title (assignment id)`` or by the
exact title and otherwise created as a new assignment (a header containing ``Current Score``,
``Final Grade`` and the like is one of Canvas's computed columns and is dropped); a row whose
first cell holds ``Points Possible`` gives the new assignments' points; every other row is a
student, found by ``ID`` (the Canvas user id) first, then ``SIS User ID``, then ``SIS Login
ID``, then by name. Students and assignments not in the file are left as they are; a blank cell
over an existing grade is shown as a change in the import preview, so this writer never writes
blank scores.

What is written:

- ``grades.csv``: that header (one column per exercise graded), the ``Points Possible`` row and
  one row per roster student whose submission matched, in roster order, with the roster's own
  identity cells copied (so Canvas matches on its ``ID``). A column per exercise, not one total:
  a batch of some exercises then changes only those columns, and Canvas sums them itself.
- ``grades-unmatched.csv``: every graded submission that is *not* in the Canvas file, with why
  (no roster student, more than one, two folders for one student, the grading itself failed)
  and its scores, to be entered by hand.
- ``grades-missing.csv``: roster students without a submission. They get no row, so Canvas
  keeps whatever grade they have (a zero for a missing submission is a course policy that
  Canvas's own missing-submission policy can apply).

Both side files are written every time, with their header only when empty, so a stale list
from an earlier run never remains. The caller tells the person (``CanvasReport.lines``).

Matching a submission folder to a roster row (case-insensitive, surrounding spaces ignored):
the folder name equals the row's SIS Login ID, SIS User ID, ID or Email; failing that, one of
them is an address and the other its part before ``@`` (folder ``jdoe`` and SIS Login ID or
Email ``jdoe@uni.edu``, or folder ``jdoe@uni.edu`` and SIS Login ID ``jdoe``). A folder
that matches two roster students, or a student that two folders match, is never guessed: it
goes to the unmatched list. Names are never used to match.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..course import Exercise, UsageError

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"
# Canvas drops an import column whose header contains one of these (its computed columns) and
# reads these names as student columns, so no assignment column may be named like them.
_CANVAS_COMPUTED = re.compile(
    r"Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
    r"Override Score|Override Grade|Override Status"
)
_CANVAS_RESERVED = {"student", "lastname", "firstname", "id", "sis user id", "sis login id"}
_CANVAS_RESERVED |= {"section", "integration id", "root account"}
_CANVAS_TEST_STUDENT = ("Student, Test", "Test Student")
_TITLE_AND_ID = re.compile(r"^(.*?)\s+\((\d+)\)$")  # Canvas's "Title (assignment id)"

# Roster headers, normalised (lower case, single spaces, "_" as a space), to our fields.
_ALIASES = {
    "student": "Student",
    "student name": "Student",
    "name": "Student",
    "id": "ID",
    "canvas id": "ID",
    "canvas user id": "ID",
    "sis user id": "SIS User ID",
    "sis id": "SIS User ID",
    "sis login id": "SIS Login ID",
    "login id": "SIS Login ID",
    "section": "Section",
    "sections": "Section",
    "email": "Email",
    "e-mail": "Email",
    "email address": "Email",
    "lastname": "LastName",
    "last name": "LastName",
    "firstname": "FirstName",
    "first name": "FirstName",
}
_KEYS = ("SIS Login ID", "SIS User ID", "ID", "Email")  # what a folder name is compared with
_CANVAS_KEYS = ("ID", "SIS User ID", "SIS Login ID")  # what Canvas itself matches on


class GradedRow(Protocol):
    """One graded submission, as ``grader.batch.Row`` holds it."""

    @property
    def student(self) -> str: ...  # the submission folder's name

    @property
    def status(self) -> str: ...  # full marks | graded | malformed | timeout | error

    @property
    def scores(self) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class RosterStudent:
    line: int  # 1-based line of the roster file, for messages
    fields: Mapping[str, str]  # Student, ID, SIS User ID, SIS Login ID, Section, Email

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def describe(self) -> str:
        ids = [f"{k} {self.get(k)}" for k in ("SIS Login ID", "SIS User ID", "ID") if self.get(k)]
        return f"{self.get('Student') or '(no name)'} ({', '.join(ids) or f'line {self.line}'})"


@dataclass(frozen=True)
class Roster:
    path: Path
    students: tuple[RosterStudent, ...]
    columns: tuple[str, ...]  # the roster's own headers, as written (assignment columns too)
    points: Mapping[str, str] = field(default_factory=dict)  # its Points Possible row, by column


@dataclass(frozen=True)
class Unmatched:
    submission: str
    reason: str


@dataclass
class CanvasReport:
    path: Path
    written: int  # student rows in the Canvas file
    unmatched: list[Unmatched] = field(default_factory=list)
    missing: list[RosterStudent] = field(default_factory=list)
    unmatched_path: Path | None = None
    missing_path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the person running the batch must know, one line each."""
        lines = [f"canvas: {_count(self.written, 'student')} in {self.path}"]
        if self.unmatched:
            names = ", ".join(u.submission for u in self.unmatched)
            lines.append(
                f"canvas: {_count(len(self.unmatched), 'submission')} NOT in the Canvas file "
                f"(see {self.unmatched_path}): {names}"
            )
        if self.missing:
            names = "; ".join(s.describe() for s in self.missing)
            lines.append(
                f"canvas: {_count(len(self.missing), 'roster student')} without a submission "
                f"get no row, so Canvas keeps their grade (see {self.missing_path}): {names}"
            )
        return lines + [f"canvas: {warning}" for warning in self.warnings]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def side_file(path: Path, what: str) -> Path:
    """``grades.csv`` -> ``grades-unmatched.csv`` beside it."""
    return path.with_name(f"{path.stem}-{what}{path.suffix or '.csv'}")


# -- reading the roster ---------------------------------------------------------------------


def _normal(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").replace("_", " ").split()).casefold()


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"roster not found: {path}") from None
    except OSError as error:
        raise UsageError(f"cannot read roster {path}: {error.strerror}") from None
    for encoding in ("utf-8-sig", "cp1252"):  # Canvas writes UTF-8; Excel may save cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"roster {path} is not text in UTF-8 (save it as CSV UTF-8)")


def _table(path: Path, text: str) -> list[list[str]]:
    """The rows of ``text``, split at commas, or at semicolons or tabs when its first line has
    more of those (a spreadsheet saved with a European list separator)."""
    if "\0" in text:
        raise UsageError(f"roster {path} is not a CSV file (it holds binary data)")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = (
        max(",;\t", key=first.count)
        if first.count(",") < max(first.count(";"), first.count("\t"))
        else ","
    )
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise UsageError(f"roster {path} is not valid CSV: {error}") from None


def _canvas_filler(cells: Sequence[str]) -> bool:
    """Canvas's export rows that are no student: Points Possible, Muted, Manual Posting."""
    if any(POINTS_POSSIBLE.casefold() in c.casefold() for c in cells):
        return True
    return all(re.fullmatch(r"\s*(muted|manual posting.*)?\s*", c, re.I) for c in cells)


def read_roster(path: Path) -> Roster:
    """A roster CSV as Canvas exports it (Grades > Export, or People): the columns Student, ID,
    SIS User ID, SIS Login ID, Section in any order and case, with a BOM or without, any other
    columns beside them. At least one of ID, SIS User ID, SIS Login ID must be there."""
    table = _table(path, _decode(path))
    rows = [(n, r) for n, r in enumerate(table, 1) if any(c.strip() for c in r)]
    if not rows:
        raise UsageError(f"roster {path} is empty")
    header = rows[0][1]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        known = _ALIASES.get(_normal(name))
        if known and known not in index:
            index[known] = position
    if not any(k in index for k in _CANVAS_KEYS):
        shown = ", ".join(h.strip() for h in header[:8]) or "nothing"
        raise UsageError(
            f"roster {path} has none of the columns ID, SIS User ID, SIS Login ID "
            f"(its first line has: {shown})"
        )
    students: list[RosterStudent] = []
    seen: dict[tuple[str, str], RosterStudent] = {}
    points: dict[str, str] = {}
    for line, cells in rows[1:]:
        values = {k: cells[i].strip() if i < len(cells) else "" for k, i in index.items()}
        if "Student" not in values and ("LastName" in values or "FirstName" in values):
            last, first = values.get("LastName", ""), values.get("FirstName", "")
            values["Student"] = f"{last}, {first}".strip(", ")
        for name in ("LastName", "FirstName"):
            values.pop(name, None)
        if _canvas_filler(cells):
            if any(POINTS_POSSIBLE.casefold() in c.casefold() for c in cells):
                points = {h.strip(): c.strip() for h, c in zip(header, cells, strict=False)}
            continue
        if values.get("Student") in _CANVAS_TEST_STUDENT:
            continue  # the student Canvas's Student View makes, in every gradebook export
        student = RosterStudent(line, values)
        duplicate = False
        for key in _KEYS:
            value = values.get(key, "").casefold()
            if not value:
                continue
            other = seen.setdefault((key, value), student)
            if other is student:
                continue
            if dict(other.fields) == values:
                duplicate = True  # the same student listed twice: keep the first
                break
            raise UsageError(
                f"roster {path}: {key} {values[key]!r} is on line {other.line} and line {line}"
            )
        if not duplicate:
            students.append(student)
    return Roster(path, tuple(students), tuple(h.strip() for h in header), points)


# -- matching -------------------------------------------------------------------------------


def _local(value: str) -> str:
    return value.split("@", 1)[0]


def match(folder: str, roster: Roster) -> list[RosterStudent]:
    """Every roster student a submission folder's name identifies (see the module's rule);
    more than one means the name is ambiguous."""
    name = folder.strip().casefold()
    if not name:
        return []
    exact = [s for s in roster.students if name in {s.get(k).casefold() for k in _KEYS} - {""}]
    if exact:
        return exact
    local = _local(name)
    return [
        s
        for s in roster.students
        if any(
            value and ("@" in value) != ("@" in name) and _local(value) == local
            for value in (s.get("SIS Login ID").casefold(), s.get("Email").casefold())
        )
    ]


# -- writing --------------------------------------------------------------------------------


def assignment_names(exercises: Sequence[Exercise], roster: Roster | None = None) -> dict[str, str]:
    """Each exercise's Canvas column: ``Exercise N: <title>`` from the course entry, or the
    roster's own column for it when the roster is a Canvas gradebook export that has one
    (``Exercise 3: A rotating log file (4711)``, or a column titled with the exercise's title
    or folder name, any case): then Canvas matches the assignment by its id."""
    names: dict[str, str] = {}
    for exercise in exercises:
        default = f"Exercise {exercise.number}: {exercise.title}"
        wanted = {_normal(default), _normal(exercise.title), _normal(exercise.name)}
        wanted |= {f"exercise{exercise.number}", f"exercise {exercise.number}"}
        chosen = default
        for column in roster.columns if roster else ():
            if _normal(column) in _ALIASES:
                continue  # a student column
            title_and_id = _TITLE_AND_ID.match(column)
            title = title_and_id.group(1) if title_and_id else column
            if _normal(title) in wanted or _normal(column) in wanted:
                chosen = column
                break
        if _CANVAS_COMPUTED.search(chosen) or _normal(chosen) in _CANVAS_RESERVED:
            raise UsageError(
                f"[{exercise.name}] title {exercise.title!r} makes the Canvas column {chosen!r}, "
                "which Canvas reads as one of its own columns; change the title"
            )
        names[exercise.name] = chosen
    clash = [n for n in names.values() if list(names.values()).count(n) > 1]
    if clash:
        raise UsageError(f"two exercises would share the Canvas column {clash[0]!r}")
    return names


def _score(value: float) -> str:
    return f"{value:g}"


def write_canvas(
    path: Path,
    rows: Sequence[GradedRow],
    exercises: Sequence[Exercise],
    roster: Roster,
    assignments: Mapping[str, str] | None = None,
) -> CanvasReport:
    """Write Canvas's import file for ``rows`` and the two side files; see the module."""
    names = dict(assignments) if assignments is not None else assignment_names(exercises, roster)
    columns = [names[e.name] for e in exercises]
    found = {row.student: match(row.student, roster) for row in rows}
    by_student: dict[int, list[GradedRow]] = {}
    unmatched: list[tuple[GradedRow, str]] = []
    for row in sorted(rows, key=lambda r: r.student):
        students = found[row.student]
        if not students:
            unmatched.append((row, "no roster student matches the folder name"))
        elif len(students) > 1:
            who = "; ".join(s.describe() for s in students)
            unmatched.append((row, f"matches {len(students)} roster students: {who}"))
        else:
            by_student.setdefault(id(students[0]), []).append(row)
    written: list[tuple[RosterStudent, GradedRow]] = []
    missing: list[RosterStudent] = []
    for student in roster.students:
        submissions = by_student.get(id(student), [])
        if not submissions:
            missing.append(student)
        elif len(submissions) > 1:
            folders = ", ".join(r.student for r in submissions)
            for row in submissions:
                unmatched.append((row, f"{folders} are all {student.describe()}"))
        elif submissions[0].status == "error":
            unmatched.append((submissions[0], "the grading failed (status error): regrade it"))
        else:
            written.append((student, submissions[0]))

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*IDENTITY, *columns])
        blank = [""] * (len(IDENTITY) - 1)
        writer.writerow([POINTS_POSSIBLE, *blank, *(_score(e.max_points) for e in exercises)])
        for student, row in written:
            scores = [_score(row.scores.get(e.name, 0)) for e in exercises]
            writer.writerow([*(student.get(k) for k in IDENTITY), *scores])

    unmatched.sort(key=lambda item: item[0].student)
    unmatched_path = side_file(path, "unmatched")
    with unmatched_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "reason", "status", *columns, "total"])
        for row, reason in unmatched:
            scores = [row.scores.get(e.name, 0) for e in exercises]
            total = _score(sum(scores))
            writer.writerow([row.student, reason, row.status, *map(_score, scores), total])
    missing_path = side_file(path, "missing")
    with missing_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IDENTITY)
        for student in missing:
            writer.writerow([student.get(k) for k in IDENTITY])
    return CanvasReport(
        path,
        len(written),
        [Unmatched(row.student, reason) for row, reason in unmatched],
        missing,
        unmatched_path,
        missing_path,
        _points_differ(roster, exercises, names),
    )


def _points_differ(
    roster: Roster, exercises: Sequence[Exercise], names: Mapping[str, str]
) -> list[str]:
    """Columns whose points in the roster's Points Possible row are not the course's: Canvas
    stores the score, and shows it out of the assignment's own points."""
    warnings = []
    for exercise in exercises:
        given = roster.points.get(names[exercise.name], "")
        try:
            differs = given and float(given) != exercise.max_points
        except ValueError:
            continue  # "(read only)" and the like
        if differs:
            full = f"{exercise.max_points:g}"
            warnings.append(
                f"{names[exercise.name]!r} is worth {given} points in the roster but {full} in "
                f"the course: full marks show as {full}/{given} unless its points are changed"
            )
    return warnings
