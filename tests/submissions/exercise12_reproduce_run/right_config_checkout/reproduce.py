"""Reproduce a W&B run: check out its commit and start train.py with its config.

Usage: python reproduce.py ENTITY/PROJECT/RUN_ID
"""

import os
import subprocess
import sys

import wandb


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if "WANDB_API_KEY" not in os.environ:
        sys.exit("error: WANDB_API_KEY must be set (export it or put it into .env)")

    run = wandb.Api().run(sys.argv[1])
    if not run.commit:
        sys.exit(f"{sys.argv[1]} has no git commit recorded")
    # rebuild the command line from the config: every option is a config key
    options = []
    for key, value in run.config.items():
        options += [f"--{key}", str(value)]

    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    git("checkout", "--quiet", "--detach", run.commit)
    try:
        print(f"at {run.commit[:8]}: python train.py {' '.join(options)}", flush=True)
        return subprocess.call([sys.executable, "train.py", *options])
    finally:
        git("checkout", "--quiet", branch)


if __name__ == "__main__":
    sys.exit(main())
