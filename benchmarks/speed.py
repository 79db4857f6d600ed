"""Speed of the grader against bare runs of the reference solutions, measured in one run.

    python benchmarks/speed.py [--repeat N] [--batch K] [--cold-batch C] [--only a,b,...]
                               [--no-nox]                                (or: nox -s bench)

Prints, each measured now on this machine (warm: runs of torch and W&B exercises fork from the
warm template, the default; cold: `--cold`, every run a fresh interpreter):
  (a) grading exercise 1 through the grader's entry point (and through `nox -R`) against a bare
      `python my_logger.py` (target: at most +0.5 s through the entry point);
  (b) grading exercise 5, warm and cold, against a bare run of its train.py with the same
      arguments (<= 1.10x);
  (c) grading every exercise of solutions/, warm and cold, against the sum of bare runs
      (<= 1.0x);
  (d) batch throughput: K copies of solutions/ graded with --batch, and C (default: K, at most
      one per core) with --batch --cold, in submissions per minute (target: at least 8 per
      minute warm);
  (e) what a run's own namespaces add: the same small script run in turns in the namespaced and
      in the process sandbox (target: at most +50 ms per run);
  (f) exercises 5-8 graded together (`python -m grader 5 6 7 8`), warm and cold, against the
      sum of their bare runs (target: at most 0.5x warm);
  (g) watch mode: this process holds a warm template, as `--watch` does, and times re-gradings
      of exercise 5 started with its GRADER_TEMPLATE, minus the training run's own duration
      (target: at most 2 s). The results JSON holds no run's duration, so the run is timed
      alone, in turns with the re-gradings: forked from the same template through the
      grader's own sandbox (its RunResult.duration); a bare run is printed beside it.
Gradings never inherit GRADER_TEMPLATE or GRADER_COLD from the benchmark's environment; each
part says for itself whether it is warm, and what the results JSON says of its runs
("N of M runs warm"). It only prints times and ratios; it asserts nothing about them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
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
from grader.sandbox import warm

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
SECTIONS = "abcdefg"

# What a student would run by hand for each exercise (the grader runs these, and more).
COURSE = load_course()
BARE = {exercise.name: list(exercise.command) for exercise in COURSE.exercises}
TOGETHER = [f"exercise{number}" for number in (5, 6, 7, 8)]  # (f)
COLD = ["--cold"]


def _clean_env() -> dict[str, str]:
    """This process's environment without a template or --cold to inherit: each measurement
    says on its command line (or in its env) whether it is warm or cold."""
    env = dict(os.environ)
    env.pop(warm.ADDRESS, None)
    env.pop(warm.COLD, None)
    return env


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env or _clean_env(), check=False, capture_output=True)
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


@contextlib.contextmanager
def _by_hand(exercise: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """A scratch copy of the solution and the environment a student's own run would have:
    offline, or against a fake W&B server holding what the exercise expects when its entry
    says it needs one."""
    with tempfile.TemporaryDirectory() as scratch, _wandb_server(exercise) as online:
        work = Path(scratch) / "work"
        shutil.copytree(SOLUTIONS / exercise, work)
        home = Path(scratch) / "home"
        home.mkdir()
        env = {
            **_clean_env(),
            "HOME": str(home),
            "WANDB_MODE": "offline",
            "WANDB_DIR": str(home),
            "WANDB_SILENT": "true",
        }
        env.pop("WANDB_API_KEY", None)
        env.update(online)
        yield work, env


def bare_run(exercise: str, repeat: int) -> float:
    """Median time of the solution run by hand in a scratch copy (see _by_hand)."""
    times = []
    for _ in range(repeat):
        with _by_hand(exercise) as (work, env):
            times.append(_timed([sys.executable, *BARE[exercise]], work, env))
    return statistics.median(times)


def graded(args: list[str]) -> tuple[float, str]:
    """One grading of solutions/: its time, and how many of its runs were warm (from its
    results JSON, which says how many runs forked from the template)."""
    with tempfile.TemporaryDirectory() as scratch:
        results = Path(scratch) / "results.json"
        command = [sys.executable, "-m", "grader", *args, "--submission", str(SOLUTIONS)]
        seconds = _timed([*command, "--json", str(results)], ROOT)
        return seconds, _warm_share(results)


def grading(args: list[str], repeat: int) -> float:
    return statistics.median(graded(args)[0] for _ in range(repeat))


def _warm_share(results: Path) -> str:
    try:
        exercises = json.loads(results.read_text())["extra_data"]["exercises"].values()
    except (OSError, ValueError, KeyError, AttributeError):
        return "no results JSON"
    runs = sum(entry.get("runs", 0) for entry in exercises)
    return f"{sum(entry.get('warm_runs', 0) for entry in exercises)} of {runs} runs warm"


def in_turns(
    exercise: str, variants: dict[str, list[str]], repeat: int
) -> tuple[dict[str, float], dict[str, str]]:
    """Medians of bare runs (under "bare") and of each variant's grading, taken in turns, so
    that a machine getting slower or faster during the benchmark affects them alike; and how
    many runs of each variant's last grading were warm."""
    times: dict[str, list[float]] = {"bare": [], **{name: [] for name in variants}}
    shares: dict[str, str] = {}
    for _ in range(repeat):
        times["bare"].append(bare_run(exercise, 1))
        for name, args in variants.items():
            seconds, shares[name] = graded(args)
            times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}, shares


