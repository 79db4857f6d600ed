"""Exercise 13: evaluate a model taken from the W&B model registry by its alias.

    python use_registered_model.py ENTITY/model-registry/NAME:ALIAS

Grade it with `nox -s grade -- exercise13`.
"""

import wandb


def main() -> None:
    # TODO: read ENTITY/model-registry/NAME:ALIAS from the command line.
    # TODO: authenticate only through the WANDB_API_KEY environment variable (a .env file
    #       loaded with python-dotenv is fine); exit with a clear message when it is missing.
    # TODO: fetch that artifact with wandb.Api() and download its files (model.pth inside).
    # TODO: load the state_dict into a fresh my_project.model.MyAwesomeModel
    #       (torch.load(..., weights_only=True)), evaluate it on the test set of
    #       my_project.data.corrupt_mnist() and print one line: `accuracy: 0.xxxx`.
    print("no model evaluated yet", wandb.__version__)


if __name__ == "__main__":
    main()
