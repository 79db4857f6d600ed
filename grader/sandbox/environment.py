"""The environment student code sees: built from an allow-list, never from the grader's own."""

from __future__ import annotations

import os
from pathlib import Path

# Variables copied from the grader's environment. Everything else (credentials, LOGURU_*,
# WANDB_*, cloud tokens, CI secrets) is dropped because it is simply never copied.
# GRADER_BATCH_ID lets a batch find, and kill, what a timed-out grading left running.
_PASSED_THROUGH = (
    "PATH",
    "TZ",
    "SYSTEMROOT",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "GRADER_BATCH_ID",
)

MARKER = "GRADER_SANDBOX_ID"
# One OpenMP/BLAS thread per run. Runs are graded side by side (an exercise's workers, a
# batch's students, the test suite's workers), and torch's default of one spinning thread
# per core made two concurrent trainings on 2 cores 2x slower each, ten times slower warm;
# a lone run of the course's small models is no slower on one thread. A script may still
# call torch.set_num_threads. Read when libgomp loads, so the warm template has it too.
THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def wandb_root(home: Path) -> Path:
    """Where every W&B directory of a run lives, below its ``HOME``."""
    return home / ".wandb-grader"


def wandb_runs_dir(home: Path) -> Path:
    """Where an offline W&B run writes its ``run-*`` folders (``WANDB_DIR``)."""
    return wandb_root(home) / "runs"


def fixed_environment() -> dict[str, str]:
    """What every run's environment holds whatever its folders: the warm template's too."""
    env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    env.update(
        {
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "MPLBACKEND": "Agg",
            "NO_COLOR": "1",
            "WANDB_MODE": "offline",
            "WANDB_SILENT": "true",
            "WANDB_DISABLE_GIT": "true",
            "WANDB_DISABLE_CODE": "true",
            # Each init would parse every installed package's metadata for a requirements.txt
            # no check reads (~0.07 CPU-s a run); exercise 12, about reproducing, turns it on.
            "WANDB_X_SAVE_REQUIREMENTS": "false",
            # MLflow's telemetry (on by default) would try the network at every import.
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "true",
            **THREADS,
        }
    )
    return env


def sandbox_environment(home: Path, sandbox_id: str, extra: dict[str, str] | None = None) -> dict:
    """Environment for one student run; ``home`` is a fresh temporary folder."""
    env = fixed_environment()
    wandb = wandb_root(home)
    env.update(
        {
            "HOME": str(home),
            "TMPDIR": str(home / "tmp"),
            "WANDB_DIR": str(wandb_runs_dir(home)),
            "WANDB_CACHE_DIR": str(wandb / "cache"),
            "WANDB_CONFIG_DIR": str(wandb / "config"),
            "WANDB_DATA_DIR": str(wandb / "data"),
            "WANDB_ARTIFACT_DIR": str(wandb / "artifacts"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            MARKER: sandbox_id,
        }
    )
    for name in ("tmp", ".cache", ".config", ".local/share"):
        (home / name).mkdir(parents=True, exist_ok=True)
    for name in ("runs", "cache", "config", "data", "artifacts"):
        (wandb / name).mkdir(parents=True, exist_ok=True)
    env.update(extra or {})
    return env
