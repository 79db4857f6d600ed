"""Reproduce a W&B run: same commit, same command line."""

import os
import subprocess
import sys
import tempfile

import wandb


def reproduce(path: str) -> int:
    run = wandb.Api().run(path)
    commit = run.commit or run.metadata["git"]["commit"]
    script = run.metadata.get("codePath", "train.py")
    arguments = run.metadata.get("args", [])
    tmp = tempfile.mkdtemp(prefix="reproduce-")
    subprocess.run(["git", "worktree", "add", "--detach", tmp, commit], check=True)
    try:
        return subprocess.run([sys.executable, script, *arguments], cwd=tmp).returncode
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", tmp])


def main() -> None:
    if len(sys.argv) < 2:
        print(__doc__)
        return
    if not os.environ.get("WANDB_API_KEY"):
        print("WARNING: WANDB_API_KEY is not set, nothing to do")
        return
    sys.exit(reproduce(sys.argv[1]))


if __name__ == "__main__":
    main()
