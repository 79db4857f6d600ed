"""Gradescope's ``results.json`` (the autograder specification's format).

https://gradescope-autograders.readthedocs.io/en/latest/specs/: ``output_format`` "md" for the
whole output and each test's, ``tags``, per-test ``visibility`` and free ``extra_data``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..results import CheckResult, GradeReport, format_points


def gradescope_results(report: GradeReport) -> dict:
    tests = [
        {
            "name": f"{check.exercise}: {check.title}",
            "number": f"{check.exercise}.{check.check}",
            "score": check.points,
            "max_score": check.counted_max,
            # Gradescope knows only passed/failed: a skipped check costs nothing and says why.
            "status": "failed" if check.status in ("failed", "error") else "passed",
            "output": check_markdown(check),
            "output_format": "md",
            "tags": [exercise.name, *exercise.tools],
            "visibility": check.visibility,
        }
        for exercise in report.exercises
        for check in exercise.checks
    ]
    total = f"Total: {format_points(report.score)}/{format_points(report.max_score)}"
    return {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": round(report.duration, 3),
        "output": "\n\n".join(filter(None, [f"**{total}**", report.isolation])),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        # Per-exercise totals as data: a batch's parent reads them from here.
        "extra_data": {
            "isolation": report.isolation,
            "exercises": {
                exercise.name: {
                    "score": exercise.score,
                    "max_score": exercise.max_score,
                    "runs": exercise.runs,
                    "warm_runs": exercise.warm_runs,
                }
                for exercise in report.exercises
            },
            "provenance": dict(report.provenance),
        },
    }


def check_markdown(check: CheckResult) -> str:
    """A check's feedback as Markdown: what was expected in words, what the run showed
    verbatim in a fenced block (student output is never read as Markdown), why, and the hint.
    Empty for a check that passed."""
    if check.passed:
        return ""
    if check.status == "skipped":
        return f"**skipped:** {check.seen}".strip()
    parts = []
    if check.partial is not None and check.points:
        parts.append(
            f"**partial marks:** {format_points(check.points)}/{format_points(check.max_points)}"
        )
    if check.expected:
        parts.append(f"**expected:** {check.expected}")
    if check.seen:
        parts.append("**saw:**\n\n" + fenced(check.seen))
    if check.detail:
        parts.append(f"**why:** {check.detail}")
    if check.hint:
        parts.append(f"**hint:** {check.hint}")
    return "\n\n".join(parts)


def fenced(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block, its fence longer than any run of backticks in it."""
    text = text.strip("\n")
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def write_gradescope(report: GradeReport, path: Path) -> None:
    path.write_text(json.dumps(gradescope_results(report), indent=2) + "\n", encoding="utf-8")
