"""Reproduce the last experiment of a W&B project."""

import argparse
import os
import subprocess
import sys
import tempfile

import wandb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_path", help="entity/project/run_id")
    args = parser.parse_args()
    if not os.getenv("WANDB_API_KEY"):
        sys.exit("Please set WANDB_API_KEY")

    entity, project, _ = args.run_path.split("/")
    api = wandb.Api()
    # the most recent run of the project is the one we want to check
    run = api.runs(f"{entity}/{project}")[0]
    print(f"reproducing {run.name} ({run.id}) from commit {run.commit}")

    with tempfile.TemporaryDirectory() as tmp:
        code = os.path.join(tmp, "src")
        subprocess.run(["git", "worktree", "add", "--detach", code, run.commit], check=True)
        result = subprocess.run(
            [sys.executable, run.metadata["codePath"], *run.metadata["args"]], cwd=code
        )
        subprocess.run(["git", "worktree", "remove", "--force", code])
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
