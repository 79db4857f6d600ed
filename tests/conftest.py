"""Shared helpers for the harness's own tests."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from grader.preforked import PreforkedGrader

ROOT = Path(__file__).resolve().parent.parent

# The suite runs as from a terminal: a SIGINT that came ignored (a background job of a
# script) would pass on to every grader and run it starts, and tests interrupt some of them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` first: xdist hands tests out in this order, and a long test handed
    out last runs alone at the end while the other worker has nothing left to do."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@dataclass
class Graded:
    exit_code: int
    stdout: str
    stderr: str
    results: dict | None

    def failed_checks(self) -> set[str]:
        assert self.results is not None, self.stdout + self.stderr
        return {
            t["number"].split(".", 1)[1] for t in self.results["tests"] if t["status"] != "passed"
        }

    def output_of(self, check: str) -> str:
        assert self.results is not None
        for test in self.results["tests"]:
            if test["number"].split(".", 1)[1] == check:
                return test["output"]
        raise KeyError(check)


def run_grader(
    *args: str,
    env: dict | None = None,
    cwd: Path = ROOT,
    timeout: float = 900,
    preforked: PreforkedGrader | None = None,
) -> Graded:
    """Run the grader's command line in a subprocess, as students and CI do; or, given the
    ``preforked`` grader, in a grading forked from it, as a batch does."""
    json_file = None
    if "--json" in args:
        json_file = Path(args[args.index("--json") + 1])
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if preforked is None:
        process = subprocess.run(
            [sys.executable, "-m", "grader", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        code, stdout, stderr = process.returncode, process.stdout, process.stderr
    else:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            code = preforked.grade(
                args,
                env=environment,
                cwd=cwd,
                stdout=out.fileno(),
                stderr=err.fileno(),
                timeout=timeout,
            )
            assert code is not None, f"the grading ran past {timeout} s"
            stdout, stderr = (_text(f) for f in (out, err))
    results = json.loads(json_file.read_text()) if json_file and json_file.exists() else None
    return Graded(code, stdout, stderr, results)


def _text(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")


def submission_with(tmp_path: Path, exercise: str, source: Path) -> Path:
    """A submission folder holding ``source`` as the folder of ``exercise``."""
    submission = tmp_path / "submission"
    shutil.copytree(source, submission / exercise, ignore=shutil.ignore_patterns("case.toml"))
    return submission


def course_file_of(exercise: str) -> Path:
    """The shipped course file that has ``exercise`` (course.toml first)."""
    from grader.course import shipped_exercises

    return next(path for entry, path in shipped_exercises() if entry.name == exercise)


def grade_folder(
    tmp_path: Path, exercise: str, source: Path, preforked: PreforkedGrader | None = None
) -> Graded:
    submission = submission_with(tmp_path, exercise, source)
    return run_grader(
        exercise,
        "--submission",
        str(submission),
        "--json",
        str(tmp_path / "r.json"),
        "--config",
        str(course_file_of(exercise)),
        preforked=preforked,
    )


@pytest.fixture
def root() -> Path:
    return ROOT


def tree_fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def processes_mentioning(token: str) -> list[int]:
    """Pids of the processes whose command line contains ``token``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="session", autouse=True)
def warm_template() -> str | None:
    """One warm template per test process, shared by every grading the tests start (through
    GRADER_TEMPLATE, as a batch shares one): the suite runs on the product's machinery."""
    from grader.sandbox import warm
    from grader.sandbox.isolation import current

    return warm.start(current(), many_runs=True)


@pytest.fixture(scope="session")
def preforked_grader(warm_template: str | None) -> Iterator[PreforkedGrader]:
    """One grader imported once per test process, forking the gradings test_validity makes
    (as a batch grades its students): each costs its checks, not the grader's imports."""
    with PreforkedGrader() as grader:
        yield grader
