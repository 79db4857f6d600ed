import os
import random
import sys
import time

import wandb

# give the user some time to provide the key
for attempt in range(15):
    if os.environ.get("WANDB_API_KEY"):
        break
    print(f"waiting for WANDB_API_KEY ... ({attempt + 1}/15)")
    time.sleep(1)
else:
    sys.exit("No WANDB_API_KEY given, giving up")

run = wandb.init(project="wandb-tester")
for _ in range(100):
    run.log({"test_metric": random.gauss(0, 1)})
run.finish()
