"""A class graded warm gets exactly the gradebook it gets cold (``--cold``): right, wrong,
hanging and hostile submissions alike, with one template shared by the whole batch."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.sandbox import warm
from grader.sandbox.isolation import probe_namespaces

from .conftest import ROOT, run_grader

pytestmark = pytest.mark.skipif(not probe_namespaces().namespaced, reason=probe_namespaces().reason)

EXERCISE = "exercise5_wandb_scalars"
SOLUTION = ROOT / "solutions" / EXERCISE
KNOWN = ROOT / "tests" / "submissions" / EXERCISE
_WRONG = ("no_job_type", "log_per_epoch", "hardcoded_config", "crash_step_ten")
_RIGHT = ("typer_named_options", "separate_log_calls")
# Whole train.py files that attack or break the grading, each in its own way.
_HOSTILE = {
    "hangs": "import time\ntime.sleep(10_000)\n",
    "kills_everyone": "import os, signal\nos.kill(-1, signal.SIGKILL)\n",
    # Forks until refused, then ends: "hangs" is the one that runs into the time limit (each
    # of them that did held a batch slot for 40 s). Its children outlive the run (they are
    # killed with it): children that ended on their own freed slots as fast as a loaded
    # machine forked, so the cap was never reached and the run ended only at the time limit.
    "fork_bomb": (
        "import os, time\nwhile True:\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(600)\n            os._exit(0)\n    except OSError:\n        break\n"
    ),
    "deletes_what_it_can": (
        "import os, shutil\n"
        "for path in (os.path.expanduser('~'), '.', '..', '/tmp', '/usr/lib'):\n"
        "    shutil.rmtree(path, ignore_errors=True)\n"
    ),
    "floods_output": "import sys\nfor _ in range(8192):\n    sys.stdout.write('x' * 65536)\n",
    "invalid_utf8": "import os\nos.write(1, b'\\xff\\xfe\\x80 not text')\nraise SystemExit(4)\n",
    "looks_for_others": (
        "import os\n"
        "seen = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "print(seen, os.listdir('/tmp'), os.listdir(os.path.dirname(os.getcwd())))\n"
        "os.kill(1, 9)\n"
    ),
    "exits_midway": "import os\nimport wandb\nrun = wandb.init(project='p')\nos._exit(0)\n",
}


def _class(tmp_path: Path) -> Path:
    """20 students: 8 right, 4 known mistakes, 2 right but different, 6 hostile."""
    batch = tmp_path / "class"
    folders: dict[str, Path] = {f"right{i}": SOLUTION for i in range(6)}
    folders.update({name: KNOWN / name for name in (*_WRONG, *_RIGHT)})
    for name, source in folders.items():
        shutil.copytree(source, batch / name / EXERCISE, ignore=shutil.ignore_patterns("*.toml"))
    for name, text in _HOSTILE.items():
        (batch / name / EXERCISE).mkdir(parents=True)
        (batch / name / EXERCISE / "train.py").write_text(text)
    assert len(list(batch.iterdir())) == 20
    return batch


def _config(tmp_path: Path) -> Path:
    """The course with exercise 5's time limit short enough for a hanging run to end soon,
    and long enough for a cold run on a loaded machine (12 s timed one out under the suite)."""
    text = (ROOT / "configs" / "course.toml").read_text()
    head, entry = text.split(f"[{EXERCISE}]\n", 1)
    old = "limits = { time_s = 120, memory_mb = 6144 }"
    assert old in entry.split("\n\n", 1)[0]
    entry = entry.replace(old, "limits = { time_s = 40, memory_mb = 6144 }", 1)
    config = tmp_path / "course.toml"
    config.write_text(f"{head}[{EXERCISE}]\n{entry}")
    return config


@pytest.mark.long
def test_a_batch_grades_the_same_warm_and_cold(tmp_path: Path) -> None:
    batch, config = _class(tmp_path), _config(tmp_path)

    def grade(mode: str) -> str:
        book = tmp_path / mode / "grades.csv"
        options = ["--cold"] if mode == "cold" else []
        env = {"GRADER_TEMPLATE": ""}  # the batch starts its own template (not the tests')
        graded = run_grader(
            "5",
            "--batch",
            str(batch),
            "--gradebook",
            str(book),
            "--config",
            str(config),
            *options,
            env=env,
        )
        assert graded.exit_code == 1, graded.stdout + graded.stderr
        results = json.loads((book.parent / "grades-results" / "right0.json").read_text())
        warm_runs = results["extra_data"]["exercises"][EXERCISE]["warm_runs"]
        assert warm_runs == (1 if mode == "warm" else 0), results["extra_data"]
        return book.read_text()

    # Side by side: each batch spends most of its last 40 s waiting for "hangs" alone.
    with ThreadPoolExecutor(2) as pool:
        books = dict(zip(("warm", "cold"), pool.map(grade, ("warm", "cold")), strict=True))
    assert books["warm"] == books["cold"]
    rows = {line.split(",")[0]: line for line in books["warm"].splitlines()[1:]}
    assert len(rows) == 20
    assert all("full marks" in rows[f"right{i}"] for i in range(6)), books["warm"]
    assert all("full marks" in rows[name] for name in _RIGHT), books["warm"]
    assert not any("full marks" in rows[name] for name in (*_WRONG, *_HOSTILE)), books["warm"]


@pytest.mark.skipif(not warm.enabled(), reason=f"{warm.COLD}=1 turns warm runs off")
@pytest.mark.parametrize(
    ("exercises", "warm_runs"),
    [
        (["5"], {"exercise5_wandb_scalars": 0}),  # one run: the template would cost it time
        (["5", "7"], {"exercise5_wandb_scalars": 1, "exercise7_wandb_artifact": 1}),
    ],
    ids=["one-run", "two-runs"],
)
def test_a_grading_alone_starts_a_template_only_where_it_pays(
    tmp_path: Path, exercises: list[str], warm_runs: dict[str, int]
) -> None:
    graded = run_grader(
        *exercises,
        "--submission",
        str(ROOT / "solutions"),
        "--json",
        str(tmp_path / "r.json"),
        env={"GRADER_TEMPLATE": ""},  # a grading of its own, not one the tests' template serves
    )
    assert graded.exit_code == 0, graded.stdout + graded.stderr
    seen = graded.results["extra_data"]["exercises"]
    assert {name: entry["warm_runs"] for name, entry in seen.items()} == warm_runs


def test_starting_a_template_imports_none_of_its_preload_here() -> None:
    """The grader only asks which of the template's packages are installed: finding
    ``torch.nn`` must not import torch into the grader (it cost 4 s before every template)."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom grader.sandbox import warm\n"
        "names = warm.preload_for()\n"
        "found = [name for name in names if warm._installed(name)]\n"
        "print(len(found), sorted({n.partition('.')[0] for n in names} & set(sys.modules)))"
    )
    seen = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert seen.stdout.split(" ", 1) == [str(len(warm.preload_for())), "[]\n"], seen.stdout
