import os
import sys

import wandb

KEY = os.environ.get("WANDB_API_KEY")
if not KEY:
    print("error: no WANDB_API_KEY; run the image with -e WANDB_API_KEY=...", file=sys.stderr)
    sys.exit(2)

with wandb.init(project="container-check") as run:
    for step in range(100):
        run.log({"test_metric": step / 100})
print("done: 100 values of test_metric")
