"""Logs 100 values of test_metric to W&B: proves the container can authenticate."""

import os
import random
import sys

import wandb


def main() -> None:
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit("WANDB_API_KEY is not set: start the container with docker run -e WANDB_API_KEY=<key>")
    run = wandb.init(project="docker-auth-test", job_type="test")
    for _ in range(100):
        run.log({"test_metric": random.random()})
    run.finish()


if __name__ == "__main__":
    main()
