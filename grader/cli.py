"""``grade``: the command line of the grader (also ``python -m grader`` and ``nox -s grade``).

Exit status: 0 every selected exercise has full marks, 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .course import Course, Exercise, UsageError, load_course
from .results import GradeReport
from .sandbox import warm as warm_runs
from .sandbox.isolation import MODES, IsolationUnavailable, choose, current
from .submission import Submission

if TYPE_CHECKING:
    from .running.early import EarlyStart

EXIT_FULL_MARKS, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class OneLineParser(argparse.ArgumentParser):
    """Usage errors become one line (a UsageError), as the contract asks."""

    def error(self, message: str) -> None:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def add_submission_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--submission",
        type=Path,
        default=Path("exercises"),
        metavar="DIR",
        help="folder laid out like exercises/ (default: ./exercises)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="grade",
        description="Grade logging exercises: run the student's code and judge what it did.",
    )
    parser.add_argument(
        "exercises",
        nargs="*",
        metavar="EXERCISE",
        help="exerciseN, N, or a slug such as file_sink (none = all)",
    )
    add_submission_argument(parser)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write Gradescope results.json")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument(
        "--classroom", type=Path, metavar="FILE", help="write GitHub Classroom's result JSON"
    )
    parser.add_argument(
        "--github-output",
        metavar="KEY",
        help="append KEY=<base64 of the Classroom JSON> to $GITHUB_OUTPUT (a Classroom step)",
    )
    parser.add_argument("--exercism", type=Path, metavar="FILE", help="write Exercism's results v3")
    parser.add_argument(
        "--prairielearn",
        type=Path,
        metavar="FILE",
        help="write PrairieLearn's external-grader results.json",
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="course configuration TOML")
    parser.add_argument("--no-color", action="store_true", help="plain text output")
    parser.add_argument(
        "--jobs", type=int, metavar="N", help="gradings at once (default: one per core)"
    )
    parser.add_argument(
        "--watch", action="store_true", help="grade again each time a file of the exercise changes"
    )
    parser.add_argument(
        "--isolation",
        choices=MODES,
        help="how student code is contained: its own namespaces, the process sandbox, or auto "
        "(namespaces where the machine allows them; the default, and namespaces for --batch)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="start every run of student code in a fresh interpreter (by default the runs of "
        "torch and W&B exercises fork from one that imported them once)",
    )
    batch = parser.add_argument_group("grading a class")
    batch.add_argument(
        "--batch", type=Path, metavar="DIR", help="one submission folder per student"
    )
    batch.add_argument(
        "--gradebook",
        type=Path,
        default=Path("grades.csv"),
        metavar="CSV",
        help="gradebook to write (default: grades.csv; results JSON go beside it)",
    )
    batch.add_argument(
        "--gradebook-format",
        choices=("csv", "canvas"),
        default="csv",
        help="csv (status, scores, total per student; the default) or canvas (Canvas's "
        "gradebook import, students matched through --roster)",
    )
    batch.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="the class roster exported from Canvas (Student, ID, SIS User ID, SIS Login ID)",
    )
    batch.add_argument(
        "--shard", metavar="I/N", help="grade only every N-th student, from the I-th"
    )
    batch.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="CSV",
        help="merge shard gradebooks into --gradebook",
    )
    parser.add_argument("--allow-missing", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.merge:
            return _merge(args)
        course = load_course(args.config)
        exercises = course.resolve(args.exercises)
        args.isolation = args.isolation or ("namespaces" if args.batch else _default_isolation())
        if args.cold:
            os.environ[warm_runs.COLD] = "1"  # for this grading and every one it starts
        if args.batch:
            choose(args.isolation)  # a batch refuses to start without the isolation it asks for
            _share_template(exercises)
            return _batch(args, course, exercises)
        if not args.submission.is_dir():
            names = ", ".join(e.name for e in course.exercises[:2])
            raise UsageError(
                f"submission folder not found: {args.submission} (expected {names}, …)"
            )
        submission = Submission.open(args.submission)
        missing = submission.missing(exercises)
        if args.exercises and missing and not args.allow_missing:
            raise UsageError(submission.describe_missing(missing))
        if not args.watch:
            choose(args.isolation)
    except (UsageError, IsolationUnavailable) as error:
        print(f"grade: error: {error}", file=sys.stderr)
        if "args" in locals():
            _write_reports(args, _failure_report(args.exercises, str(error)))
        return EXIT_USAGE
    if args.watch:
        from .watch import watch

        choose(args.isolation)
        _share_template(exercises)  # kept for every grading the watch starts
        return watch(submission, exercises, [a for a in argv if a != "--watch"])
    return _grade(args, submission, exercises)


def _share_template(exercises: list[Exercise], alone: bool = False) -> None:
    """Start the warm template here, for the gradings this process starts to share it. A
    grading ``alone`` (not a batch's or a watch's) starts one only where it pays."""
    runs = sum(exercise.runs for exercise in exercises if exercise.warm)
    if runs and (not alone or warm_runs.plan(runs)):
        many = not alone or runs >= warm_runs.HUGE_PAGES_RUNS
        tools = {tool for exercise in exercises for tool in exercise.tools}
        warm_runs.start(current(), many_runs=many, tools=tools)


def _grade(args: argparse.Namespace, submission: Submission, exercises: list[Exercise]) -> int:
    _share_template(exercises, alone=True)  # its imports overlap the grader's own start
    early = _start_early(submission, exercises)
    from .judge import grade
    from .report import append_step_summary, print_report, use_colour

    try:
        report = grade(submission, exercises, args.jobs, early)
    except Exception as error:
        # A platform reading the results must still get one: the grader's failure, said so.
        _write_reports(args, _failure_report(exercises, f"the grader itself failed: {error!r}"))
        raise
    report.isolation = current().describe()
    print_report(report, sys.stdout, colour=not args.no_color and use_colour(sys.stdout))
    _write_reports(args, report)
    append_step_summary(report)
    return EXIT_FULL_MARKS if report.full_marks else EXIT_FAILED


def _write_reports(args: argparse.Namespace, report: GradeReport) -> None:
    """Every results file asked for, each saying what graded it (grader, commit, course file)."""
    from . import report as formats
    from .provenance import describe

    report.provenance = describe(getattr(args, "config", None))
    writers = (
        (getattr(args, "json", None), formats.write_gradescope),
        (getattr(args, "junit", None), formats.write_junit),
        (getattr(args, "classroom", None), formats.write_classroom),
        (getattr(args, "exercism", None), formats.write_exercism),
        (getattr(args, "prairielearn", None), formats.write_prairielearn),
    )
    for path, writer in writers:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer(report, path)
    key = getattr(args, "github_output", None)
    if key:
        line = formats.classroom_output_line(report).replace("result=", f"{key}=", 1)
        target = os.environ.get("GITHUB_OUTPUT")
        if target:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        else:
            print(line)


def _failure_report(exercises: list[Exercise] | list[str], reason: str) -> GradeReport:
    """One errored check per exercise asked for, whose feedback is ``reason``."""
    from .results import CheckResult, ExerciseResult

    names = [getattr(e, "name", e) for e in exercises] or ["grading"]
    checks = {
        name: CheckResult(
            name, "graded", "the submission could be graded", 0.0, "error", seen=reason
        )
        for name in names
    }
    return GradeReport(
        submission="",
        exercises=[ExerciseResult(name, name, [checks[name]]) for name in names],
    )


def _default_isolation() -> str:
    return os.environ.get("GRADER_ISOLATION") or "auto"


def _start_early(submission: Submission, exercises: list[Exercise]) -> dict[str, EarlyStart]:
    """One exercise alone whose entry allows it: start its training run now, to overlap
    pytest's start-up; the judge's fixtures take the run instead of starting it again."""
    if len(exercises) != 1 or not exercises[0].start_early or not submission.has(exercises[0]):
        return {}
    from .running.early import EarlyStart

    exercise = exercises[0]
    return {exercise.name: EarlyStart.start(exercise, submission.root / exercise.name)}


def _batch(args: argparse.Namespace, course: Course, exercises: list[Exercise]) -> int:
    from .batch import parse_shard, run_batch

    rows = run_batch(
        course,
        exercises,
        args.batch,
        args.gradebook,
        parse_shard(args.shard),
        args.jobs,
        args.config,
        args.isolation,
        gradebook_format=args.gradebook_format,
        roster=args.roster,
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(rows)} submissions graded ({summary or 'none'}); gradebook: {args.gradebook}")
    return EXIT_FULL_MARKS if rows and all(r.status == "full marks" for r in rows) else EXIT_FAILED


def _merge(args: argparse.Namespace) -> int:
    from .batch import merge_gradebooks

    course = load_course(args.config) if args.gradebook_format == "canvas" else None
    count = merge_gradebooks(args.merge, args.gradebook, args.gradebook_format, args.roster, course)
    print(f"{count} rows from {len(args.merge)} gradebooks written to {args.gradebook}")
    return EXIT_FULL_MARKS


def run() -> None:
    sys.exit(main())
