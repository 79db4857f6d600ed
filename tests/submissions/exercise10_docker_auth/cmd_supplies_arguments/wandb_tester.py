"""wandb_tester.py: log 100 values of test_metric, authenticating from WANDB_API_KEY only."""

import argparse
import os
import random
import sys

import wandb


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    if not os.environ.get("WANDB_API_KEY"):
        print("WANDB_API_KEY is missing: docker run -e WANDB_API_KEY=<key> IMAGE", file=sys.stderr)
        return 1
    run = wandb.init(project="docker-auth", job_type="test", config=vars(args))
    for _ in range(args.steps):
        run.log({"test_metric": random.gauss(0, 1)})
    run.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
