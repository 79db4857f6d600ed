import os
import sys

import numpy as np
import wandb


def main():
    api_key = os.getenv("WANDB_API_KEY")
    if api_key is None or api_key == "":
        sys.exit("Error: no WANDB_API_KEY found. Pass it with `docker run -e WANDB_API_KEY=...` or --env-file .env")
    with wandb.init(project="docker-wandb-test", job_type="test") as run:
        for step, value in enumerate(np.random.randn(100)):
            run.log({"test_metric": float(value)}, step=step)


if __name__ == "__main__":
    main()
