import os
import subprocess
import sys
import tempfile

import wandb

USAGE = "usage: python reproduce.py ENTITY/PROJECT/RUN_ID"


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1].count("/") != 2:
        sys.exit(USAGE)
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("reproduce.py needs WANDB_API_KEY in the environment; nothing was started")

    run = wandb.Api().run(sys.argv[1])
    commit = run.commit
    if commit is None:
        sys.exit("this run did not record a git commit")
    config = {k: v for k, v in run.config.items() if not k.startswith("_")}
    argv = [sys.executable, run.metadata.get("codePath", "train.py")]
    argv += [f"--{key}={value}" for key, value in config.items()]

    # the worktree is left behind in the temp folder: the training replaces this process
    target = os.path.join(tempfile.mkdtemp(prefix="repro_"), commit[:8])
    subprocess.run(["git", "worktree", "add", "--detach", target, commit], check=True)
    os.chdir(target)
    print("exec:", " ".join(argv), flush=True)
    os.execv(sys.executable, argv)


if __name__ == "__main__":
    main()
