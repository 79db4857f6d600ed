import os
import shutil
import subprocess
import sys
import tempfile

import wandb

if __name__ == "__main__":
    if not os.environ.get("WANDB_API_KEY"):
        raise SystemExit("WANDB_API_KEY missing")
    run = wandb.Api().run(sys.argv[1])
    commit = run.commit
    print("config of the run:", dict(run.config))

    folder = tempfile.mkdtemp()
    worktree = os.path.join(folder, "wt")
    subprocess.run(["git", "worktree", "add", "--detach", worktree, commit], check=True)
    # same code -> same result
    status = subprocess.run([sys.executable, "train.py"], cwd=worktree).returncode
    subprocess.run(["git", "worktree", "remove", "--force", worktree])
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(status)
