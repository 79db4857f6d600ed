"""Reference solution, exercise 10: check that a container can log to W&B with a key from
its environment (`docker run -e WANDB_API_KEY=... image`)."""

import os
import random
import sys

import wandb


def main() -> None:
    # A container has no terminal to type a key into: without the variable, stop at once.
    if not os.environ.get("WANDB_API_KEY"):
        sys.exit(
            "error: WANDB_API_KEY is not set. Run the container with "
            "`docker run -e WANDB_API_KEY=<your key> ...` (or --env-file .env)."
        )
    run = wandb.init(project="wandb-docker-test", job_type="test")
    for _ in range(100):
        run.log({"test_metric": random.random()})
    run.finish()
    print("logged 100 values of test_metric")


if __name__ == "__main__":
    main()
