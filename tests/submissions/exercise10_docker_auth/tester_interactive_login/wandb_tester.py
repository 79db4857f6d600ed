import os
import random

import wandb

if os.getenv("WANDB_API_KEY"):
    print("using WANDB_API_KEY from the environment")
else:
    print("WANDB_API_KEY not set, logging in interactively")
    wandb.login()

run = wandb.init(project="wandb-tester")
for _ in range(100):
    run.log({"test_metric": random.random()})
run.finish()
