"""Reference solution, exercise 12 (part 2): run a recorded W&B run again.

python reproduce.py ENTITY/PROJECT/RUN_ID

W&B recorded the run's git commit, the script and its arguments. The code is checked out at
that commit into a temporary worktree (the repository's own checkout is left alone), and the
script is run there with the same arguments: same code, same config, same seed.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import wandb


def main() -> None:
    parser = argparse.ArgumentParser(description="Reproduce a W&B run.")
    parser.add_argument("run", help="the run as W&B names it: ENTITY/PROJECT/RUN_ID")
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set: export it (or put it in a .env file) first")

    run = wandb.Api().run(args.run)
    metadata = run.metadata or {}
    commit = run.commit or metadata.get("git", {}).get("commit")
    if not commit:
        sys.exit(f"{args.run} recorded no git commit: its code cannot be found again")
    script = metadata.get("codePath") or "train.py"
    arguments = metadata.get("args") or []
    print(f"reproducing {args.run}: commit {commit[:12]}, python {script} {' '.join(arguments)}")
    print(f"its config was {dict(run.config)}")

    with tempfile.TemporaryDirectory() as folder:
        worktree = os.path.join(folder, "code")
        subprocess.run(["git", "worktree", "add", "--detach", worktree, commit], check=True)
        try:
            done = subprocess.run([sys.executable, script, *arguments], cwd=worktree)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", worktree], check=False)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
