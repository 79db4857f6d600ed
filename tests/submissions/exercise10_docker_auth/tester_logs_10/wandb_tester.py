import os
import random
import sys

import wandb

if "WANDB_API_KEY" not in os.environ:
    sys.exit("Missing WANDB_API_KEY; use docker run -e WANDB_API_KEY=<key>")

run = wandb.init(project="wandb-tester")
for epoch in range(10):
    run.log({"test_metric": random.random(), "epoch": epoch})
run.finish()
