"""Reproduce a W&B run, and keep track of the reproduction in W&B as well."""

import os
import subprocess
import sys
import tempfile

import wandb


def main() -> int:
    if not os.environ.get("WANDB_API_KEY"):
        print("WANDB_API_KEY is not set", file=sys.stderr)
        return 1
    path = sys.argv[1]
    original = wandb.Api().run(path)
    entity, project, _ = path.split("/")

    tracker = wandb.init(
        entity=entity,
        project=project,
        job_type="reproduce",
        config={"reproduces": path, "commit": original.commit},
    )
    with tempfile.TemporaryDirectory() as tmp:
        worktree = os.path.join(tmp, "code")
        subprocess.run(
            ["git", "worktree", "add", "--detach", worktree, original.commit], check=True
        )
        done = subprocess.run(
            [sys.executable, original.metadata["codePath"], *original.metadata["args"]],
            cwd=worktree,
        )
        subprocess.run(["git", "worktree", "remove", "--force", worktree])
    tracker.summary["exit_code"] = done.returncode
    tracker.finish()
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
