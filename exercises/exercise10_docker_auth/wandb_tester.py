"""Exercise 10: a small program that proves a container can log to W&B.

Grade it (with wandb.docker) using `nox -s grade -- exercise10`.
"""

import wandb

# TODO: authenticate only through the WANDB_API_KEY environment variable. Without it, exit at
#       once with a non-zero status and a message saying how to pass the key: a container has no
#       terminal, so nobody can answer a prompt.
# TODO: start a run and log 100 values of "test_metric", then finish the run.

print("wandb", wandb.__version__)
