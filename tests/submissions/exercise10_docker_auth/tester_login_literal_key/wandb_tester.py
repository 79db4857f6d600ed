import random

import wandb

wandb.login(key="5e0b7d3a9c2f41e8b6d0a4c7f9e1b3d5a8c2e6f0")
run = wandb.init(project="wandb-tester")
for _ in range(100):
    run.log({"test_metric": random.random()})
run.finish()
