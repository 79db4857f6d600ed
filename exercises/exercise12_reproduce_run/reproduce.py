"""Exercise 12, part 2: run a recorded W&B run again.

    python reproduce.py ENTITY/PROJECT/RUN_ID

Grade it (with train.py) with `nox -s grade -- exercise12`.
"""

import wandb


def main() -> None:
    # TODO: read ENTITY/PROJECT/RUN_ID from the command line; stop with a clear message when
    #       WANDB_API_KEY is not set.
    # TODO: ask wandb.Api() for the run: its commit (run.commit), the script and arguments it
    #       was started with (run.metadata["codePath"], run.metadata["args"]).
    # TODO: get the code of that commit (git worktree add --detach FOLDER COMMIT, or git
    #       checkout COMMIT) and run the script there with the same arguments.
    print("nothing reproduced yet", wandb.__version__)


if __name__ == "__main__":
    main()
