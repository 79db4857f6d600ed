import math
import os
import sys

import wandb


def require_key() -> None:
    if os.environ.get("WANDB_API_KEY", "").strip():
        return
    sys.stderr.write(
        "wandb_tester: WANDB_API_KEY is empty or missing.\n"
        "Run: docker run --rm -e WANDB_API_KEY=<your key> wandb-tester\n"
    )
    raise SystemExit(3)


def main() -> None:
    require_key()
    run = wandb.init(project="dtu-mlops-docker", job_type="test", config={"n": 100})
    for i in range(run.config.n):
        run.log({"test_metric": math.sin(i / 10)})
    run.finish()


if __name__ == "__main__":
    main()
