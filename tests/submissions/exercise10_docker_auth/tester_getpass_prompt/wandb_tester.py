import getpass
import os
import random

import wandb

key = os.environ.get("WANDB_API_KEY") or getpass.getpass("W&B API key: ")
os.environ["WANDB_API_KEY"] = key

run = wandb.init(project="wandb-tester")
for i in range(100):
    wandb.log({"test_metric": random.random()})
wandb.finish()
