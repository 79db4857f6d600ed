"""Show how to reproduce a W&B run."""

import argparse
import os
import sys

import wandb


def main() -> None:
    parser = argparse.ArgumentParser(description="Reproduce a W&B run.")
    parser.add_argument("run", help="ENTITY/PROJECT/RUN_ID")
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set")

    run = wandb.Api().run(args.run)
    commit = run.commit
    script = run.metadata.get("codePath", "train.py")
    arguments = " ".join(run.metadata.get("args", []))
    print("To reproduce this run:")
    print(f"  git checkout {commit}")
    print(f"  python {script} {arguments}")


if __name__ == "__main__":
    main()
