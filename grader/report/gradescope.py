"""Gradescope's ``results.json`` (the autograder specification's format)."""

from __future__ import annotations

import json
from pathlib import Path

from ..results import GradeReport


def gradescope_results(report: GradeReport) -> dict:
    tests = [
        {
            "name": f"{check.exercise}: {check.title}",
            "number": f"{check.exercise}.{check.check}",
            "score": check.points,
            "max_score": check.counted_max,
            # Gradescope knows only passed/failed: a skipped check costs nothing and says why.
            "status": "failed" if check.status in ("failed", "error") else "passed",
            "output": check.explanation(),
            "visibility": "visible",
        }
        for exercise in report.exercises
        for check in exercise.checks
    ]
    return {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": round(report.duration, 3),
        "output": "\n".join(
            filter(None, [f"Total: {report.score:g}/{report.max_score:g}", report.isolation])
        ),
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
                }
                for exercise in report.exercises
            },
        },
    }


def write_gradescope(report: GradeReport, path: Path) -> None:
    path.write_text(json.dumps(gradescope_results(report), indent=2) + "\n", encoding="utf-8")