def paired(exercise: str, args: list[str], repeat: int) -> tuple[float, float]:
    medians, _ = in_turns(exercise, {"graded": args}, repeat)
    return medians["bare"], medians["graded"]


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


def batch_rate(count: int, args: list[str]) -> float:
    """Seconds to grade a batch of ``count`` copies of solutions/ (``args``: e.g. --cold)."""
    with tempfile.TemporaryDirectory() as scratch:
        batch = Path(scratch) / "class"
        for index in range(count):
            shutil.copytree(SOLUTIONS, batch / f"student{index:03d}")
        command = [sys.executable, "-m", "grader", "--batch", str(batch), *args]
        return _timed([*command, "--gradebook", str(Path(scratch) / "grades.csv")], ROOT)


def watch_regrade(repeat: int) -> tuple[list[float], list[float], str, str] | None:
    """Re-gradings of exercise 5 as `--watch` starts them: this process holds the template
    (started and ready before the clock starts) and each grading inherits GRADER_TEMPLATE.
    In turns with each, one run of its train.py forked from the same template through the
    grader's sandbox, for that run's own duration (the results JSON holds none). The
    re-gradings' times, the runs' durations, how many runs of the last re-grading were warm,
    and what the template holds; None where there can be no template (no namespaces)."""
    from grader.sandbox import Sandbox
    from grader.sandbox.isolation import current

    if warm.start(current()) is None:
        return None
    template = warm.owned()
    if template is None:
        return None
    exercise = COURSE.exercise("exercise5_wandb_scalars")
    script, *arguments = exercise.command
    try:
        template.ready_event.wait(300)
        env = dict(os.environ)  # GRADER_TEMPLATE: this process's template
        regrades, runs, share = [], [], ""
        with tempfile.TemporaryDirectory() as scratch:
            results = Path(scratch) / "results.json"
            command = [sys.executable, "-m", "grader", "exercise5"]
            command += ["--submission", str(SOLUTIONS), "--json", str(results)]
            for _ in range(repeat):
                results.unlink(missing_ok=True)
                regrades.append(_timed(command, ROOT, env))
                share = _warm_share(results)
                folder = SOLUTIONS / exercise.name
                with Sandbox(folder, exercise.limits, current(), warm=True) as box:
                    run = box.run(script, arguments)
                runs.append(run.duration if run.warm else float("nan"))
        return regrades, runs, share, template.describe()
    finally:
        os.environ.pop(warm.ADDRESS, None)  # later gradings of this process start their own
        template.close()


def line(label: str, seconds: float, base: float | None = None, note: str = "") -> None:
    extra = "" if base is None else f"   {seconds - base:+6.2f} s   {seconds / base:5.2f}x"
    note = f"   ({note})" if note else ""
    print(f"  {label:48s} {seconds:7.2f} s{extra}{note}", flush=True)


def rate(label: str, count: int, seconds: float) -> float:
    per_minute = count / seconds * 60
    print(f"  {label:48s} {seconds:7.2f} s   {per_minute:5.1f} submissions per minute", flush=True)
    return per_minute


def _each(values: list[float]) -> str:
    return "each: " + ", ".join(f"{value:.1f}" for value in values)


def ratio(warm_value: float, cold_value: float, what: str, target: str) -> None:
    print(f"  warm/cold: {warm_value / cold_value:.2f}x {what} ({target})", flush=True)


