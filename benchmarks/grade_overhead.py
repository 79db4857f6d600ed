"""How much grading adds to running a solution, measured in one run on this machine.

    python benchmarks/grade_overhead.py [--repeat N]

Prints medians of: a bare `python my_logger.py` of exercise 1's solution, the grader's own entry
point on it, and `nox -R -s grade` on it, with the differences and ratios. Run it from the project
environment (e.g. `nox -s bench`), after `nox -s grade` has created the grade session once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_seconds(command: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    solution = ROOT / "solutions" / "exercise1_log_levels"
    with tempfile.TemporaryDirectory() as scratch:
        bare_dir = Path(scratch) / "bare"
        shutil.copytree(solution, bare_dir)
        bare = _median_seconds([sys.executable, "my_logger.py"], bare_dir, args.repeat)
    grader = _median_seconds(
        [sys.executable, "-m", "grader", "exercise1", "--submission", "solutions"],
        ROOT,
        args.repeat,
    )
    rows = [("bare `python my_logger.py`", bare), ("`python -m grader exercise1`", grader)]
    nox = os.environ.get("GRADER_NOX", "").split() or (
        [shutil.which("nox")] if shutil.which("nox") else []
    )
    if nox:
        command = [*nox, "-R", "-s", "grade", "--", "exercise1", "--submission", "solutions"]
        rows.append(("`nox -R -s grade -- exercise1`", _median_seconds(command, ROOT, args.repeat)))
    print(f"median of {args.repeat} runs each")
    for label, seconds in rows:
        extra = "" if seconds is bare else f"  (+{seconds - bare:.2f} s, {seconds / bare:.1f}x)"
        print(f"{label:38s} {seconds:6.2f} s{extra}")


if __name__ == "__main__":
    main()
