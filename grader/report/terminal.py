"""The report a student reads in the terminal: readable with or without colour."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from ..results import GradeReport, format_points

_GREEN, _RED, _YELLOW, _BOLD, _DIM, _RESET = (
    "\033[32m",
    "\033[31m",
    "\033[33m",
    "\033[1m",
    "\033[2m",
    "\033[0m",
)


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render(report: GradeReport, colour: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines = []
    for exercise in report.exercises:
        score = f"{format_points(exercise.score)}/{format_points(exercise.max_score)}"
        lines.append(paint(_BOLD, f"{exercise.name}: {exercise.title}") + f"  [{score}]")
        for check in exercise.checks:
            mark = {
                "passed": paint(_GREEN, "PASS"),
                "failed": paint(_RED, "FAIL"),
                "skipped": paint(_YELLOW, "SKIP"),
                "error": paint(_RED, "ERROR"),
            }[check.status]
            points = f"{format_points(check.points)}/{format_points(check.counted_max)}"
            lines.append(f"  {mark} {check.title}  ({points})")
            if not check.passed:
                for line in check.explanation().splitlines():
                    lines.append("        " + (paint(_DIM, line) if line.startswith(" ") else line))
        lines.append("")
    total = f"{format_points(report.score)}/{format_points(report.max_score)}"
    verdict = "full marks" if report.full_marks else "not full marks yet"
    lines.append(paint(_BOLD, f"Total: {total} ({verdict})"))
    if report.isolation:
        lines.append(paint(_DIM, report.isolation))
    return "\n".join(lines)


def print_report(
    report: GradeReport, stream: TextIO | None = None, colour: bool | None = None
) -> None:
    """Write the report; ``colour`` None decides by the stream and NO_COLOR/FORCE_COLOR."""
    stream = stream or sys.stdout
    stream.write(render(report, use_colour(stream) if colour is None else colour) + "\n")
    stream.flush()