class Benchmark:
    """The parts (a) to (g); bare runs of whole solutions are shared between (c) and (f)."""

    def __init__(self, repeat: int, batch: int, cold_batch: int, nox: bool) -> None:
        self.repeat, self.batch, self.cold_batch, self.nox = repeat, batch, cold_batch, nox
        self.bare: dict[str, float] = {}  # one bare run of each exercise

    def bare_once(self, names: list[str]) -> float:
        for name in names:
            if name not in self.bare:
                self.bare[name] = bare_run(name, 1)
        return sum(self.bare[name] for name in names)

    def a(self) -> None:
        print("(a) exercise 1")
        bare1, graded1 = paired("exercise1_log_levels", ["exercise1"], self.repeat)
        line("bare python my_logger.py", bare1)
        line("python -m grader exercise1", graded1, bare1)
        nox = os.environ.get("GRADER_NOX", "").split() or (
            [shutil.which("nox")] if shutil.which("nox") else []
        )
        if nox and self.nox:
            command = [*nox, "-R", "-s", "grade", "--", "exercise1", "--submission", str(SOLUTIONS)]
            times = [_timed(command, ROOT) for _ in range(self.repeat)]
            line("nox -R -s grade -- exercise1", statistics.median(times), bare1)

    def b(self) -> None:
        print("(b) exercise 5: bare, warm and cold in turns")
        variants = {"warm": ["exercise5"], "cold": ["exercise5", *COLD]}
        medians, shares = in_turns("exercise5_wandb_scalars", variants, self.repeat)
        bare5 = medians["bare"]
        line("bare python train.py --lr=0.0123 ...", bare5)
        line("python -m grader exercise5", medians["warm"], bare5, shares["warm"])
        line("python -m grader exercise5 --cold", medians["cold"], bare5, shares["cold"])
        ratio(medians["warm"], medians["cold"], "the time", "target: at most 1.10x bare")

    def c(self) -> None:
        present = [name for name in BARE if (SOLUTIONS / name).is_dir()]
        print(f"(c) every exercise of solutions/ ({len(present)})")
        bare_sum = self.bare_once(present)
        line("sum of bare runs", bare_sum)
        warm_all, warm_share = graded([])
        cold_all, cold_share = graded(COLD)
        line("python -m grader (all, in parallel)", warm_all, bare_sum, warm_share)
        line("python -m grader --cold (all, in parallel)", cold_all, bare_sum, cold_share)
        ratio(warm_all, cold_all, "the time", "target: at most 1.0x bare")

    def d(self) -> None:
        cores = os.cpu_count()
        print(
            f"(d) batches of copies of solutions/ on {cores} cores: {self.batch} warm, "
            f"{self.cold_batch} cold"
        )
        warm_seconds = batch_rate(self.batch, [])
        warm_rate = rate(f"python -m grader --batch ({self.batch})", self.batch, warm_seconds)
        cold_seconds = batch_rate(self.cold_batch, COLD)
        label = f"python -m grader --batch --cold ({self.cold_batch})"
        cold_rate = rate(label, self.cold_batch, cold_seconds)
        ratio(warm_rate, cold_rate, "the rate", "target: at least 8 per minute warm, was 1.6")

    def e(self) -> None:
        print("(e) a run's own namespaces")
        namespaced, plain = isolation_cost(max(self.repeat, 10))
        line("process sandbox, python script.py", plain)
        line("namespaces, python script.py", namespaced, plain)
        added = (namespaced - plain) * 1000
        print(f"  namespaces add {added:.0f} ms per run (target: at most 50 ms)")

    def f(self) -> None:
        print("(f) exercises 5-8 graded together")
        names = [COURSE.resolve([name])[0].name for name in TOGETHER]
        together = self.bare_once(names)
        line("sum of bare runs of 5, 6, 7, 8", together)
        args = [name.removeprefix("exercise") for name in TOGETHER]
        warm_seconds, warm_share = graded(args)
        cold_seconds, cold_share = graded([*args, *COLD])
        line("python -m grader 5 6 7 8", warm_seconds, together, warm_share)
        line("python -m grader 5 6 7 8 --cold", cold_seconds, together, cold_share)
        ratio(warm_seconds, cold_seconds, "the time", "target: at most 0.5x bare warm")

    def g(self) -> None:
        print("(g) watch: re-grading exercise 5 while this process holds a template")
        measured = watch_regrade(self.repeat)
        if measured is None:
            print("  skipped: no warm template here (no namespaces, or it failed)")
            return
        regrades, runs, share, held = measured
        print(f"  {held}")
        regrade, training = statistics.median(regrades), statistics.median(runs)
        bare5 = bare_run("exercise5_wandb_scalars", 1)
        line("python -m grader exercise5 --json F", regrade, note=f"{share}; {_each(regrades)}")
        line("its training run alone (warm, same template)", training, note=_each(runs))
        line("bare python train.py (cold, with its imports)", bare5)
        print(f"  re-grade minus training: {regrade - training:.2f} s (target: at most 2 s)")
        print(f"  re-grade minus the bare run: {regrade - bare5:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement (median)")
    parser.add_argument("--batch", type=int, default=4, help="submissions in the batch (d)")
    parser.add_argument(
        "--cold-batch",
        type=int,
        help="submissions in (d)'s --cold batch (default: --batch, at most one per core)",
    )
    parser.add_argument("--only", default=SECTIONS, help="parts to measure, e.g. d,f (all)")
    parser.add_argument("--no-nox", action="store_true", help="leave out (a)'s nox line")
    options = parser.parse_args()
    only = options.only.replace(",", "").replace(" ", "").lower()
    if not only or set(only) - set(SECTIONS):
        parser.error(f"--only takes letters of {SECTIONS}, not {options.only!r}")
    for name in (warm.ADDRESS, warm.COLD):
        if os.environ.pop(name, None) is not None:  # each measurement says if it is warm
            print(f"note: {name} was set here; the benchmark ignores it")
    print(f"{os.cpu_count()} cores, --repeat {options.repeat}", flush=True)
    cold_batch = options.cold_batch or min(options.batch, os.cpu_count() or 1)
    benchmark = Benchmark(options.repeat, options.batch, cold_batch, not options.no_nox)
    started = time.perf_counter()
    for part in SECTIONS:
        if part in only:
            getattr(benchmark, part)()
    print(f"measured in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
