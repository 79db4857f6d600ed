"""Run a W&B run again from its recorded commit and arguments."""

import argparse
import os
import subprocess
import sys
import tempfile

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("run_path")
args = parser.parse_args()
if os.environ.get("WANDB_API_KEY") is None:
    sys.exit("No WANDB_API_KEY in the environment")

run = wandb.Api().run(args.run_path)
command = [
    sys.executable,
    run.metadata.get("codePath") or "train.py",
    *run.metadata.get("args", []),
]
if not run.commit:
    # nothing to check out: the code here is the best we have
    print("warning: the run has no commit, running the current code")
    sys.exit(subprocess.run(command).returncode)

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["git", "worktree", "add", "--detach", tmp + "/code", run.commit], check=True)
    code = subprocess.run(command, cwd=tmp + "/code").returncode
    subprocess.run(["git", "worktree", "remove", "--force", tmp + "/code"])
sys.exit(code)
