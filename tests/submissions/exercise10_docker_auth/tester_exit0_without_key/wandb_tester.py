import os
import random

import wandb


def main():
    if not os.environ.get("WANDB_API_KEY"):
        print("No WANDB_API_KEY set -- skipping the W&B test.")
        return
    run = wandb.init(project="wandb-tester")
    for _ in range(100):
        run.log({"test_metric": random.random()})
    run.finish()


if __name__ == "__main__":
    main()
