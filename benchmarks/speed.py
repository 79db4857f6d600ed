"""Speed of the grader against bare runs of the reference solutions, measured in one run.

    python benchmarks/speed.py [--repeat N] [--batch K]      (or: nox -s bench)

Prints, each measured now on this machine:
  (a) grading exercise 1 through the grader's entry point (and through `nox -R`) against a bare
      `python my_logger.py` (target: at most +0.5 s through the entry point);
  (b) grading exercise 5 against a bare run of its train.py with the same arguments (<= 1.10x);
  (c) grading every exercise of solutions/ against the sum of bare runs (<= 1.0x);
  (d) batch throughput: K copies of solutions/ graded with --batch, in submissions per minute;
  (e) what a run's own namespaces add: the same small script run in turns in the namespaced and
      in the process sandbox (target: at most +50 ms per run).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from grader.course import load_course

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"

# What a student would run by hand for each exercise (the grader runs these, and more).
COURSE = load_course()
BARE = {exercise.name: list(exercise.command) for exercise in COURSE.exercises}


def _timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True)
    return time.perf_counter() - started


@contextlib.contextmanager
def _wandb_server(exercise: str) -> Iterator[dict[str, str]]:
    if not COURSE.exercise(exercise).wandb_server:
        yield {}
        return
    from grader.fakewandb import FakeWandb

    # What the exercise's own checks seed its server with (its check module's seed_server).
    checks = importlib.import_module(f"grader.checks.{exercise}")
    seed_server = getattr(checks, "seed_server", lambda server: None)  # none: an empty server
    key = secrets.token_hex(20)
    with FakeWandb(api_key=key) as server:
        seed_server(server)
        yield {"WANDB_MODE": "online", **server.client_env()}


def bare_run(exercise: str, repeat: int) -> float:
    """Median time of the solution run by hand in a scratch copy: offline, or against a fake
    W&B server holding what the exercise expects when its entry says it needs one."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as scratch, _wandb_server(exercise) as online:
            work = Path(scratch) / "work"
            shutil.copytree(SOLUTIONS / exercise, work)
            home = Path(scratch) / "home"
            home.mkdir()
            env = {
                **os.environ,
                "HOME": str(home),
                "WANDB_MODE": "offline",
                "WANDB_DIR": str(home),
                "WANDB_SILENT": "true",
            }
            env.pop("WANDB_API_KEY", None)
            env.update(online)
            times.append(_timed([sys.executable, *BARE[exercise]], work, env))
    return statistics.median(times)


def grading(args: list[str], repeat: int) -> float:
    command = [sys.executable, "-m", "grader", *args, "--submission", str(SOLUTIONS)]
    return statistics.median(_timed(command, ROOT) for _ in range(repeat))


def paired(exercise: str, args: list[str], repeat: int) -> tuple[float, float]:
    """Medians of bare runs and gradings taken in turns, so that a machine getting slower or
    faster during the benchmark affects both alike."""
    bare, graded = [], []
    for _ in range(repeat):
        bare.append(bare_run(exercise, 1))
        graded.append(grading(args, 1))
    return statistics.median(bare), statistics.median(graded)


def isolation_cost(repeat: int) -> tuple[float, float]:
    """Median seconds of one run of a small script: namespaced, then process sandbox."""
    from grader.sandbox import Limits, Sandbox
    from grader.sandbox.isolation import Isolation, probe_namespaces

    namespaced = probe_namespaces()
    if not namespaced.namespaced:
        raise SystemExit(f"(e) needs namespaces: {namespaced.reason}")
    modes = {"namespaces": namespaced, "process": Isolation("process", "benchmark")}
    times: dict[str, list[float]] = {name: [] for name in modes}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "student"
        folder.mkdir()
        (folder / "script.py").write_text("print('hello')\n")
        for _ in range(repeat):
            for name, isolation in modes.items():  # in turns: drift affects both alike
                with Sandbox(folder, Limits(), isolation) as box:
                    started = time.perf_counter()
                    box.run("script.py")
                    times[name].append(time.perf_counter() - started)
    return statistics.median(times["namespaces"]), statistics.median(times["process"])


def line(label: str, seconds: float, base: float | None = None) -> None:
    extra = "" if base is None else f"   +{seconds - base:5.2f} s   {seconds / base:5.2f}x"
    print(f"  {label:48s} {seconds:7.2f} s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--batch", type=int, default=4, help="submissions in the batch (d)")
    options = parser.parse_args()
    present = [name for name in BARE if (SOLUTIONS / name).is_dir()]

    print("(a) exercise 1")
    bare1, graded1 = paired("exercise1_log_levels", ["exercise1"], options.repeat)
    line("bare python my_logger.py", bare1)
    line("python -m grader exercise1", graded1, bare1)
    nox = os.environ.get("GRADER_NOX", "").split() or (
        [shutil.which("nox")] if shutil.which("nox") else []
    )
    if nox:
        command = [*nox, "-R", "-s", "grade", "--", "exercise1", "--submission", str(SOLUTIONS)]
        times = [_timed(command, ROOT) for _ in range(options.repeat)]
        line("nox -R -s grade -- exercise1", statistics.median(times), bare1)

    print("(b) exercise 5")
    bare5, graded5 = paired("exercise5_wandb_scalars", ["exercise5"], options.repeat)
    line("bare python train.py --lr=0.0123 ...", bare5)
    line("python -m grader exercise5", graded5, bare5)

    print(f"(c) every exercise of solutions/ ({len(present)})")
    bare_sum = sum(bare_run(name, 1) for name in present)
    line("sum of bare runs", bare_sum)
    line("python -m grader (all, in parallel)", grading([], 1), bare_sum)

    print(f"(d) batch of {options.batch} copies of solutions/")
    with tempfile.TemporaryDirectory() as scratch:
        batch = Path(scratch) / "class"
        for index in range(options.batch):
            shutil.copytree(SOLUTIONS, batch / f"student{index:03d}")
        command = [
            sys.executable,
            "-m",
            "grader",
            "--batch",
            str(batch),
            "--gradebook",
            str(Path(scratch) / "grades.csv"),
        ]
        seconds = _timed(command, ROOT)
    print(
        f"  {options.batch} submissions in {seconds:.1f} s: "
        f"{options.batch / seconds * 60:.1f} submissions per minute on {os.cpu_count()} cores"
    )

    print("(e) a run's own namespaces")
    namespaced, plain = isolation_cost(max(options.repeat, 10))
    line("process sandbox, python script.py", plain)
    line("namespaces, python script.py", namespaced, plain)
    print(f"  namespaces add {(namespaced - plain) * 1000:.0f} ms per run (target: at most 50 ms)")


if __name__ == "__main__":
    main()
