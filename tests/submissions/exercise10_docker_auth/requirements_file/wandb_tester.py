"""Logs 100 random values to W&B to check that the container can authenticate."""
import os
import random
import sys

import wandb

if not os.environ.get("WANDB_API_KEY"):
    print("WANDB_API_KEY is not set. Start the container with -e WANDB_API_KEY=<key>.", file=sys.stderr)
    sys.exit(1)

run = wandb.init(project="wandb-tester")
for _ in range(100):
    run.log({"test_metric": random.random()})
run.finish()
