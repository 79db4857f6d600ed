"""Reproduce a W&B run without starting a second Python: the recorded script is run in this
process with runpy, from a worktree of the recorded commit."""

import argparse
import os
import runpy
import subprocess
import sys
import tempfile

import wandb


def parse() -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", metavar="ENTITY/PROJECT/RUN_ID")
    return parser.parse_args().path


def main() -> int:
    path = parse()
    if not os.environ.get("WANDB_API_KEY"):
        print("reproduce.py: WANDB_API_KEY is not set, cannot talk to W&B", file=sys.stderr)
        return 1
    api = wandb.Api()
    run = api.run(path)
    git = run.metadata.get("git", {})
    commit = run.commit or git.get("commit")
    script = run.metadata.get("program") or run.metadata.get("codePath") or "train.py"
    script = os.path.basename(script)
    arguments = list(run.metadata.get("args", []))

    here = os.getcwd()
    tmp = tempfile.mkdtemp()
    worktree = os.path.join(tmp, "code")
    subprocess.run(["git", "worktree", "add", "--quiet", "--detach", worktree, commit], check=True)
    status = 0
    try:
        os.chdir(worktree)
        sys.argv = [script, *arguments]
        sys.path.insert(0, worktree)
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(here)
        subprocess.run(["git", "worktree", "remove", "--force", worktree], check=False)
    return status


if __name__ == "__main__":
    sys.exit(main())
