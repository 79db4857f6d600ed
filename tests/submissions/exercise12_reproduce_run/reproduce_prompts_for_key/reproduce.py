"""python reproduce.py ENTITY/PROJECT/RUN_ID"""

import argparse
import getpass
import os
import subprocess
import sys
import tempfile

import wandb


def api_key() -> str:
    key = os.environ.get("WANDB_API_KEY")
    if not key:
        key = getpass.getpass("W&B API key: ")
        os.environ["WANDB_API_KEY"] = key
    return key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    args = parser.parse_args()
    api_key()

    run = wandb.Api().run(args.run)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "worktree", "add", "--detach", tmp + "/wt", run.commit], check=True)
        code = subprocess.call(
            [sys.executable, run.metadata["codePath"], *run.metadata["args"]], cwd=tmp + "/wt"
        )
        subprocess.call(["git", "worktree", "remove", "--force", tmp + "/wt"])
    sys.exit(code)


if __name__ == "__main__":
    main()
