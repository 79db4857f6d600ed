"""Reproduce a W&B run in a fresh clone of this repository at the run's commit."""

import os
import shutil
import subprocess
import sys
import tempfile

import wandb
from dotenv import load_dotenv
from loguru import logger


def main() -> int:
    load_dotenv()  # WANDB_API_KEY may live in a git-ignored .env
    if not os.getenv("WANDB_API_KEY"):
        logger.error("WANDB_API_KEY is not set (not in the environment, not in .env)")
        return 1
    if len(sys.argv) != 2:
        logger.error("usage: python reproduce.py ENTITY/PROJECT/RUN_ID")
        return 2

    run = wandb.Api().run(sys.argv[1])
    meta = run.metadata
    commit = run.commit or meta["git"]["commit"]
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
    ).stdout.strip()
    logger.info(f"reproducing {run.path} at {commit}: {meta['codePath']} {meta['args']}")

    folder = tempfile.mkdtemp(prefix="reproduction-")
    try:
        subprocess.run(["git", "clone", "--quiet", top, folder], check=True)
        subprocess.run(["git", "-C", folder, "checkout", "--quiet", "--detach", commit], check=True)
        done = subprocess.run([sys.executable, meta["codePath"], *meta["args"]], cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    logger.info(f"training exited with {done.returncode}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
