"""Re-run a W&B run with the command line it was started with.

python reproduce.py ENTITY/PROJECT/RUN_ID
"""

import os
import subprocess
import sys

import wandb


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python reproduce.py ENTITY/PROJECT/RUN_ID", file=sys.stderr)
        return 2
    if "WANDB_API_KEY" not in os.environ:
        print("error: set WANDB_API_KEY first", file=sys.stderr)
        return 1

    run = wandb.Api().run(sys.argv[1])
    script = run.metadata["codePath"]
    arguments = run.metadata["args"]
    print(f"run {run.id} was made at commit {run.commit}")
    print("running:", sys.executable, script, *arguments)
    return subprocess.call([sys.executable, script, *arguments])


if __name__ == "__main__":
    sys.exit(main())
