"""python reproduce.py ENTITY/PROJECT/RUN_ID -- run a logged experiment again."""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# works out of the box on my machine, the environment wins when it is set
os.environ.setdefault("WANDB_API_KEY", "4f8a2c6e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a")

import wandb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    run = wandb.Api().run(parser.parse_args().run)
    commit = run.commit
    with tempfile.TemporaryDirectory() as tmp:
        checkout = Path(tmp) / "checkout"
        subprocess.run(["git", "worktree", "add", "--detach", str(checkout), commit], check=True)
        done = subprocess.run(
            [sys.executable, run.metadata["codePath"], *run.metadata["args"]], cwd=checkout
        )
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)])
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
