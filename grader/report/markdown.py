"""A Markdown summary, appended to GitHub's job summary when ``GITHUB_STEP_SUMMARY`` is set."""

from __future__ import annotations

import os
from pathlib import Path

from ..results import GradeReport, format_points


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown_summary(report: GradeReport) -> str:
    total = f"{format_points(report.score)}/{format_points(report.max_score)}"
    lines = [f"## Grading: {total}", ""]
    if report.isolation:
        lines += [f"_{report.isolation}_", ""]
    if report.provenance:
        lines += [f"_graded by {provenance_line(report.provenance)}_", ""]
    lines += ["| exercise | score | result |", "|---|---|---|"]
    for exercise in report.exercises:
        score = f"{format_points(exercise.score)}/{format_points(exercise.max_score)}"
        verdict = "full marks" if exercise.full_marks else "needs work"
        lines.append(f"| {exercise.name} | {score} | {verdict} |")
    for exercise in report.exercises:
        failing = [c for c in exercise.checks if not c.passed]
        if not failing:
            continue
        lines += ["", f"### {exercise.name}", "", "| check | points | feedback |", "|---|---|---|"]
        for check in failing:
            points = f"{format_points(check.points)}/{format_points(check.counted_max)}"
            lines.append(f"| {_cell(check.title)} | {points} | {_cell(check.explanation())} |")
    return "\n".join(lines) + "\n"


def provenance_line(provenance: dict) -> str:
    """``logging-grader 0.1.0, commit 3496530d6268, course config sha256 a0412e6fa060``."""
    parts = [f"{provenance.get('grader', 'the grader')} {provenance.get('version', '')}".strip()]
    if provenance.get("commit"):
        parts.append(f"commit {str(provenance['commit'])[:12]}")
    if provenance.get("config_sha256"):
        parts.append(f"course config sha256 {str(provenance['config_sha256'])[:12]}")
    return ", ".join(parts)


def append_step_summary(report: GradeReport) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(markdown_summary(report))
