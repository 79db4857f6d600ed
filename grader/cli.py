"""``grade``: the command line of the grader (also ``python -m grader`` and ``nox -s grade``).

Exit status: 0 every selected exercise has full marks, 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .course import UsageError, load_course

EXIT_FULL_MARKS, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, as the contract asks
        raise UsageError(f"{message} (see `grade --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="grade",
        description="Grade logging exercises: run the student's code and judge what it did.",
    )
    parser.add_argument(
        "exercises",
        nargs="*",
        metavar="EXERCISE",
        help="exerciseN, N, or a slug such as file_sink (none = all)",
    )
    parser.add_argument(
        "--submission",
        type=Path,
        default=Path("exercises"),
        metavar="DIR",
        help="folder laid out like exercises/ (default: ./exercises)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write Gradescope results.json")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--config", type=Path, metavar="FILE", help="course configuration TOML")
    parser.add_argument("--no-color", action="store_true", help="plain text output")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        course = load_course(args.config)
        exercises = course.resolve(args.exercises)
        submission = args.submission
        if not submission.is_dir():
            raise UsageError(
                f"submission folder not found: {submission} "
                f"(expected a folder holding {', '.join(e.name for e in course.exercises[:2])}, …)"
            )
        if args.exercises:
            _require_folders(submission, [e.name for e in exercises])
    except UsageError as error:
        print(f"grade: error: {error}", file=sys.stderr)
        return EXIT_USAGE

    from .judge import run_checks
    from .report import append_step_summary, print_report, write_gradescope, write_junit

    report = run_checks(course, submission.resolve(), exercises)
    if args.no_color:
        os.environ["NO_COLOR"] = "1"
    print_report(report)
    for path, writer in ((args.json, write_gradescope), (args.junit, write_junit)):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer(report, path)
    append_step_summary(report)
    return EXIT_FULL_MARKS if report.full_marks else EXIT_FAILED


def _require_folders(submission: Path, names: list[str]) -> None:
    missing = [name for name in names if not (submission / name).is_dir()]
    if missing:
        present = ", ".join(sorted(p.name for p in submission.iterdir() if p.is_dir()))
        raise UsageError(
            f"no folder {', '.join(missing)} in {submission}; it has: {present or 'nothing'}"
        )


def run() -> None:
    sys.exit(main())
