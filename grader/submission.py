"""A submission folder and which exercise folders it holds, looked at once per grading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .course import Exercise


@dataclass(frozen=True)
class Submission:
    root: Path  # absolute
    folders: tuple[str, ...]  # every folder it holds, sorted (for messages)

    @classmethod
    def open(cls, root: Path) -> Submission:
        root = Path(root).resolve()
        folders = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        return cls(root, tuple(folders))

    def has(self, exercise: Exercise) -> bool:
        return exercise.name in self.folders

    def missing(self, exercises: list[Exercise]) -> list[Exercise]:
        return [exercise for exercise in exercises if not self.has(exercise)]

    def describe_missing(self, exercises: list[Exercise]) -> str:
        """``no folder X/ in ROOT (it has: ...)``: one wording wherever a folder is missing."""
        names = ", ".join(f"{exercise.name}/" for exercise in exercises)
        present = ", ".join(self.folders)
        return f"no folder {names} in {self.root}" + (f" (it has: {present})" if present else "")
