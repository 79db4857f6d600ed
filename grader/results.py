"""What grading produced, independent of how it is reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Who may see a check's result on Gradescope (its autograder specification's values).
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


@dataclass
class CheckResult:
    exercise: str
    check: str
    title: str
    max_points: float
    status: str  # "passed", "failed", "skipped" (said, never silently passed), "error" (grader bug)
    expected: str = ""
    seen: str = ""
    hint: str = ""
    detail: str = ""  # a diagnosis of this submission's specific mistake, when one is known
    visibility: str = "visible"  # the course entry's: who sees it on Gradescope (VISIBILITIES)
    # Pictures the run produced that show the result (PNG files, or their bytes), for the
    # reports that can show them (PrairieLearn's); a check fills it, none by default.
    images: list[Path | bytes] = field(default_factory=list)
    # Part of the marks for a check that did not pass ("failed") but got some of it right;
    # None: all or nothing, as the status says.
    partial: float | None = None

    @property
    def points(self) -> float:
        if self.status == "passed":
            return self.max_points
        if self.status == "failed" and self.partial is not None:
            return min(max(self.partial, 0.0), self.max_points)
        return 0.0

    @property
    def counted_max(self) -> float:
        """What the check adds to the maximum: nothing when it could not run here (skipped)."""
        return 0.0 if self.status == "skipped" else self.max_points

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def explanation(self) -> str:
        """The feedback a student reads for a check that did not pass."""
        if self.passed:
            return ""
        parts = []
        if self.status == "skipped":
            parts.append(f"skipped: {self.seen}")
        else:
            if self.expected:
                parts.append(f"expected: {self.expected}")
            if self.seen:
                parts.append(f"saw:      {_indent(self.seen)}")
        if self.detail:
            parts.append(f"why:      {_indent(self.detail)}")
        if self.hint:
            parts.append(f"hint:     {_indent(self.hint)}")
        return "\n".join(parts)


def _indent(text: str) -> str:
    return text.strip("\n").replace("\n", "\n          ")


@dataclass
class ExerciseResult:
    name: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)
    duration: float = 0.0
    runs: int = 0  # runs of student code the grading made (the course entry says how many)
    warm_runs: int = 0  # of them, runs forked from the warm template (see sandbox/warm.py)
    tools: tuple[str, ...] = ()  # what it teaches (loguru, hydra, wandb, docker): the entry's
    missing: str = ""  # why it could not be graded: its folder is not in the submission

    @property
    def score(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.counted_max for check in self.checks)

    @property
    def full_marks(self) -> bool:
        """Every check passed, except those skipped (said so) because this machine cannot run
        them, such as building a Docker image without a Docker engine."""
        counted = [check for check in self.checks if check.status != "skipped"]
        return bool(counted) and all(check.passed for check in counted)


@dataclass
class GradeReport:
    submission: str
    exercises: list[ExerciseResult]
    duration: float = 0.0
    isolation: str = ""  # how student code was contained, in words ("isolation: ...")
    # What graded it: grader version and commit, the course file's SHA-256 (provenance.py).
    provenance: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(exercise.max_score for exercise in self.exercises)

    @property
    def full_marks(self) -> bool:
        return all(exercise.full_marks for exercise in self.exercises)


def format_points(value: float) -> str:
    return f"{value:g}"
