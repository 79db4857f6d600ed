"""Reproduce a W&B run from the code of its commit."""

import argparse
import os
import subprocess
import sys
import tempfile

import wandb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run", help="ENTITY/PROJECT/RUN_ID")
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("set WANDB_API_KEY first")

    run = wandb.Api().run(args.run)
    with tempfile.TemporaryDirectory() as folder:
        code = os.path.join(folder, "code")
        subprocess.run(["git", "worktree", "add", "--detach", code, run.commit], check=True)
        script = os.path.join(code, run.metadata["codePath"])
        # the old train.py, started from here
        done = subprocess.run([sys.executable, script, *run.metadata["args"]])
        subprocess.run(["git", "worktree", "remove", "--force", code])
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
