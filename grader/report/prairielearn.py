"""PrairieLearn's external-grader ``results.json`` (docs/externalGrading.md, "Grading results").

``score`` in [0, 1]; ``gradable`` false (with ``format_errors``) for a submission that cannot be
graded, which costs the student no attempt; ``message``, ``output`` and ``tests[]`` (``name``,
``points``, ``max_points``, ``message``, ``output``, ``images``) for the
``<pl-external-grader-results>`` element. Images are ``{"label", "url": "data:image/png;base64,
..."}``. PrairieLearn's grader host rejects a file above 1 MiB: this one stays below 1,000,000
bytes, dropping images first and then cutting the longest outputs, and says so in its message.
"""

from __future__ import annotations

import base64
from pathlib import Path

from ..results import CheckResult, GradeReport, format_points
from .sizing import compact_json, shrink_texts
from .terminal import render

LIMIT = 1_000_000  # bytes; the grader host's cap is 1024 * 1024
_KINDS = {  # magic bytes -> MIME type of the pictures PrairieLearn shows
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def prairielearn_results(report: GradeReport, limit: int = LIMIT) -> dict:
    missing = [exercise for exercise in report.exercises if exercise.missing]
    if report.exercises and len(missing) == len(report.exercises):
        # Nothing could be graded: not gradable, no points lost, no attempt used.
        return {
            "gradable": False,
            "format_errors": [exercise.missing for exercise in missing],
            "message": "The submission could not be graded: "
            + "; ".join(exercise.missing for exercise in missing),
            "provenance": dict(report.provenance),
        }
    notes: list[str] = []
    tests = [_test(check, notes) for exercise in report.exercises for check in exercise.checks]
    total = f"Total: {format_points(report.score)}/{format_points(report.max_score)}"
    data = {
        "gradable": True,
        "score": _fraction(report.score, report.max_score),
        "message": "\n".join(filter(None, [total, report.isolation, *notes])),
        "output": render(report, colour=False),
        "tests": tests,
        "provenance": dict(report.provenance),
    }
    _fit(data, limit)
    return data


def write_prairielearn(report: GradeReport, path: Path, limit: int = LIMIT) -> None:
    """``results.json`` (for PrairieLearn: ``/grade/results/results.json``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(compact_json(prairielearn_results(report, limit)))


def _test(check: CheckResult, notes: list[str]) -> dict:
    test = {
        "name": f"{check.exercise}: {check.title}",
        "points": check.points,
        "max_points": check.counted_max,
        "message": _message(check),
        "output": check.explanation(),
    }
    images = []
    for number, image in enumerate(check.images, start=1):
        encoded = _data_url(image)
        if encoded is None:
            notes.append(f"{check.exercise}.{check.check}: picture {number} could not be read")
            continue
        named = isinstance(image, str | Path)
        label = Path(image).name if named else f"{check.title} ({number})"
        images.append({"label": label, "url": encoded})
    if images:
        test["images"] = images
    return test


def _message(check: CheckResult) -> str:
    if check.passed:
        return "passed"
    if check.status == "skipped":
        return f"skipped here (costs nothing): {check.seen}".strip()
    if check.status == "error":
        return "the grader failed on this check (not your fault); please report it"
    if check.points:
        return f"partly right: {format_points(check.points)}/{format_points(check.max_points)}"
    return "failed"


def _fraction(score: float, maximum: float) -> float:
    return min(max(score / maximum, 0.0), 1.0) if maximum > 0 else 0.0


def _data_url(image: Path | str | bytes) -> str | None:
    try:
        data = image if isinstance(image, bytes) else Path(image).read_bytes()
    except OSError:
        return None
    kind = next((mime for magic, mime in _KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _fit(data: dict, limit: int) -> None:
    """Within ``limit`` bytes: drop images (largest first), then cut outputs (longest first)."""
    if len(compact_json(data)) <= limit:
        return
    tests = data["tests"]
    pictures = sorted(
        ((len(image["url"]), test, image) for test in tests for image in test.get("images", [])),
        key=lambda item: -item[0],
    )
    dropped = 0
    for _, test, image in pictures:
        test["images"].remove(image)
        if not test["images"]:
            del test["images"]
        dropped += 1
        if len(compact_json(data)) <= limit:
            break
    if dropped:
        data["message"] += f"\n{dropped} picture(s) left out: the results must stay within 1 MB"
    if len(compact_json(data)) <= limit:
        return
    data["message"] += "\nSome output was cut: the results must stay within 1 MB"
    places = [(data, "output")] + [(test, "output") for test in tests]
    places += [(test, "message") for test in tests]
    shrink_texts(data, places, limit)
    if len(compact_json(data)) > limit:  # thousands of checks: keep their names and points
        data["output"] = ""
        for test in tests:
            test["output"] = test["message"] = ""
